// Reads records.ndjson from a File in chunks (its stream), with the same
// rules and reason codes as the CLI's reader (src/node/line-reader.ts), so
// that the page and `shredproof verify` give the same answer for the same
// bytes: strict UTF-8, a line longer than the limit refused as soon as the
// limit is passed, and every line ending in "\n", the last one too.
import { RECORD_MAX_LINE_BYTES, VerificationError } from '../core/index.js';

/**
 * The bytes of a File as its stream gives them (chunks of 64 KiB or more in
 * Chromium). The stream reads the file much faster than File.slice() does,
 * and lets the page cancel by terminating the worker at any point.
 */
export async function* blobChunks(blob: Blob): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stops reading when the caller stopped early (a bad line); harmless after the end, and never hides the error being thrown.
    await reader.cancel().catch(() => undefined);
  }
}

// ignoreBOM keeps a leading U+FEFF in the text, so that a BOM fails the record as it does in the CLI.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();
const NEWLINE = 0x0a;

function tooLong(lineNumber: number, max: number): VerificationError {
  return new VerificationError('RECORD_TOO_LONG', `line ${lineNumber} is longer than ${max} bytes`);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface LineSink {
  line(text: string, lineNumber: number): void;
  /** After each chunk: bytes read so far and lines so far. */
  progress?(bytes: number, lines: number): void;
}

/**
 * Calls sink.line for each line without its "\n", in order. Complete lines of
 * a chunk are decoded in one call (a "\n" byte never sits inside a UTF-8
 * sequence, so a chunk cut at line ends decodes exactly when each line does);
 * when that fails, the lines are decoded one by one to name the bad one.
 */
export async function readBlobLines(blob: Blob, sink: LineSink, max = RECORD_MAX_LINE_BYTES): Promise<void> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let lineNumber = 0;

  const emitBytes = (bytes: Uint8Array) => {
    lineNumber++;
    if (bytes.length > max) throw tooLong(lineNumber, max);
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (e) {
      throw new VerificationError('RECORD_INVALID', `line ${lineNumber} is not valid UTF-8`, { cause: e });
    }
    sink.line(text, lineNumber);
  };

  // chunk[start, end) holds whole lines separated by "\n", without the last "\n".
  const emitRegion = (chunk: Uint8Array, start: number, end: number) => {
    let text: string;
    try {
      text = decoder.decode(chunk.subarray(start, end));
    } catch {
      for (let s = start; s <= end; ) {
        const nl = chunk.indexOf(NEWLINE, s);
        const e = nl === -1 || nl > end ? end : nl;
        emitBytes(chunk.subarray(s, e));
        s = e + 1;
      }
      return;
    }
    for (const line of text.split('\n')) {
      lineNumber++;
      // UTF-16 length <= UTF-8 length <= 3 x UTF-16 length: encode only when it could matter.
      if (line.length > max || (line.length * 3 > max && encoder.encode(line).length > max)) throw tooLong(lineNumber, max);
      sink.line(line, lineNumber);
    }
  };

  let bytesRead = 0;
  for await (const chunk of blobChunks(blob)) {
    bytesRead += chunk.length;
    const first = chunk.indexOf(NEWLINE);
    if (first === -1) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes > max) throw tooLong(lineNumber + 1, max);
    } else {
      let start = 0;
      if (pending.length > 0) {
        pending.push(chunk.subarray(0, first));
        const joined = concat(pending);
        pending = [];
        pendingBytes = 0;
        emitBytes(joined);
        start = first + 1;
      }
      const last = chunk.lastIndexOf(NEWLINE);
      if (last >= start) emitRegion(chunk, start, last);
      if (last + 1 < chunk.length) {
        pending.push(chunk.subarray(last + 1));
        pendingBytes = chunk.length - last - 1;
        if (pendingBytes > max) throw tooLong(lineNumber + 1, max);
      }
    }
    sink.progress?.(bytesRead, lineNumber);
  }
  if (pending.length > 0) {
    throw new VerificationError('RECORD_INVALID', `line ${lineNumber + 1} does not end in "\\n" (every line must, the last one too)`);
  }
}
