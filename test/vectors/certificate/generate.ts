// Writes test/vectors/certificate/valid/ (the worked example of
// docs/FORMAT.md) and invalid/<mutation>/ (each a copy with one thing
// tampered, and expected.json naming the reason code a verifier must give).
// Run: node --import tsx test/vectors/certificate/generate.ts
// test/core/certificate-vectors.test.ts checks that the files on disk are
// what this script writes, so the vectors cannot drift from the code.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  base64Decode,
  base64Encode,
  canonicalizeToBytes,
  type DsseEnvelope,
  seedSigner,
  signEnvelope,
  CERTIFICATE_PAYLOAD_TYPE,
  utf8Decode,
  type VerificationCode,
} from '../../../src/core/index.js';
import { buildExample, EXAMPLE_SEED } from '../../../scripts/example-certificate.js';

export interface VectorSet {
  certificate: string;
  records: string;
  publicKey: string;
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
