/** What the command modules get from main.ts: the config, the warehouse, errors and the run lock. */
import type { Command } from "commander";
import type { AppConfig } from "../../core/config/app.ts";
import type { Warehouse } from "../../core/db/warehouse.ts";

export interface RulesDeps {
  config: (cmd: Command) => AppConfig;
  open: (cfg: AppConfig, readOnly?: boolean) => Promise<Warehouse>;
  fail: (message: string) => Error;
  /** hold the run lock (shared with ingest, run and the scheduler) while writing */
  locked: <T>(cfg: AppConfig, cmd: Command, name: string, fn: () => Promise<T>) => Promise<T>;
}
