/**
 * The demo department's roster: about 80 agents in 5 teams, with joiners, leavers, and the planted cases
 * the boards should reveal. Deterministic for a seed.
 */

export interface DemoAgent {
  agent_id: string;
  name_zh: string;
  name_en: string;
  email: string;
  login: string;
  team_id: string;
  team_zh: string;
  role: "agent" | "lead";
  manager_id: string;
  hire_date: string;
  leave_date: string | null;
  /** skill at the start, around 1 (higher is faster and better) */
  skill: number;
  /** what happens to skill over time */
  pattern: "steady" | "improving" | "declining" | "new_hire";
  /** supervisor leniency in 360 reviews (only leads), added to their ratings */
  leniency: number;
  /** later teams (roster history): from a day on, the agent works in another team under its lead; team_id above is
   *  the team before the first move */
  moves: DemoMove[];
}

export interface DemoMove {
  from: string;
  team_id: string;
  team_zh: string;
  manager_id: string;
}

export interface DemoTeam {
  id: string;
  zh: string;
  en: string;
  /** share of the agents */
  share: number;
  /** hard categories are routed here */
  hardQueue: boolean;
}

export const DEMO_TEAMS: DemoTeam[] = [
  { id: "frontline-1", zh: "一线支持一组", en: "Frontline 1", share: 0.24, hardQueue: false },
  { id: "frontline-2", zh: "一线支持二组", en: "Frontline 2", share: 0.24, hardQueue: false },
  { id: "escalations", zh: "二线技术组", en: "Escalations (L2)", share: 0.18, hardQueue: true },
  { id: "key-accounts", zh: "大客户服务组", en: "Key Accounts", share: 0.17, hardQueue: false },
  { id: "platform", zh: "平台与集成组", en: "Platform & Integrations", share: 0.17, hardQueue: false },
];

export const DEPARTMENT_ZH = "技术支持部";
export const DEPARTMENT_MANAGER = "M0001";

const SURNAMES: Array<[string, string]> = [
  ["王", "Wang"], ["李", "Li"], ["张", "Zhang"], ["刘", "Liu"], ["陈", "Chen"], ["杨", "Yang"], ["黄", "Huang"],
  ["赵", "Zhao"], ["吴", "Wu"], ["周", "Zhou"], ["徐", "Xu"], ["孙", "Sun"], ["马", "Ma"], ["朱", "Zhu"],
  ["胡", "Hu"], ["郭", "Guo"], ["何", "He"], ["林", "Lin"], ["罗", "Luo"], ["高", "Gao"], ["郑", "Zheng"],
  ["梁", "Liang"], ["谢", "Xie"], ["宋", "Song"], ["唐", "Tang"], ["许", "Xu"], ["韩", "Han"], ["冯", "Feng"],
];
const GIVEN: Array<[string, string]> = [
  ["伟", "Wei"], ["芳", "Fang"], ["娜", "Na"], ["敏", "Min"], ["静", "Jing"], ["丽", "Li"], ["强", "Qiang"],
  ["磊", "Lei"], ["军", "Jun"], ["洋", "Yang"], ["勇", "Yong"], ["艳", "Yan"], ["杰", "Jie"], ["涛", "Tao"],
  ["明", "Ming"], ["超", "Chao"], ["秀英", "Xiuying"], ["霞", "Xia"], ["平", "Ping"], ["刚", "Gang"],
  ["桂英", "Guiying"], ["建华", "Jianhua"], ["晓东", "Xiaodong"], ["雪梅", "Xuemei"], ["志强", "Zhiqiang"],
  ["海燕", "Haiyan"], ["俊杰", "Junjie"], ["思远", "Siyuan"], ["子涵", "Zihan"], ["一鸣", "Yiming"],
];

/** mulberry32: a tiny seeded PRNG, enough for a few hundred draws */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

export interface RosterPlan {
  agents: DemoAgent[];
  /** ids of the planted cases, written to the demo manifest */
  planted: {
    improving: string;
    declining: string;
    newHire: string;
    hardQueueTeam: string;
    lenientLead: string;
    /** team moves (roster history): agent, day, from team, to team */
    movers: Array<{ agent_id: string; effective_from: string; from_team: string; to_team: string }>;
  };
}

/**
 * @param start first day of the demo's data
 * @param end last day of the demo's data
 */
export function makeRoster(count: number, seed: number, start: Date, end: Date): RosterPlan {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd());
  const spanDays = Math.round((end.getTime() - start.getTime()) / 86_400_000);
  const usedNames = new Set<string>();
  const agents: DemoAgent[] = [];
  // team sizes from shares, rounding fixed up on the first team
  const sizes = DEMO_TEAMS.map((t) => Math.max(2, Math.round(t.share * count)));
  sizes[0]! += count - sizes.reduce((a, b) => a + b, 0);
  let n = 0;
  DEMO_TEAMS.forEach((team, ti) => {
    let leadId = DEPARTMENT_MANAGER;
    for (let k = 0; k < sizes[ti]!; k++) {
      n++;
      const id = `E${1000 + n}`;
      let name: [string, string];
      let given: [string, string];
      let surname: [string, string];
      let tries = 0;
      // unique names while there are enough; a large department has namesakes, as real ones do
      do {
        surname = pick(SURNAMES);
        given = pick(GIVEN);
        name = [surname[0] + given[0], `${surname[1]} ${given[1]}`];
      } while (usedNames.has(name[0]) && ++tries < 20);
      usedNames.add(name[0]);
      const isLead = k === 0;
      // most were hired before the data starts; about one in eight joins during it
      const joins = !isLead && rnd() < 0.12;
      const hire = joins
        ? addDays(start, 30 + Math.floor(rnd() * (spanDays - 120)))
        : addDays(start, -(90 + Math.floor(rnd() * 2500)));
      const leaves = !isLead && !joins && rnd() < 0.1;
      const leave = leaves ? addDays(start, 60 + Math.floor(rnd() * (spanDays - 90))) : null;
      const login = `${given[1].toLowerCase()}.${surname[1].toLowerCase()}${n}`;
      agents.push({
        agent_id: id,
        name_zh: name[0],
        name_en: name[1],
        email: `${login}@support.example.com`,
        login,
        team_id: team.id,
        team_zh: team.zh,
        role: isLead ? "lead" : "agent",
        manager_id: isLead ? DEPARTMENT_MANAGER : leadId,
        hire_date: iso(hire),
        leave_date: leave ? iso(leave) : null,
        skill: Math.min(1.35, Math.max(0.7, 1 + 0.12 * normal() + (isLead ? 0.1 : 0))),
        pattern: "steady",
        leniency: 0,
        moves: [],
      });
      if (isLead) leadId = id;
    }
  });
  // the planted cases, on fixed positions so that the README can name them
  const byTeam = (id: string) => agents.filter((a) => a.team_id === id && a.role === "agent");
  const nth = (id: string, i: number) => {
    const team = byTeam(id);
    return team[Math.min(i, team.length - 1)]!;
  };
  const improving = nth("frontline-1", 5);
  Object.assign(improving, { pattern: "improving", skill: 0.68, hire_date: iso(addDays(start, -400)), leave_date: null });
  const declining = nth("frontline-2", 6);
  Object.assign(declining, { pattern: "declining", skill: 1.08, hire_date: iso(addDays(start, -900)), leave_date: null });
  const newHire = byTeam("platform").at(-1)!;
  Object.assign(newHire, { pattern: "new_hire", skill: 0.9, hire_date: iso(addDays(end, -11)), leave_date: null });
  const lenient = agents.find((a) => a.team_id === "key-accounts" && a.role === "lead")!;
  lenient.leniency = 0.7;
  // Movers (roster history), in the last months of the data so that earlier periods stay as they were: one agent is
  // promoted to the escalation team at a month's start, one moves from platform to key accounts in the middle of a
  // month, one from key accounts to frontline 1. Each is an agent in post for the whole data, not a planted case.
  const movers: RosterPlan["planted"]["movers"] = [];
  const planted = new Set([improving, declining, newHire].map((a) => a.agent_id));
  const monthStart = (back: number, day = 1) => iso(new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - back, day)));
  const plan: Array<[string, string, string]> = [
    ["frontline-1", "escalations", monthStart(3)],
    ["platform", "key-accounts", monthStart(2, 10)],
    ["key-accounts", "frontline-1", monthStart(1)],
  ];
  if (spanDays > 180)
    for (const [fromId, toId, day] of plan) {
      const who = byTeam(fromId).find(
        (a, i) => i >= 2 && !planted.has(a.agent_id) && !a.moves.length && a.leave_date === null && a.hire_date < iso(addDays(start, -30)),
      );
      const to = DEMO_TEAMS.find((t) => t.id === toId)!;
      const lead = agents.find((a) => a.team_id === toId && a.role === "lead")!;
      if (!who) continue;
      who.moves.push({ from: day, team_id: to.id, team_zh: to.zh, manager_id: lead.agent_id });
      planted.add(who.agent_id);
      movers.push({ agent_id: who.agent_id, effective_from: day, from_team: DEMO_TEAMS.find((t) => t.id === fromId)!.zh, to_team: to.zh });
    }
  return {
    agents,
    planted: {
      improving: improving.agent_id,
      declining: declining.agent_id,
      newHire: newHire.agent_id,
      hardQueueTeam: DEMO_TEAMS.find((t) => t.hardQueue)!.zh,
      lenientLead: lenient.agent_id,
      movers,
    },
  };
}
