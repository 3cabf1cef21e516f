/**
 * A URL fit to show: in logs, errors and the warehouse (helpdesk sources), and in notification errors (webhooks).
 */

/** The URL as shown in logs, errors and the warehouse: no user info, no token-like query parameters. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    for (const k of [...u.searchParams.keys()]) if (/token|key|secret|password|auth/i.test(k) && !/page_?token/i.test(k)) u.searchParams.set(k, "***");
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}
