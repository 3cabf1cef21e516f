/**
 * Sync one configured API source: the connector for its kind, each stream resuming from its committed cursor.
 */
import type { ApiSource } from "../../core/config/api-sources.ts";
import { syncGeneric } from "./generic/sync.ts";
import { syncJira } from "./jira/sync.ts";
import type { StreamResult, SyncContext } from "./sync-types.ts";
import { syncZendesk } from "./zendesk/sync.ts";

export type { StreamResult, SyncContext };

export async function syncApiSource(source: ApiSource, ctx: SyncContext): Promise<StreamResult[]> {
  switch (source.kind) {
    case "zendesk":
      return syncZendesk(source, ctx);
    case "jira":
      return [await syncJira(source, ctx)];
    case "http":
      return [await syncGeneric(source, ctx)];
  }
}
