// Reads a records file line by line with bounded memory: a line longer than
// the limit is refused as soon as the limit is passed, so a 1 GB line never
// sits in memory. Lines are decoded as strict UTF-8.
import { createReadStream } from 'node:fs';
import { RECORD_MAX_LINE_BYTES, VerificationError } from '../core/index.js';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });


function decodeLine(bytes: Uint8Array, lineNumber: number): string {
  try {
    return decoder.decode(bytes);
  } catch (e) {
    throw new VerificationError('RECORD_INVALID', `line ${lineNumber} is not valid UTF-8`, { cause: e });
  }
}

/**
 * Yields each line without its "\n". Every line must end in "\n", the last
 * one too (docs/FORMAT.md section 3): an unterminated last line is RECORD_INVALID.
 */
export async function* readLines(path: string, max = RECORD_MAX_LINE_BYTES): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNumber = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      lineNumber++;
      const piece = chunk.subarray(start, nl);
      let bytes: Uint8Array = piece;
      if (pending.length > 0) {
        bytes = Buffer.concat([...pending, piece]);
        pending = [];
        pendingBytes = 0;
      }
      if (bytes.length > max) throw new VerificationError('RECORD_TOO_LONG', `line ${lineNumber} is longer than ${max} bytes`);
      yield decodeLine(bytes, lineNumber);
      start = nl + 1;
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      if (pendingBytes > max) throw new VerificationError('RECORD_TOO_LONG', `line ${lineNumber + 1} is longer than ${max} bytes`);
      pending.push(chunk.subarray(start));
    }
  }
  if (pending.length > 0) {
    throw new VerificationError('RECORD_INVALID', `line ${lineNumber + 1} does not end in "\\n" (every line must, the last one too)`);
  }
}
