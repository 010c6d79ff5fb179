// Reads a records file line by line with bounded memory: a line longer than
// the limit is refused as soon as the limit is passed, so a 1 GB line never
// sits in memory. Lines are handed over as byte ranges of the chunk just read
// (no copy, no string): the caller decides how to decode them.
import { createReadStream } from 'node:fs';
import { RECORD_MAX_LINE_BYTES, VerificationError } from '../core/index.js';

/** Called with bytes[start, end) = one line without its "\n"; lineNumber counts from 1. */
export type LineHandler = (bytes: Buffer, start: number, end: number, lineNumber: number) => void;


/**
 * Calls onLine for each line, in order. Every line must end in "\n", the last
 * one too (docs/FORMAT.md section 3): an unterminated last line is
 * RECORD_INVALID. onChunk sees every byte of the file exactly once, in order
 * (for the file digest). Resolves to the number of lines.
 */
export async function forEachLine(path: string, onLine: LineHandler, onChunk?: (chunk: Buffer) => void, max = RECORD_MAX_LINE_BYTES): Promise<number> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNumber = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    onChunk?.(chunk);
    let start = 0;
    let nl = chunk.indexOf(10);
    if (nl !== -1 && pending.length > 0) {
      // the line that began in an earlier chunk ends here
      const line = Buffer.concat([...pending, chunk.subarray(0, nl)]);
      pending = [];
      pendingBytes = 0;
      lineNumber++;
      if (line.length > max) throw tooLong(lineNumber, max);
      onLine(line, 0, line.length, lineNumber);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    for (; nl !== -1; nl = chunk.indexOf(10, start)) {
      lineNumber++;
      if (nl - start > max) throw tooLong(lineNumber, max);
      onLine(chunk, start, nl, lineNumber);
      start = nl + 1;
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      if (pendingBytes > max) throw tooLong(lineNumber + 1, max);
      pending.push(chunk.subarray(start));
    }
  }
  if (pending.length > 0) {
    throw new VerificationError('RECORD_INVALID', `line ${lineNumber + 1} does not end in "\\n" (every line must, the last one too)`);
  }
  return lineNumber;
}

function tooLong(lineNumber: number, max: number): VerificationError {
  return new VerificationError('RECORD_TOO_LONG', `line ${lineNumber} is longer than ${max} bytes`);
}
