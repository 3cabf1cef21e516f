/**
 * The messages, in Chinese and English, from one template per event: what happened, what to do, and a link to the
 * board and period. Personal events name only what the recipient may know: the appellant gets their own appeal's
 * decision; a manager and HR get the tracker state of the manager's own report.
 */

import type { EventKind } from "../../core/config/notifications.ts";
import type { Message } from "./channels.ts";

export interface NotifyEvent {
  /** unique and stable: the same event found again on the next run has the same key */
  key: string;
  kind: EventKind;
  /** when it happened (ISO) */
  at: string;
  scheme?: { id: string; name_en: string; name_zh: string };
  period?: string;
  revision?: number;
  deadline?: string | null;
  working_days_left?: number;
  appeal?: { id: number; agent_id: string; indicator: string; indicator_en: string; indicator_zh: string; state: string; reason: string | null };
  tracker?: { agent_id: string; name: string; team: string; quarter: string; state: string; consecutive: number; review_since: string | null };
  run?: { id: number; kind: string; error: string | null; quarantined?: number; threshold?: number };
  /** personal events: the addresses of the people concerned (resolved from the roster), and why none if none */
  recipients?: string[];
  no_recipient?: string;
}

type Lang = "en" | "zh-CN";

const STATES: Record<Lang, Record<string, string>> = {
  en: { warning: "warning", review: "review by the committee", accepted: "accepted", rejected: "rejected" },
  "zh-CN": { warning: "预警", review: "提交评审小组评审", accepted: "已受理", rejected: "已驳回" },
};

const RUN_KINDS: Record<Lang, Record<string, string>> = {
  en: { ingest: "data load", run: "scoring run", pipeline: "scheduled load and scoring", publish: "site publication" },
  "zh-CN": { ingest: "数据导入", run: "计分运行", pipeline: "定时导入与计分", publish: "看板发布" },
};

export function link(base: string | undefined, page: string, params: Record<string, string> = {}): string | null {
  if (!base) return null;
  const u = new URL(page, base.endsWith("/") ? base : `${base}/`);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** The message of an event in a language; `urls` are the boards' addresses (staff, management). */
export function render(e: NotifyEvent, lang: Lang, urls: { staff?: string; management?: string }): Message {
  const zh = lang === "zh-CN";
  const scheme = e.scheme ? (zh ? e.scheme.name_zh : e.scheme.name_en) : "";
  const p = e.period ?? "";
  let title: string;
  let lines: string[];
  let url: string | null = null;
  switch (e.kind) {
    case "period_provisional":
      url = link(urls.staff, "rankings", { period: p });
      title = zh ? `【绩效公示】${p} 考核结果已公示` : `[Appraisal] ${p} results published for objection`;
      lines = zh
        ? [`${scheme} ${p} 的考核结果已公示（暂定结果，第 ${e.revision} 版）。`, e.deadline ? `如有异议，请在 ${e.deadline}（含）前提出申诉。` : ""]
        : [`The ${scheme} results for ${p} are published for objection (provisional, revision ${e.revision}).`, e.deadline ? `Appeals may be filed until ${e.deadline} (inclusive).` : ""];
      break;
    case "deadline_approaching":
      url = link(urls.staff, "appeals", { period: p });
      title = zh ? `【申诉提醒】${p} 申诉将于 ${e.deadline} 截止` : `[Appraisal] appeals on ${p} close on ${e.deadline}`;
      lines = zh
        ? [`${scheme} ${p} 的申诉期将于 ${e.deadline}（含）截止，还剩 ${e.working_days_left} 个工作日。`]
        : [`The appeal window of ${scheme} ${p} closes on ${e.deadline} (inclusive): ${e.working_days_left} working day(s) left.`];
      break;
    case "period_final":
      url = link(urls.staff, "rankings", { period: p });
      title = zh ? `【绩效考核】${p} 考核结果已确定` : `[Appraisal] ${p} results are final`;
      lines = zh ? [`${scheme} ${p} 的考核结果已确定为最终结果（第 ${e.revision} 版）。`] : [`The ${scheme} results for ${p} are final (revision ${e.revision}).`];
      break;
    case "appeal_decided": {
      const a = e.appeal!;
      url = link(urls.staff, "agent", { id: a.agent_id, period: p });
      const state = STATES[lang][a.state] ?? a.state;
      title = zh ? `【申诉结果】您对 ${p} 的申诉 #${a.id} ${state}` : `[Appraisal] your appeal #${a.id} on ${p}: ${state}`;
      lines = zh
        ? [`您对 ${p}「${a.indicator_zh}」的申诉（#${a.id}）${state}。`, a.reason ? `处理意见：${a.reason}` : "", a.state === "accepted" ? "更正后的结果将在重新计分并再次公示后显示。" : ""]
        : [`Your appeal #${a.id} on "${a.indicator_en}" in ${p} was ${state}.`, a.reason ? `Decision: ${a.reason}` : "", a.state === "accepted" ? "The corrected result shows once the period is re-scored and published again." : ""];
      break;
    }
    case "tracker_flag": {
      const t = e.tracker!;
      url = link(urls.management ?? urls.staff, "tracker", { period: t.quarter });
      const state = STATES[lang][t.state] ?? t.state;
      title = zh ? `【末位跟踪】${t.name}（${t.agent_id}）${t.quarter}：${state}` : `[Appraisal] ${t.name} (${t.agent_id}), ${t.quarter}: ${state}`;
      lines = zh
        ? [
            `${t.team} ${t.name}（${t.agent_id}）在 ${t.quarter} 的末位淘汰跟踪状态为「${state}」（连续 ${t.consecutive} 个季度处于末位组）。`,
            t.state === "warning" ? "下一季度为预警期，请安排培训与辅导。" : `请评审小组（部门经理、人力资源部、直属上级）作出决定并记录（appraisal committee）。`,
            "系统只负责标记与记录，不作决定。此消息仅发送给直属上级与人力资源部。",
          ]
        : [
            `${t.name} (${t.agent_id}, ${t.team}) is in the bottom-20% tracker's "${state}" state for ${t.quarter} (${t.consecutive} consecutive quarter(s) in the bottom group).`,
            t.state === "warning" ? "The next quarter is the warning period: arrange training and coaching." : "The review committee (department manager, HR, direct supervisor) decides; record it with 'appraisal committee'.",
            "The system flags and records; it never decides. Sent only to the direct manager and HR.",
          ];
      break;
    }
    case "run_failed": {
      const r = e.run!;
      url = link(urls.staff, "status");
      const kind = RUN_KINDS[lang][r.kind] ?? r.kind;
      title = zh ? `【运行失败】${kind} #${r.id}` : `[Appraisal] ${kind} #${r.id} failed`;
      lines = zh
        ? [`${kind} #${r.id} 失败：${(r.error ?? "").split("\n")[0]}`, "上一次成功的结果保持不变；请运行 appraisal status 查看详情。"]
        : [`${kind} #${r.id} failed: ${(r.error ?? "").split("\n")[0]}`, "The last good results stay in place; 'appraisal status' shows the details."];
      break;
    }
    case "quarantine_high": {
      const r = e.run!;
      url = link(urls.staff, "status");
      title = zh ? `【数据隔离】导入 #${r.id} 隔离了 ${r.quarantined} 行` : `[Appraisal] load #${r.id} quarantined ${r.quarantined} rows`;
      lines = zh
        ? [`数据导入 #${r.id} 隔离了 ${r.quarantined} 行（阈值 ${r.threshold}）。这些行不参与计分；请运行 appraisal status 查看原因并修正源数据。`]
        : [`Load #${r.id} quarantined ${r.quarantined} rows (threshold ${r.threshold}). They are not scored; 'appraisal status' lists the reasons: fix the source and load again.`];
      break;
    }
  }
  const body = lines.filter(Boolean);
  const more = url ? (zh ? `查看：${url}` : `See ${url}`) : null;
  const text = [...body, ...(more ? [more] : [])].join("\n");
  const markdown = [`**${title}**`, ...body, ...(url ? [zh ? `[查看看板](${url})` : `[Open the board](${url})`] : [])].join("\n\n");
  return { title, text, markdown };
}
