// Plain HTML tables (every row in the DOM: what you see is what you copy or download) and the CSV of a table.

/**
 * A table from rows and column specs {key, label, format?(value, row), align?, href?(row)}; `rowData(row)` gives
 * data-* attributes of a row (tests and links find rows by them). data-rows is the number of rows, data-shown
 * how many are in the page so far; the CSV always holds them all.
 * Each cell's text is what the CSV download holds for it.
 */
export function htmlTable(rows, columns, { name, empty = "-", rowData, pageSize = 100, showAll = (n) => `Show all ${n} rows` } = {}) {
  const table = document.createElement("table");
  table.className = "board-table";
  if (name) table.dataset.table = name;
  const thead = table.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement("th");
    th.textContent = c.label;
    if (c.align === "right") th.style.textAlign = "right";
    thead.appendChild(th);
  }
  // the texts of the cells: what the table shows, and what its CSV holds (made when first needed)
  const texts = new Array(rows.length);
  const textsOf = (r) => (texts[r] ??= columns.map((c) => cellText(rows[r], c, empty)));
  table.csvHeader = columns.map((c) => c.label);
  Object.defineProperty(table, "csvRows", { get: () => rows.map((_, r) => textsOf(r)) });
  table.dataset.rows = String(rows.length);
  const body = table.createTBody();
  const append = (from, to) => {
    for (let r = from; r < Math.min(to, rows.length); r++) {
      const row = rows[r];
      const text = textsOf(r);
      const tr = body.insertRow();
      if (rowData) Object.assign(tr.dataset, rowData(row));
      columns.forEach((c, i) => {
        const td = tr.insertCell();
        td.dataset.key = c.key;
        if (c.href) {
          const a = document.createElement("a");
          a.href = c.href(row);
          a.textContent = text[i];
          td.appendChild(a);
        } else td.textContent = text[i];
        if (c.align === "right") td.style.textAlign = "right";
      });
    }
  };
  // A long table (2,000 agents) shows its first `pageSize` rows and a button for the rest: a browser lays out
  // a table with all its rows (column widths depend on every cell), and 2,000 rows took over a second.
  append(0, pageSize);
  table.dataset.shown = String(Math.min(pageSize, rows.length));
  if (rows.length <= pageSize) table.dataset.complete = "true";
  else {
    const foot = table.createTFoot().insertRow().insertCell();
    foot.colSpan = columns.length;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "show-all";
    button.textContent = showAll(rows.length);
    button.addEventListener("click", () => {
      append(pageSize, rows.length);
      table.deleteTFoot();
      table.dataset.shown = String(rows.length);
      table.dataset.complete = "true";
    });
    foot.appendChild(button);
  }
  return table;
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
