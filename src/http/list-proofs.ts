// Proofs of one entry of a version 2 certificate's lists (docs/FORMAT.md
// section 7.1): "your photo was kept under hold H", and nothing about anyone
// else. The list file is checked against the signed statement's head before
// any proof is made from it, as the records are (src/http/proofs.ts); lists
// are read whole per request: they hold the objects not destroyed, far fewer
// than the records.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  buildObjectProofV2,
  type DsseEnvelope,
  isStatementV2,
  type ListName,
  MerkleTree,
  type ObjectProofV2,
  parseListEntryLine,
  utf8Encode,
  verifyCertificate,
  verifyListFile,
  type TrustedKey,
} from '@shredproof/verify';
import { nodeHasher } from '@shredproof/verify/node';
import { HttpProblem } from './problem.js';

/** Where a certificate's list file is: beside its records file (src/app/finalize-order.ts writes both). */
export function listPath(recordsPath: string, list: ListName): string {
  return join(dirname(recordsPath), `${list}.ndjson`);
}

export type ListSelector = { locator: string; target?: string } | { sha256: string } | { leafIndex: number };

/** How many leaf indices an AMBIGUOUS answer lists. */
const LISTED = 20;

export async function listEntryProof(list: ListName, recordsPath: string, envelopeText: string, keys: readonly TrustedKey[], sel: ListSelector): Promise<ObjectProofV2> {
  const envelope = JSON.parse(envelopeText) as DsseEnvelope;
  const { statement } = verifyCertificate(envelope, keys);
  const { certificateId } = statement;
  if (!isStatementV2(statement)) throw new HttpProblem(404, 'NO_LIST', 'This certificate has no such list', `certificate ${certificateId} is of version 1: its ${list} list is inside the signed statement`);
  const bytes = await readFile(listPath(recordsPath, list));
  verifyListFile(list, statement, bytes, { hasher: nodeHasher });
  const text = bytes.toString('utf8');
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  const matches: number[] = [];
  lines.forEach((line, i) => {
    const e = parseListEntryLine(list, line, i + 1);
    const hit = 'leafIndex' in sel ? i === sel.leafIndex : 'sha256' in sel ? 'sha256' in e && e.sha256 === sel.sha256 : e.locator === sel.locator && (sel.target === undefined || e.target === sel.target);
    if (hit) matches.push(i);
  });
  if (matches.length === 0) throw new HttpProblem(404, 'NOT_FOUND', 'Not found', `no entry of the ${list} list of certificate ${certificateId} matches`);
  if (matches.length > 1) {
    throw new HttpProblem(409, 'AMBIGUOUS', 'Several records match', `${matches.length} entries of the ${list} list match, at leaf indices ${matches.slice(0, LISTED).join(', ')}${matches.length > LISTED ? ', ...' : ''}; ask again with leafIndex`);
  }
  const i = matches[0]!;
  const tree = MerkleTree.fromLeafHashes(lines.map((l) => nodeHasher.hashLeaf(utf8Encode(l))), nodeHasher);
  return buildObjectProofV2(list, lines[i]!, i, lines.length, tree.inclusionProof(i), envelope);
}
