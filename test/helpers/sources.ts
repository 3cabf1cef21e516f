/**
 * Test helpers for API sources: a roster whose helpdesk logins match the fake helpdesk's users, and a config
 * with Zendesk and Jira sources pointing at it.
 */
import path from "node:path";
import { AppConfig } from "../../core/config/app.ts";
import { csv, TZ, writeFile } from "./warehouse.ts";

export const SECRET = "s3cret-token";
export const TOKEN_ENV = "APPRAISAL_TEST_TOKEN";

/** 4 Zendesk agents (user ids 500-503) and 4 Jira agents (account ids acc-0..acc-3). */
export function writeRoster(dir: string): string {
  const rows = [
    ...[0, 1, 2, 3].map((i) => [`Z${i}`, `Zed ${i}`, `${500 + i}`, "T1"]),
    ...[0, 1, 2, 3].map((i) => [`J${i}`, `Jay ${i}`, `acc-${i}`, "T2"]),
  ].map(([id, name, login, team]) => [id!, name!, login!, team!, "Support", "agent", "2025-01-01"]);
  return writeFile(dir, "roster.csv", csv(["agent_id", "display_name", "helpdesk_login", "team", "department", "role", "hire_date"], rows));
}

export function apiConfig(dir: string, url: string, extra: Record<string, unknown> = {}, sourceOverrides: Record<string, unknown> = {}): AppConfig {
  const common = { token_env: TOKEN_ENV, start: "2026-08-01", page_size: 10, batch_records: 15, timeout_seconds: 0.5, backoff_ms: 10, retries: 6, ...sourceOverrides };
  const parsed = AppConfig.parse({
    timezone: TZ,
    warehouse: path.join(dir, "wh.duckdb"),
    sources: [{ name: "roster", path: writeRoster(dir), mapping: "canonical/agents" }],
    api_sources: [
      { kind: "zendesk", name: "zendesk", url, email: "admin@example.com", ...common },
      { kind: "jira", name: "jira", url, email: "admin@example.com", jql: "project = SD", sla_fields: { time_to_first_response: "customfield_10031", time_to_resolution: "customfield_10030" }, ...common },
    ],
    ...extra,
  });
  return { ...parsed, baseDir: dir, file: null };
}
