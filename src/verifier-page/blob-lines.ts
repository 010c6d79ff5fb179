// Reads records.ndjson from a File line by line, with the same rules and
// reason codes as the CLI's reader (packages/verify/src/node/line-reader.ts), so that the
// page and `shredproof verify` give the same answer for the same bytes: a
// line longer than the limit refused as soon as the limit is passed, every
// line ending in "\n", the last one too, and strict UTF-8 (the core's decodeLine) for
// the lines that are decoded at all. Lines are handed over as byte ranges of
// the window just read, as the CLI's reader does: no copy and no string,
// so that the usual record can be checked by the byte scanner in place.
import { RECORD_MAX_LINE_BYTES, VerificationError } from '@shredproof/verify';
import { BlobWindow } from './blob-window.js';

const NEWLINE = 0x0a;
/** Bytes read at a time, at least: fewer, larger reads cost less per byte. */
const WINDOW_BYTES = 1 << 20;

function tooLong(lineNumber: number, max: number): VerificationError {
  return new VerificationError('RECORD_TOO_LONG', `line ${lineNumber} is longer than ${max} bytes`);
}

/** Called with bytes[start, end) = one line without its "\n"; lineNumber counts from 1. Valid during the call only. */
export type LineHandler = (bytes: Uint8Array, start: number, end: number, lineNumber: number) => void;

export interface LineOptions {
  /** After the lines of each read: bytes[start, end) are those lines, each "\n" included (for the file digest). */
  onLines?(bytes: Uint8Array, start: number, end: number): void;
  /** After each read: bytes read so far and lines so far. */
  progress?(bytes: number, lines: number): void;
  /** For tests: a smaller line limit, and a smaller window to cut lines across reads. */
  max?: number;
  windowBytes?: number;
}

/** Calls onLine for each line of the Blob, in order. Resolves to the number of lines. */
export async function forEachBlobLine(blob: Blob, onLine: LineHandler, options: LineOptions = {}): Promise<number> {
  const max = options.max ?? RECORD_MAX_LINE_BYTES;
  // Room for a line of `max` bytes, its "\n" and more after it: a line that fits the limit never fills the window.
  const window = new BlobWindow(blob, Math.max(options.windowBytes ?? WINDOW_BYTES, 2 * (max + 1)));
  let lineNumber = 0;
  let consumed = 0;
  try {
    while (await window.fill(consumed)) {
      // Only [0, end) was read: what lies past it is stale, from an earlier read.
      const bytes = window.bytes.subarray(0, window.end);
      const end = bytes.length;
      let start = 0;
      for (let nl = bytes.indexOf(NEWLINE); nl !== -1; nl = bytes.indexOf(NEWLINE, start)) {
        lineNumber++;
        if (nl - start > max) throw tooLong(lineNumber, max);
        onLine(bytes, start, nl, lineNumber);
        start = nl + 1;
      }
      consumed = start;
      if (consumed > 0) options.onLines?.(bytes, 0, consumed);
      if (end - consumed > max) throw tooLong(lineNumber + 1, max);
      options.progress?.(window.read, lineNumber);
    }
  } finally {
    await window.close();
  }
  if (window.end > 0) {
    throw new VerificationError('RECORD_INVALID', `line ${lineNumber + 1} does not end in "\\n" (every line must, the last one too)`);
  }
  return lineNumber;
}
