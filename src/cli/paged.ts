// Lists that the API pages with a cursor (the inventory, the audit log) can
// hold millions of entries: they are printed a page at a time as the pages
// arrive, never gathered first. With --json each entry is one line of JSON
// (NDJSON, as records.ndjson is), so that a script reads them as they come
// too; one document holding them all could not be read before it ended.
import { jsonForDisplay } from '@shredproof/verify';
import type { CliContext } from './context.js';

/**
 * Prints every entry of `pages`: with `json`, each as the API gave it, one a
 * line; else the lines `text` makes of each page (`first` for the first page
 * with entries, which may carry a header). Says how many entries were
 * printed, and whether the reader of stdout left before the end (`| head`).
 */
export async function printPages<T>(ctx: CliContext, pages: AsyncIterable<T[]>, json: boolean, text: (page: T[], first: boolean) => string[]): Promise<{ printed: number; readerLeft: boolean }> {
  let printed = 0;
  watchReader();
  for await (const page of pages) {
    // The pages still to come would be fetched for nobody.
    if (readerGone) return { printed, readerLeft: true };
    if (page.length === 0) continue;
    for (const line of json ? page.map((e) => jsonForDisplay(e)) : text(page, printed === 0)) ctx.out(line);
    printed += page.length;
    await stdoutDrained();
  }
  return { printed, readerLeft: readerGone };
}

/** Set once standard output's reader has gone (EPIPE: `| head`). Node never marks process.stdout destroyed for it. */
let readerGone = false;
let watching = false;
function watchReader(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') readerGone = true;
  });
}

/**
 * Resolves once standard output has taken what was written to it. Writes to a
 * pipe are asynchronous on some systems (macOS): without this, a reader slower
 * than the server would have every page buffered in memory.
 */
async function stdoutDrained(stream: NodeJS.WriteStream = process.stdout): Promise<void> {
  if (!stream.writableNeedDrain || stream.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      for (const event of ['drain', 'close', 'error'] as const) stream.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'close', 'error'] as const) stream.on(event, done);
  });
}
