// Renders the worked example of docs/FORMAT.md section 9 from real bytes.
//   node --import tsx scripts/format-example.ts --write   rewrites the section
// test/docs/format-example.test.ts fails when the document differs from this output.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

export const FORMAT_PATH = fileURLToPath(new URL('../docs/FORMAT.md', import.meta.url));
const BEGIN = '<!-- BEGIN GENERATED EXAMPLE -->';
const END = '<!-- END GENERATED EXAMPLE -->';

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

export function documentWithExample(doc: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error('docs/FORMAT.md lacks the generated-example markers');
  return doc.slice(0, start + BEGIN.length) + '\n' + renderExample() + '\n' + doc.slice(end);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const doc = readFileSync(FORMAT_PATH, 'utf8');
  const next = documentWithExample(doc);
  if (process.argv.includes('--write')) writeFileSync(FORMAT_PATH, next);
  else process.stdout.write(renderExample() + '\n');
}
