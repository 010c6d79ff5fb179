// The certificate's files are written so that a crash never leaves a half
// file under its real name: through a temp name, fsynced, then renamed.
// Finalize runs again after a crash and rewrites them from the ledger.
import { closeSync, fsyncSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { setImmediate } from 'node:timers/promises';

/** Writes `data` to `path` durably. */
export function writeDurably(path: string, data: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

/**
 * Writes lines, each ending in "\n", to `path` durably, a page at a time,
 * yielding to the event loop between pages: the API and the coordinator's
 * other orders share this thread, and a large order's lines in one
 * synchronous pass stalled them for seconds (figures: bench/RESULTS.md,
 * 'Measurements behind the code'). The pages are read as they are written,
 * so a caller that hashes each line as it makes it holds one page at a time.
 */
export async function writeLinesDurably(path: string, pages: Iterable<readonly string[]>): Promise<void> {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    let chunk = '';
    for (const page of pages) {
      for (const line of page) chunk += line + '\n';
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
      await setImmediate();
    }
    writeSync(fd, chunk);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
