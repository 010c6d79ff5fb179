// Writes test/vectors/certificate/valid/ (the worked example of
// docs/FORMAT.md) and invalid/<mutation>/ (each a copy with one thing
// tampered, and expected.json naming the reason code a verifier must give).
// Run: node --import tsx test/vectors/certificate/generate.ts
// test/core/certificate-vectors.test.ts checks that the files on disk are
// what this script writes, so the vectors cannot drift from the code.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  base64Decode,
  base64Encode,
  bytesToHex,
  canonicalize,
  canonicalizeToBytes,
  concatBytes,
  type DsseEnvelope,
  hashLeaf,
  rootFromLeafHashes,
  seedSigner,
  signEnvelope,
  CERTIFICATE_PAYLOAD_TYPE,
  utf8Decode,
  utf8Encode,
  type VerificationCode,
} from '../../../packages/verify/src/core/index.js';
import { buildExample, EXAMPLE_SEED } from '../../../scripts/example-certificate.js';

/** File contents: text, or bytes where a vector holds invalid UTF-8. */
export type Contents = string | Uint8Array;

export interface VectorSet {
  certificate: Contents;
  records: Contents;
  publicKey: string;
}

/** A file's contents as the bytes written to disk. */
export const bytesOf = (c: Contents): Uint8Array => (typeof c === 'string' ? utf8Encode(c) : c);

/** `text` as UTF-8 with the first `marker` (ASCII) replaced by the byte 0xff, which UTF-8 never holds. */
function withInvalidByte(text: string, marker: string): Uint8Array {
  const at = text.indexOf(marker);
  if (at < 0 || !/^[\x00-\x7f]*$/.test(text.slice(0, at))) throw new Error(`marker ${marker} not found after ASCII text`);
  return concatBytes(utf8Encode(text.slice(0, at)), Uint8Array.of(0xff), utf8Encode(text.slice(at + marker.length)));
}

export interface InvalidVector extends VectorSet {
  name: string;
  expected: VerificationCode;
  description: string;
}

const OTHER_SEED = new Uint8Array(32).fill(2);

function envelopeText(env: DsseEnvelope): string {
  return JSON.stringify(env, null, 2) + '\n';
}

function mutateStatement(env: DsseEnvelope, f: (s: Record<string, any>) => void, seed = EXAMPLE_SEED): DsseEnvelope {
  const s = JSON.parse(utf8Decode(base64Decode(env.payload)));
  f(s);
  return signEnvelope(CERTIFICATE_PAYLOAD_TYPE, canonicalizeToBytes(s), [seedSigner(seed)]);
}

/** Signs these exact statement bytes with the example key (an issuer that signs what it should not). */
const signBytes = (payload: Uint8Array) => signEnvelope(CERTIFICATE_PAYLOAD_TYPE, payload, [seedSigner(EXAMPLE_SEED)]);

/**
 * A validly signed certificate whose tree and file digest are those of
 * `lines` (each record's size and target unchanged): records that only the
 * record checks themselves can refuse.
 */
function recertify(env: DsseEnvelope, lines: Uint8Array[]): DsseEnvelope {
  return mutateStatement(env, (s) => {
    s.merkle.rootHash = bytesToHex(rootFromLeafHashes(lines.map(hashLeaf)));
    s.records.sha256 = bytesToHex(sha256(concatBytes(...lines.flatMap((l) => [l, Uint8Array.of(0x0a)]))));
  });
}

export function buildVectors(): { valid: VectorSet; invalid: InvalidVector[] } {
  const ex = buildExample();
  const valid: VectorSet = {
    certificate: envelopeText(ex.envelope),
    records: ex.lines.map((l) => l + '\n').join(''),
    publicKey: ex.publicKeyPem,
  };
  const lines = ex.lines;
  const records = (ls: string[]) => ls.map((l) => l + '\n').join('');
  const cert = (e: DsseEnvelope) => envelopeText(e);
  const sig0 = base64Decode(ex.envelope.signatures[0]!.sig);
  const flipped = sig0.slice();
  flipped[10]! ^= 0x01;
  const payload = JSON.parse(utf8Decode(base64Decode(ex.envelope.payload)));
  const other = seedSigner(OTHER_SEED);
  const v = (name: string, expected: VerificationCode, description: string, part: Partial<VectorSet>): InvalidVector => ({
    ...valid,
    ...part,
    name,
    expected,
    description,
  });
  const line1 = JSON.parse(lines[1]!);
  // Record lines that only the record checks refuse: each goes into a tree that the example key signs.
  const recordVectors: Array<{ name: string; expected: VerificationCode; description: string; line: Uint8Array }> = [
    { name: 'records-duplicate-member', expected: 'JSON_DUPLICATE_MEMBER', description: 'record 0 names "size" twice, in a validly signed tree', line: utf8Encode(lines[0]!.replace('"size":35', '"size":35,"size":35')) },
    { name: 'records-proto-attribute', expected: 'MEMBER_FORBIDDEN', description: 'record 0 with attributes {"__proto__": "x"}, canonical, in a validly signed tree', line: utf8Encode(lines[0]!.replace('{', '{"attributes":{"__proto__":"x"},')) },
    { name: 'records-not-utf8', expected: 'UTF8_INVALID', description: 'byte 0xff in the locator of record 0, in a validly signed tree', line: withInvalidByte(lines[0]!, '1041') },
  ];
  const invalid: InvalidVector[] = [
    v('certificate-not-json', 'JSON_INVALID', 'the certificate file is cut in half', { certificate: valid.certificate.slice(0, 100) }),
    v('envelope-no-payload', 'ENVELOPE_MALFORMED', 'payload member removed', { certificate: cert({ ...ex.envelope, payload: undefined } as unknown as DsseEnvelope) }),
    v('envelope-no-signatures', 'SIGNATURE_MISSING', 'signatures is an empty array', { certificate: cert({ ...ex.envelope, signatures: [] }) }),
    v('payload-type-wrong', 'PAYLOAD_TYPE_WRONG', 'payloadType changed to application/json', { certificate: cert({ ...ex.envelope, payloadType: 'application/json' }) }),
    v('payload-bad-base64', 'BASE64_INVALID', 'a character outside the base64 alphabet in payload', { certificate: cert({ ...ex.envelope, payload: '*' + ex.envelope.payload.slice(1) }) }),
    v('payload-tampered', 'SIGNATURE_INVALID', 'status changed to "complete" in the signed payload, signature kept', {
      certificate: cert({ ...ex.envelope, payload: base64Encode(canonicalizeToBytes({ ...payload, status: 'complete' })) }),
    }),
    v('signature-bit-flipped', 'SIGNATURE_INVALID', 'one bit of the signature flipped', {
      certificate: cert({ ...ex.envelope, signatures: [{ keyid: ex.envelope.signatures[0]!.keyid, sig: base64Encode(flipped) }] }),
    }),
    v('signed-by-other-key', 'KEY_UNTRUSTED', 'validly signed, by a key that is not the trusted one', {
      certificate: cert(mutateStatement(ex.envelope, (s) => (s.issuer.keyid = other.keyid), OTHER_SEED)),
    }),
    v('other-key-claims-trusted-keyid', 'SIGNATURE_INVALID', 'signed by another key under the trusted keyid', {
      certificate: cert({
        ...ex.envelope,
        signatures: [{ keyid: ex.envelope.signatures[0]!.keyid, sig: mutateStatement(ex.envelope, () => undefined, OTHER_SEED).signatures[0]!.sig }],
      }),
    }),
    v('statement-version-2', 'VERSION_UNSUPPORTED', 'statement version 2, validly signed', { certificate: cert(mutateStatement(ex.envelope, (s) => (s.version = 2))) }),
    v('statement-sums-wrong', 'STATEMENT_INVALID', 'completeness.planned one higher than the parts, validly signed', {
      certificate: cert(mutateStatement(ex.envelope, (s) => (s.completeness.planned += 1))),
    }),
    v('statement-issuer-keyid-wrong', 'STATEMENT_INVALID', 'issuer.keyid names another key, validly signed', {
      certificate: cert(mutateStatement(ex.envelope, (s) => (s.issuer.keyid = other.keyid))),
    }),
    v('records-line-altered', 'MERKLE_ROOT_MISMATCH', 'the sha256 of record 1 changed (still canonical)', {
      records: records(lines.map((l, i) => (i === 1 ? JSON.stringify({ ...line1, sha256: 'f'.repeat(64) }, Object.keys(line1).sort()) : l))),
    }),
    v('records-line-dropped', 'RECORD_COUNT_MISMATCH', 'the last record removed', { records: records(lines.slice(0, -1)) }),
    v('records-extra-line', 'RECORD_COUNT_MISMATCH', 'a sixth record appended', {
      records: records([...lines, JSON.stringify({ ...line1, index: lines.length }, Object.keys(line1).sort())]),
    }),
    v('records-empty', 'RECORD_COUNT_MISMATCH', 'an empty records file', { records: '' }),
    v('records-lines-swapped', 'RECORD_INDEX_WRONG', 'records 0 and 1 swapped', { records: records([lines[1]!, lines[0]!, ...lines.slice(2)]) }),
    v('records-duplicate-index', 'RECORD_INDEX_WRONG', 'record 1 repeated in place of record 2', { records: records([lines[0]!, lines[1]!, lines[1]!, ...lines.slice(3)]) }),
    v('records-not-canonical', 'RECORD_NOT_CANONICAL', 'a space after a colon in record 0', { records: records([lines[0]!.replace('":', '": '), ...lines.slice(1)]) }),
    v('records-crlf', 'RECORD_NOT_CANONICAL', 'CRLF line endings', { records: lines.map((l) => l + '\r\n').join('') }),
    v('records-no-final-newline', 'RECORD_INVALID', 'the last line has no "\\n"', { records: records(lines).slice(0, -1) }),
    v('records-not-json', 'RECORD_INVALID', 'record 2 is not JSON', { records: records([lines[0]!, lines[1]!, '{not json', ...lines.slice(3)]) }),
    v('records-short-salt', 'RECORD_INVALID', 'record 0 with an 8-byte salt', {
      records: records([JSON.stringify({ ...JSON.parse(lines[0]!), salt: '00'.repeat(8) }, Object.keys(line1).sort()), ...lines.slice(1)]),
    }),
    v('records-unknown-target', 'RECORD_INVALID', 'record 0 names a target the certificate does not list', {
      records: records([JSON.stringify({ ...JSON.parse(lines[0]!), target: 'elsewhere' }, Object.keys(line1).sort()), ...lines.slice(1)]),
    }),
    v('records-line-too-long', 'RECORD_TOO_LONG', 'record 0 padded to 70,000 bytes', {
      records: records([lines[0]!.replace('"locator":"', `"locator":"${'x'.repeat(70_000)}`), ...lines.slice(1)]),
    }),
    // Issue 11, the attack review: each of these verified before its fix (or failed for another reason only).
    v('envelope-keyid-terminal-escape', 'KEY_UNTRUSTED', 'the only signature names keyid ESC[1A ESC[2K CR "VALID", which a terminal runs: the message must show it escaped', {
      certificate: cert({ ...ex.envelope, signatures: [{ keyid: '\u001b[1A\u001b[2K\rVALID', sig: ex.envelope.signatures[0]!.sig }] }),
    }),
    v('certificate-not-utf8', 'UTF8_INVALID', 'byte 0xff in the keyid of a second, unsigned signature (a lossy decoder reads U+FFFD and ignores it)', {
      certificate: withInvalidByte(cert({ ...ex.envelope, signatures: [...ex.envelope.signatures, { keyid: 'NOT-UTF8', sig: ex.envelope.signatures[0]!.sig }] }), 'NOT-UTF8'),
    }),
    v('envelope-duplicate-payload', 'JSON_DUPLICATE_MEMBER', 'two "payload" members: first a statement saying "complete", then the signed one (JSON.parse keeps the last)', {
      certificate: cert(ex.envelope).replace('  "payload": ', `  "payload": "${base64Encode(canonicalizeToBytes({ ...payload, status: 'complete' }))}",\n  "payload": `),
    }),
    v('envelope-proto-member', 'MEMBER_FORBIDDEN', 'a "__proto__" member in the envelope', {
      certificate: cert(ex.envelope).replace('{\n', '{\n  "__proto__": {"payloadType": "application/json"},\n'),
    }),
    v('statement-duplicate-status', 'JSON_DUPLICATE_MEMBER', 'the signed statement names "status" twice, "complete" first', {
      certificate: cert(signBytes(utf8Encode(canonicalize(payload).replace('"status":"complete-with-exceptions"', '"status":"complete","status":"complete-with-exceptions"')))),
    }),
    v('statement-proto-member', 'MEMBER_FORBIDDEN', 'the signed statement, canonical, with a "__proto__" member', {
      certificate: cert(signBytes(utf8Encode(canonicalize(JSON.parse(canonicalize(payload).replace('{', '{"__proto__":{"status":"complete"},')))))),
    }),
    v('statement-not-canonical', 'STATEMENT_NOT_CANONICAL', 'the signed statement is indented JSON, not its RFC 8785 form', {
      certificate: cert(signBytes(utf8Encode(JSON.stringify(payload, null, 1)))),
    }),
    v('statement-self-approved', 'STATEMENT_INVALID', 'order.approvedBy is order.createdBy, validly signed', {
      certificate: cert(mutateStatement(ex.envelope, (s) => (s.order.approvedBy = s.order.createdBy))),
    }),
    v('statement-exception-unknown-target', 'STATEMENT_INVALID', 'exceptions[0] names a target the statement does not list (the counts still add up), validly signed', {
      certificate: cert(mutateStatement(ex.envelope, (s) => (s.exceptions[0].target = 'elsewhere'))),
    }),
    v('statement-derived-sha256-invalid', 'STATEMENT_INVALID', 'derived[0].sha256 in uppercase hex, validly signed', {
      certificate: cert(
        mutateStatement(ex.envelope, (s) => (s.derived = [{ name: 'face-model-v3', description: 'a model trained on the photos', sha256: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855' }])),
      ),
    }),
    ...recordVectors.map(({ name, expected, description, line }) => {
      const all = [line, ...lines.slice(1).map(utf8Encode)];
      return v(name, expected, description, { certificate: cert(recertify(ex.envelope, all)), records: concatBytes(...all.flatMap((l) => [l, Uint8Array.of(0x0a)])) });
    }),
  ];
  return { valid, invalid };
}

function writeSet(dir: string, set: VectorSet): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'certificate.json'), set.certificate);
  writeFileSync(join(dir, 'records.ndjson'), set.records);
  writeFileSync(join(dir, 'public-key.pem'), set.publicKey);
}

export const VECTOR_DIR = dirname(fileURLToPath(import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { valid, invalid } = buildVectors();
  writeSet(join(VECTOR_DIR, 'valid'), valid);
  rmSync(join(VECTOR_DIR, 'invalid'), { recursive: true, force: true });
  for (const iv of invalid) {
    const dir = join(VECTOR_DIR, 'invalid', iv.name);
    writeSet(dir, iv);
    writeFileSync(join(dir, 'expected.json'), JSON.stringify({ code: iv.expected, description: iv.description }, null, 2) + '\n');
  }
  console.log(`wrote valid/ and ${invalid.length} invalid vectors`);
}
