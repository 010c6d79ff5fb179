// C2SP tlog-proof (c2sp.org/tlog-proof, docs/FORMAT.md section 12.5): the
// receipt a certificate bundle carries, receipt.tlog-proof. Everything an
// offline verifier needs to see that an entry is in a log, with nothing to
// fetch:
//
//   c2sp.org/tlog-proof@v1
//   [extra <base64>]
//   index <leaf index>
//   <base64 hash of the inclusion proof, from the leaf's sibling up>...
//   <empty line>
//   <the checkpoint, a signed note, verbatim, with its cosignatures>
import { base64Encode, utf8Decode } from './bytes.js';
import { VerificationError } from './errors.js';
import { strictBase64 } from './signed-note.js';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
/** An RFC 6962 inclusion proof in a tree below 2^63 entries has fewer hashes. */
const MAX_HASHES = 63;
const MAX_BYTES = 1_100_000;

export interface TlogProof {
  index: number;
  /** The inclusion proof, from the leaf's sibling to the root's child. */
  hashes: Uint8Array[];
  /** The checkpoint: a signed note, verbatim (./signed-note.ts reads it). */
  checkpoint: string;
  /** Opaque extra data; not authenticated, and shredproof writes none. */
  extra?: Uint8Array;
}

const malformed = (why: string): never => {
  throw new VerificationError('NOTE_MALFORMED', `receipt (tlog-proof): ${why}`);
};

/** Reads a receipt strictly. NOTE_MALFORMED, saying which line. */
export function parseTlogProof(input: Uint8Array | string): TlogProof {
  if (typeof input !== 'string' && input.length > MAX_BYTES) malformed(`${input.length} bytes; at most ${MAX_BYTES}`);
  let s: string;
  try {
    s = typeof input === 'string' ? input : utf8Decode(input);
  } catch {
    return malformed('not valid UTF-8');
  }
  const blank = s.indexOf('\n\n');
  if (blank < 0) malformed('no empty line before the checkpoint');
  const head = s.slice(0, blank).split('\n');
  const checkpoint = s.slice(blank + 2);
  if (head[0] !== TLOG_PROOF_HEADER) malformed(`the first line is ${JSON.stringify(head[0])}, not ${TLOG_PROOF_HEADER}`);
  let at = 1;
  let extra: Uint8Array | undefined;
  if (head[at]?.startsWith('extra ')) {
    extra = strictBase64(head[at]!.slice('extra '.length));
    if (!extra) malformed(`line ${at + 1}: the extra data is not standard padded base64`);
    at++;
  }
  const m = /^index (0|[1-9][0-9]{0,15})$/.exec(head[at] ?? '');
  if (!m || !Number.isSafeInteger(Number(m[1]))) malformed(`line ${at + 1} is ${JSON.stringify(head[at] ?? '')}, not "index <decimal without leading zeros>"`);
  const hashLines = head.slice(at + 1);
  if (hashLines.length > MAX_HASHES) malformed(`${hashLines.length} proof hashes; at most ${MAX_HASHES}`);
  const hashes = hashLines.map((l, i) => {
    const h = strictBase64(l);
    if (!h || h.length !== 32) malformed(`line ${at + 2 + i}: not standard padded base64 of a 32-byte hash`);
    return h!;
  });
  if (checkpoint.length === 0) malformed('no checkpoint after the empty line');
  return { index: Number(m![1]), hashes, checkpoint, ...(extra ? { extra } : {}) };
}

/** The receipt's text. */
export function formatTlogProof(p: TlogProof): string {
  const extra = p.extra ? [`extra ${base64Encode(p.extra)}`] : [];
  return [TLOG_PROOF_HEADER, ...extra, `index ${p.index}`, ...p.hashes.map(base64Encode)].join('\n') + '\n\n' + p.checkpoint;
}
