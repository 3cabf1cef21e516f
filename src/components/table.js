import { labels as catalogue } from "./i18n.js";

// Plain HTML tables (every row in the DOM: what you see is what you copy or download) and the CSV of a table.
//
// A table sits in its own scrolling box: a wide table scrolls sideways inside the box (never the page), a long one
// scrolls inside a box at most 70% of the window tall, and the header row and the first column stay in view (sticky).
// Cells of names, teams, ids and ranks never wrap. With `sortable`, the headers are buttons that sort the rows; on
// a phone (640 px or less), a table with `essential` columns shows only those, and each row has a button that opens
// the other columns under it (one tap).

/**
 * A table from rows and column specs:
 *   {key, label, format?(value, row), align?, href?(row), kind?, essential?, technical?, sticky?, wrapHeader?, sortValue?(row)}
 * kind "name" | "team" | "id" | "rank" | "nowrap" keeps the cell on one line, "prose" gives a sentence room to read; "code" shows the value as code that is
 * never translated; `asTyped` marks text a person typed (an appeal's reason, a committee's note), shown as typed; technical columns are hidden until the reader opens them (`technical` option below).
 * Options:
 *   name         data-table, for tests and links
 *   caption      what the table holds (read first by screen readers; printed above the table)
 *   empty        the text of an empty cell
 *   rowData(row) data-* attributes of a row
 *   pageSize     rows in the page before "show all" (a browser lays out every row of a table: 2,000 took over a second)
 *   showAll(n)   the text of that button
 *   sortable     sort by a header (click again to reverse); `sort: {key, dir}` the initial order, `onSort` told of a change
 *   labels       {sortBy, details, technical, hideTechnical, noRows} texts from the catalogue
 *   technical    a button that shows and hides the technical columns
 *   rowHeader    the key of the column that names a row (default: the first)
 * data-rows is the number of rows, data-shown how many are in the page so far; the CSV always holds them all.
 * Each cell's text is what the CSV download holds for it.
 */
export function htmlTable(rows, columns, opts = {}) {
  // the words of the table's own controls, in the page's language (<html lang>), unless the board gives its own
  const { L } = catalogue(document.documentElement.lang);
  const labels = { sortBy: L.sortBy, details: L.details, technical: L.showTechnical, hideTechnical: L.hideTechnical, ...opts.labels };
  const { name, caption, empty = "-", rowData, pageSize = 100, showAll = L.showAllRows, sortable = false } = opts;
  const box = document.createElement("div");
  box.className = "table-box";
  if (rows.length > 15) box.classList.add("tall");
  const table = document.createElement("table");
  table.className = "board-table";
  if (name) {
    table.dataset.table = name;
    box.dataset.tableBox = name;
  }
  const phone = columns.some((c) => c.essential);
  // sticky columns: those marked, else the first; they stay in view when the box scrolls sideways
  const stickyKeys = columns.some((c) => c.sticky) ? columns.filter((c) => c.sticky).map((c) => c.key) : [columns[0]?.key];
  const stickyIndex = (c) => stickyKeys.indexOf(c.key);
  if (phone) table.classList.add("has-essential");
  if (caption) {
    const cap = table.createCaption();
    cap.textContent = caption;
  }
  let order = opts.sort ?? null;
  const head = table.createTHead().insertRow();
  if (phone) {
    const th = document.createElement("th");
    th.scope = "col";
    th.className = "details-toggle-cell";
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = labels.details;
    th.appendChild(hidden);
    head.appendChild(th);
  }
  const ths = columns.map((c) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.dataset.key = c.key;
    if (c.wrapHeader) th.classList.add("wrap-header");
    decorate(th, c, stickyIndex(c));
    if (sortable && c.sortable !== false) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = c.label;
      button.title = `${labels.sortBy} ${c.label}`;
      button.addEventListener("click", () => {
        order = { key: c.key, dir: order?.key === c.key && order.dir === "asc" ? "desc" : order?.key === c.key ? "asc" : defaultDir(c) };
        render();
        opts.onSort?.(order);
      });
      th.appendChild(button);
    } else th.textContent = c.label;
    head.appendChild(th);
    return th;
  });
  // the texts of the cells: what the table shows, and what its CSV holds (made when first needed)
  const texts = new Map();
  const textsOf = (row) => {
    if (!texts.has(row)) texts.set(row, columns.map((c) => cellText(row, c, empty)));
    return texts.get(row);
  };
  let sorted = rows;
  const body = table.createTBody();
  let shown = 0;
  const append = (to) => {
    for (let r = shown; r < Math.min(to, sorted.length); r++) appendRow(sorted[r]);
    shown = Math.min(to, sorted.length);
    table.dataset.shown = String(shown);
  };
  const appendRow = (row) => {
    const text = textsOf(row);
    const tr = body.insertRow();
    if (rowData) Object.assign(tr.dataset, rowData(row));
    let toggle = null;
    if (phone) {
      const td = tr.insertCell();
      td.className = "details-toggle-cell";
      toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "details-toggle";
      toggle.setAttribute("aria-expanded", "false");
      toggle.setAttribute("aria-label", labels.details);
      toggle.textContent = "▸";
      td.appendChild(toggle);
    }
    columns.forEach((c, i) => {
      // one column heads its row (a screen reader names the row by it): `rowHeader`, else the first
      const header = opts.rowHeader ? c.key === opts.rowHeader : i === 0;
      const cell = document.createElement(header ? "th" : "td");
      if (header) cell.scope = "row";
      tr.appendChild(cell);
      cell.dataset.key = c.key;
      decorate(cell, c, stickyIndex(c));
      if (c.href) {
        const a = document.createElement("a");
        a.href = c.href(row);
        a.textContent = text[i];
        cell.appendChild(a);
      } else if (c.kind === "code" || c.asTyped) {
        // an id, a hash, or words a person typed: shown as they are, never translated
        const el = document.createElement(c.kind === "code" ? "code" : "span");
        el.translate = false;
        if (c.asTyped) el.className = "as-typed";
        el.textContent = text[i];
        cell.appendChild(el);
      } else cell.textContent = text[i];
    });
    if (toggle) {
      toggle.addEventListener("click", () => {
        const open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", String(!open));
        toggle.textContent = open ? "▸" : "▾";
        if (open) tr.nextElementSibling?.classList.contains("details-row") && tr.nextElementSibling.remove();
        else tr.after(detailsRow(row, text));
      });
    }
  };
  // on a phone: the columns that are not essential, as "label: value" lines under the row
  const detailsRow = (row, text) => {
    const tr = document.createElement("tr");
    tr.className = "details-row";
    const td = tr.insertCell();
    td.className = "details-cell";
    td.colSpan = columns.length + 1;
    const dl = document.createElement("dl");
    columns.forEach((c, i) => {
      if (c.essential) return;
      const dt = document.createElement("dt");
      dt.textContent = c.label;
      const dd = document.createElement("dd");
      if (c.href) {
        const a = document.createElement("a");
        a.href = c.href(row);
        a.textContent = text[i];
        dd.appendChild(a);
      } else dd.textContent = text[i];
      dl.append(dt, dd);
    });
    td.appendChild(dl);
    return tr;
  };
  const render = () => {
    sorted = order ? sortRows(rows, columns.find((c) => c.key === order.key), order.dir) : rows;
    ths.forEach((th, i) => {
      if (!sortable) return;
      th.setAttribute("aria-sort", order?.key === columns[i].key ? (order.dir === "asc" ? "ascending" : "descending") : "none");
    });
    body.replaceChildren();
    const target = Math.max(pageSize, shown);
    shown = 0;
    append(target);
    table.tFoot?.remove();
    if (shown < sorted.length) {
      const foot = table.createTFoot().insertRow().insertCell();
      foot.colSpan = columns.length + (phone ? 1 : 0);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "show-all";
      button.textContent = showAll(sorted.length);
      button.addEventListener("click", () => {
        append(sorted.length);
        table.deleteTFoot();
        table.dataset.complete = "true";
      });
      foot.appendChild(button);
      delete table.dataset.complete;
    } else table.dataset.complete = "true";
  };
  table.dataset.rows = String(rows.length);
  render();
  if (!rows.length && labels.noRows) {
    const tr = body.insertRow();
    tr.className = "no-rows";
    const td = tr.insertCell();
    td.colSpan = columns.length + (phone ? 1 : 0);
    td.textContent = labels.noRows;
  }
  // the CSV: the header and every row's texts, in the order shown
  const csv = { header: columns.map((c) => c.label), rows: () => sorted.map((r) => textsOf(r)) };
  for (const el of [table, box]) {
    el.csvHeader = csv.header;
    Object.defineProperty(el, "csvRows", { get: csv.rows });
  }
  box.table = table;
  if (opts.technical && columns.some((c) => c.technical)) {
    table.classList.add("technical-hidden");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "technical-toggle";
    button.setAttribute("aria-expanded", "false");
    const label = () => (table.classList.contains("technical-hidden") ? labels.technical : labels.hideTechnical);
    button.textContent = label();
    button.addEventListener("click", () => {
      table.classList.toggle("technical-hidden");
      button.setAttribute("aria-expanded", String(!table.classList.contains("technical-hidden")));
      button.textContent = label();
    });
    box.prepend(button);
  }
  box.appendChild(table);
  // the sticky columns' left offsets: after the toggle column (on a phone) and the sticky columns before them
  if (typeof ResizeObserver !== "undefined") {
    const place = () => {
      let left = 0;
      const toggle = head.querySelector(".details-toggle-cell");
      if (toggle && toggle.offsetParent !== null) left += toggle.getBoundingClientRect().width;
      stickyKeys.forEach((key, i) => {
        table.style.setProperty(`--s${i}`, `${left}px`);
        const th = ths[columns.findIndex((c) => c.key === key)];
        if (th && th.offsetParent !== null) left += th.getBoundingClientRect().width;
      });
    };
    new ResizeObserver(place).observe(table);
  }
  return box;
}

/** The classes of a cell from its column: alignment, one line, technical, sticky. */
function decorate(cell, c, sticky = -1) {
  if (sticky >= 0) cell.classList.add("sticky", `s${sticky}`);
  if (c.align === "right") cell.classList.add("num");
  // the values never wrap; a header over numbers (a rank, a rank interval) may break between its words
  const header = cell.tagName === "TH" && cell.scope === "col";
  if (["name", "team", "id", "nowrap", "code"].includes(c.kind) || (c.kind === "rank" && !header)) cell.classList.add("nowrap");
  if (c.kind === "prose") cell.classList.add("prose");
  if (c.kind) cell.dataset.kind = c.kind;
  if (c.essential) cell.classList.add("essential");
  if (c.technical) cell.classList.add("technical");
}

const defaultDir = (c) => (c.align === "right" && c.kind !== "rank" ? "desc" : "asc");

/** Rows sorted by a column: numbers as numbers, text in the reader's language order, empty values last. */
export function sortRows(rows, column, dir = "asc") {
  if (!column) return rows;
  const value = column.sortValue ?? ((r) => r[column.key]);
  const sign = dir === "desc" ? -1 : 1;
  const collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
  return rows
    .map((r, i) => ({ r, i, v: value(r) }))
    .sort((a, b) => {
      const na = a.v === null || a.v === undefined || a.v === "";
      const nb = b.v === null || b.v === undefined || b.v === "";
      if (na || nb) return na === nb ? a.i - b.i : na ? 1 : -1;
      const d = typeof a.v === "number" && typeof b.v === "number" ? a.v - b.v : collator.compare(String(a.v), String(b.v));
      return d === 0 ? a.i - b.i : sign * d;
    })
    .map((x) => x.r);
}

function cellText(row, c, empty) {
  const v = row[c.key];
  const text = c.format ? c.format(v, row) : v;
  return text === null || text === undefined || text === "" ? empty : String(text);
}

/**
 * A spreadsheet would run a cell starting with = + - @ (or a tab or carriage return) as a formula:
 * such a cell gets a leading apostrophe. Plain numbers (-3.5, +1.2, 12%) stay numbers.
 */
export function escapeCell(text) {
  const s = String(text);
  if (/^[+-]?\d+(\.\d+)?%?$/.test(s)) return s;
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** RFC 4180 CSV of the header and the cells' texts, escaped against formula injection. */
export function toCsv(header, rows) {
  const q = (s) => {
    const e = escapeCell(s);
    return /[",\r\n]/.test(e) ? `"${e.replaceAll('"', '""')}"` : e;
  };
  return `${[header, ...rows].map((r) => r.map(q).join(",")).join("\r\n")}\r\n`;
}

/** The CSV of exactly what an htmlTable shows: its header and its cells' texts. */
export function tableCsv(table) {
  return toCsv(table.csvHeader, table.csvRows);
}

/** A button that downloads `getCsv()` as a UTF-8 file (with a BOM, so spreadsheets read Chinese correctly). */
export function csvButton(getCsv, filename, label) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "csv-download";
  button.textContent = label;
  button.addEventListener("click", () => {
    const blob = new Blob(["\ufeff", getCsv()], { type: "text/csv;charset=utf-8" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  return button;
}
