// Renders the worked examples of docs/FORMAT.md from real bytes: section 9
// (version 1, scripts/example-certificate.ts) and section 11 (version 2,
// scripts/example-certificate-v2.ts).
//   node --import tsx scripts/format-example.ts --write   rewrites both sections
// test/docs/format-example.test.ts fails when the document differs from this output.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  base64Decode,
  bytesToHex,
  hashChildren,
  hashLeaf,
  pae,
  utf8Decode,
  utf8Encode,
} from '../packages/verify/src/core/index.js';
import { buildExample } from './example-certificate.js';
import { buildExampleV2, EXAMPLE_PROOFS } from './example-certificate-v2.js';

export const FORMAT_PATH = fileURLToPath(new URL('../docs/FORMAT.md', import.meta.url));
const BEGIN = '<!-- BEGIN GENERATED EXAMPLE -->';
const END = '<!-- END GENERATED EXAMPLE -->';
const BEGIN_V2 = '<!-- BEGIN GENERATED EXAMPLE V2 -->';
const END_V2 = '<!-- END GENERATED EXAMPLE V2 -->';

export function renderExample(): string {
  const ex = buildExample();
  const leaves = ex.lines.map((l) => hashLeaf(utf8Encode(l)));
  const n01 = hashChildren(leaves[0]!, leaves[1]!);
  const n23 = hashChildren(leaves[2]!, leaves[3]!);
  const n0123 = hashChildren(n01, n23);
  const root = hashChildren(n0123, leaves[4]!);
  const payload = base64Decode(ex.envelope.payload);
  const paeBytes = pae(ex.envelope.payloadType, payload);
  const paeHead = utf8Decode(paeBytes.subarray(0, paeBytes.length - payload.length));
  const proofIndex = 2;
  const path = ex.tree.inclusionProof(proofIndex).map(bytesToHex);
  const out: string[] = [];
  out.push('records.ndjson (5 records; every line ends in "\\n"):', '', '```', ...ex.lines, '```', '');
  out.push('Leaf hashes, `SHA-256(0x00 || line)`:', '', '```');
  leaves.forEach((h, i) => out.push(`leaf ${i}  ${bytesToHex(h)}`));
  out.push('```', '', 'Tree (n = 5 splits at k = 4; then 4 at 2):', '', '```');
  out.push(`node[0:2]  = SHA-256(0x01 || leaf0 || leaf1)         = ${bytesToHex(n01)}`);
  out.push(`node[2:4]  = SHA-256(0x01 || leaf2 || leaf3)         = ${bytesToHex(n23)}`);
  out.push(`node[0:4]  = SHA-256(0x01 || node[0:2] || node[2:4]) = ${bytesToHex(n0123)}`);
  out.push(`root[0:5]  = SHA-256(0x01 || node[0:4] || leaf4)     = ${bytesToHex(root)}`);
  out.push('```', '', `The statement's \`merkle.rootHash\` is \`${ex.statement.merkle.rootHash}\`.`, '');
  out.push('The statement (shown indented; the signed payload is its RFC 8785 form, with no whitespace):', '', '```json');
  out.push(JSON.stringify(ex.statement, null, 2), '```', '');
  out.push(`The signed message is PAE: the ${paeBytes.length - payload.length} bytes`, '', '```', paeHead, '```', '');
  out.push(`followed by the ${payload.length} payload bytes. The certificate (certificate.json):`, '', '```json');
  out.push(JSON.stringify(ex.envelope, null, 2), '```', '');
  out.push('The public key (public-key.pem) and its key id, SHA-256 of the 32 raw bytes:', '', '```', ex.publicKeyPem.trimEnd());
  out.push(`keyid ${ex.statement.issuer.keyid}`, '```', '');
  out.push(`A per-object proof for leaf ${proofIndex} carries this audit path (bottom-up: leaf 3, node[0:2], leaf 4):`, '', '```json');
  out.push(JSON.stringify(path, null, 2), '```');
  return out.join('\n');
}

/** Section 11: the version 2 bundle, its list files, statement, order.json and trust.json. */
export function renderExampleV2(): string {
  const ex = buildExampleV2();
  const s = ex.statement;
  const payload = base64Decode(ex.envelope.payload);
  const paeBytes = pae(ex.envelope.payloadType, payload);
  const out: string[] = [];
  out.push(`records.ndjson holds the same ${s.merkle.treeSize} records as section 9, so \`merkle\` and \`records\` are as there.`, '');
  const heads = { retained: s.retained, exceptions: s.exceptions, rescan: s.rescan.items } as const;
  for (const list of ['retained', 'exceptions', 'rescan'] as const) {
    const lines = ex.lines[list];
    out.push(`${list}.ndjson (${lines.length} ${lines.length === 1 ? 'entry' : 'entries'}; every line ends in "\\n"):`, '', '```', ...lines, '```', '');
    const leaves = lines.map((l) => bytesToHex(hashLeaf(utf8Encode(l))));
    out.push(`Leaf hashes and its head in the statement (\`${list === 'rescan' ? 'rescan.items' : list}\`):`, '', '```');
    leaves.forEach((h, i) => out.push(`leaf ${i}  ${h}`));
    const how = lines.length === 1 ? 'leaf 0 (a tree of one leaf)' : 'SHA-256(0x01 || leaf0 || leaf1)';
    out.push(`rootHash ${heads[list].rootHash} = ${how}`, `sha256   ${heads[list].sha256} (of the whole file)`, '```', '');
  }
  out.push('The statement (shown indented; the signed payload is its RFC 8785 form, with no whitespace):', '', '```json');
  out.push(JSON.stringify(s, null, 2), '```', '');
  out.push(`The signed message is PAE: the ${paeBytes.length - payload.length} bytes`, '', '```');
  out.push(utf8Decode(paeBytes.subarray(0, paeBytes.length - payload.length)), '```', '');
  out.push(`followed by the ${payload.length} payload bytes. certificate.json is the envelope of section 5.1 with that payloadType; its signature:`, '', '```json');
  out.push(JSON.stringify(ex.envelope.signatures, null, 2), '```', '');
  out.push(`order.json (${utf8Encode(ex.orderJson).length} bytes, no final newline; its SHA-256 is \`order.sha256\`, ${bytesToHex(sha256(utf8Encode(ex.orderJson)))}):`, '');
  out.push('```json', ex.orderJson, '```', '');
  out.push(`trust.json (the key of section 9, valid from before \`issuedAt\`; its SHA-256, which \`--trust-sha256\` pins, is ${bytesToHex(sha256(utf8Encode(ex.trustJson)))}):`, '');
  out.push('```json', ex.trustJson.trimEnd(), '```', '');
  out.push(`proofs/ holds ${EXAMPLE_PROOFS.map(([f]) => f).join(', ')}. The retained one, without its \`certificate\` member (the envelope of certificate.json):`, '', '```json');
  const { certificate: _, ...retainedProof } = ex.proofs['retained-0.json']!;
  out.push(JSON.stringify(retainedProof, null, 2), '```');
  return out.join('\n');
}

/** `doc` with the text between `begin` and `end` replaced by `text`. */
function replaceBetween(doc: string, begin: string, end: string, text: string): string {
  const start = doc.indexOf(begin);
  const stop = doc.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`docs/FORMAT.md lacks the markers ${begin} and ${end}`);
  return doc.slice(0, start + begin.length) + '\n' + text + '\n' + doc.slice(stop);
}

/** The document with section 11's generated example (version 2) rendered afresh. */
export function documentWithExampleV2(doc: string): string {
  return replaceBetween(doc, BEGIN_V2, END_V2, renderExampleV2());
}

/** The document with both generated examples (sections 9 and 11) rendered afresh. */
export function documentWithExample(doc: string): string {
  return documentWithExampleV2(replaceBetween(doc, BEGIN, END, renderExample()));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const doc = readFileSync(FORMAT_PATH, 'utf8');
  const next = documentWithExample(doc);
  if (process.argv.includes('--write')) writeFileSync(FORMAT_PATH, next);
  else process.stdout.write(renderExample() + '\n');
}
