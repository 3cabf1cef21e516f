/**
 * What a loader may open: a regular file that this user can read. Anything else is refused before the warehouse
 * is touched, with what to do: a named pipe (FIFO) or a device would block a read forever while the run lock and the
 * warehouse are held; a folder or a file without read permission would otherwise surface as a raw EISDIR or EACCES.
 * Reads of a regular file are timed out too (a network share that stops answering), see `readTimeoutMs`.
 */
import { accessSync, constants, statSync } from "node:fs";
import { userInfo } from "node:os";
import { msg } from "./messages.ts";

/** Why `file` cannot be loaded, or null when it is a readable regular file. */
export function unreadableFile(file: string): string | null {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return msg.fileMissing(file);
    if (code === "EACCES") return msg.fileNoAccess(file, user());
    return msg.fileUnreadable(file, code ?? (e as Error).message);
  }
  if (st.isDirectory()) return msg.fileIsFolder(file);
  if (!st.isFile()) {
    const kind = st.isFIFO() ? "a named pipe (FIFO)" : st.isSocket() ? "a socket" : st.isCharacterDevice() || st.isBlockDevice() ? "a device" : "not a regular file";
    return msg.fileNotRegular(file, kind);
  }
  try {
    accessSync(file, constants.R_OK);
  } catch {
    return msg.fileNoAccess(file, user());
  }
  return null;
}

function user(): string {
  try {
    return userInfo().username;
  } catch {
    return "the user running appraisal";
  }
}

/** How long a read of an export file may wait for its next bytes (APPRAISAL_READ_TIMEOUT_SECONDS, default 120 s). */
export function readTimeoutMs(): number {
  const s = Number(process.env.APPRAISAL_READ_TIMEOUT_SECONDS);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 120_000;
}
