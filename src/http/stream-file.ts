// A certificate file streamed as a download (records.ndjson and the list
// files can be large, and so can a vendor's). The file is opened before any
// header is sent, so that a file that is not there is still a problem
// document, not a broken 200.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';

/** Streams `path` as a download of `type` named `filename`; `missing` answers a file that does not exist (an HttpProblem to throw). */
export async function sendFile(res: Response, path: string, type: string, filename: string, missing: () => Error): Promise<undefined> {
  const stream = createReadStream(path);
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') throw missing();
    throw e;
  }
  res.status(200).type(type).set('Content-Disposition', `attachment; filename="${filename}"`);
  await pipeline(stream, res);
  return undefined;
}

/** Streams `path` as an NDJSON download named `filename` (see sendFile). */
export function sendNdjsonFile(res: Response, path: string, filename: string, missing: () => Error): Promise<undefined> {
  return sendFile(res, path, 'application/x-ndjson', filename, missing);
}
