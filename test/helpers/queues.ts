/**
 * A crafted department for the workload-mix tests: four equally skilled agents. EASY resolves only quick tickets
 * (how_to, 2 hours at the department's pace), HARD only slow ones (database, 20 hours), MIX1 and MIX2 half of each.
 * Every agent's tickets take the base hours times the same five multipliers (0.5, 0.8, 1, 1.25, 2), so nobody is
 * faster than anybody on the same kind of ticket: only the queue differs.
 */
import type { Cell, Table } from "./department.ts";

export const MULTIPLIERS = [0.5, 0.8, 1, 1.25, 2];
const BASE: Record<string, number> = { how_to: 2, database: 20 };


/** `tickets` tickets per agent over January to March 2026 (a multiple of 10). */
export function queues(tickets = 60): { roster: Table; tickets: Table } {
  const roster: Table = {
    header: ["agent_id", "display_name", "team", "department", "hire_date"],
    rows: [
      ["EASY", "Easy Queue", "Frontline", "Support", "2024-01-01"],
      ["HARD", "Hard Queue", "Escalations", "Support", "2024-01-01"],
      ["MIX1", "Mixed One", "Frontline", "Support", "2024-01-01"],
      ["MIX2", "Mixed Two", "Escalations", "Support", "2024-01-01"],
    ],
  };
  const rows: Cell[][] = [];
  const kinds: Record<string, (i: number) => string> = {
    EASY: () => "how_to",
    HARD: () => "database",
    MIX1: (i) => (i % 2 === 0 ? "how_to" : "database"),
    MIX2: (i) => (i % 2 === 0 ? "database" : "how_to"),
  };
  for (const [agent, kind] of Object.entries(kinds)) {
    for (let i = 0; i < tickets; i++) {
      const category = kind(i);
      // each kind gets the five multipliers equally often: cycle them over the tickets of that kind
      const nth = agent.startsWith("MIX") ? Math.floor(i / 2) : i;
      const hours = BASE[category]! * MULTIPLIERS[nth % MULTIPLIERS.length]!;
      const day = (i * 84) / tickets;
      const created = new Date(Date.UTC(2026, 0, 1 + Math.floor(day), 1));
      const resolved = new Date(created.getTime() + hours * 3_600_000);
      rows.push([
        `${agent}-${i + 1}`,
        created.toISOString().replace("T", " ").slice(0, 19),
        new Date(created.getTime() + 600_000).toISOString().replace("T", " ").slice(0, 19),
        resolved.toISOString().replace("T", " ").slice(0, 19),
        "resolved",
        "normal",
        category,
        "email",
        agent,
      ]);
    }
  }
  return {
    roster,
    tickets: { header: ["ticket_id", "created_at", "first_response_at", "resolved_at", "status", "priority", "category", "channel", "assignee_id"], rows },
  };
}

/** The same department with one more ticket in April, so that the data covers all of 2026-Q1 and it can be published. */
export function publishableQueues(tickets = 60): { roster: Table; tickets: Table } {
  const q = queues(tickets);
  q.tickets.rows.push(["EASY-APRIL", "2026-04-02 09:00:00", "2026-04-02 09:10:00", "2026-04-02 11:00:00", "resolved", "normal", "how_to", "email", "EASY"]);
  return q;
}
