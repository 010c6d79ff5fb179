// C2SP checkpoints (c2sp.org/tlog-checkpoint, docs/FORMAT.md section 12.3):
// the signed text of a transparency log's state, as a signed note's text:
//
//   <origin>\n<tree size, decimal>\n<root hash, base64>\n[<extension line>\n...]
//
// Read as strictly as golang.org/x/mod/sumdb/tlog reads a tree note: the
// size in canonical decimal (no sign, no leading zero), the root exactly 32
// bytes of standard padded base64, extension lines non-empty.
import { base64Encode } from './bytes.js';
import { VerificationError } from './errors.js';
import { strictBase64 } from './signed-note.js';

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  /** Extension lines, without their newlines; shredproof writes none. */
  extensions: string[];
}

const malformed = (why: string): never => {
  throw new VerificationError('NOTE_MALFORMED', `checkpoint: ${why}`);
};

/** Reads a checkpoint's text (a signed note's `text`). NOTE_MALFORMED. */
export function parseCheckpointText(text: string): Checkpoint {
  if (!text.endsWith('\n')) malformed('the text does not end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) malformed(`${lines.length} line(s); a checkpoint has an origin, a tree size and a root hash`);
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) malformed('the origin line is empty');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) malformed(`the tree size ${JSON.stringify(sizeLine)} is not a decimal integer without leading zeros, below 2^53`);
  const rootHash = strictBase64(rootLine);
  if (!rootHash || rootHash.length !== 32) malformed(`the root hash ${JSON.stringify(rootLine)} is not standard padded base64 of 32 bytes`);
  extensions.forEach((e, i) => {
    if (e.length === 0) malformed(`extension line ${i + 1} is empty`);
  });
  return { origin, size: Number(sizeLine), rootHash: rootHash!, extensions };
}

/** The text of a checkpoint, ending in "\n". */
export function formatCheckpointText(c: Checkpoint): string {
  if (c.origin.length === 0 || c.origin.includes('\n')) throw new TypeError('a checkpoint origin is one non-empty line');
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new TypeError(`not a tree size: ${c.size}`);
  if (c.rootHash.length !== 32) throw new TypeError('a root hash is 32 bytes');
  return [c.origin, String(c.size), base64Encode(c.rootHash), ...c.extensions].join('\n') + '\n';
}
