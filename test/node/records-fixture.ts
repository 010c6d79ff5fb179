// Records sets for the records tests: fast-check arbitraries for records of
// every shape the format allows (the usual ASCII shape, escapes, non-ASCII,
// attributes, unknown members) and a signed certificate over them, built by
// the core's StatementBuilder with a fixed test key.
import fc from 'fast-check';
import {
  buildObjectProof,
  type CertificateStatement,
  type DestructionRecord,
  type DsseEnvelope,
  type ObjectProof,
  publicKeyToPem,
  seedSigner,
  signCertificate,
  StatementBuilder,
  type StatementParts,
} from '../../packages/verify/src/core/index.js';

export const TEST_SEED = new Uint8Array(32).fill(9);
export const TARGETS = ['photos', 'exports', 'db-rows'];

export interface RecordsSet {
  statement: CertificateStatement;
  envelope: DsseEnvelope;
  lines: string[];
  /** records.ndjson: every line followed by "\n". */
  text: string;
  publicKeyPem: string;
}

const hexChars = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: min, maxLength: max });
const even = (s: string) => (s.length % 2 === 0 ? s : s.slice(1));
/** Mostly plain ASCII paths, sometimes quotes, backslashes, controls, non-ASCII and astral characters. */
const text = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9/_.#:{}\[\], -]{1,60}$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0001', '\u007f', 'é', '€', '😀', '/'), minLength: 1, maxLength: 12 }) },
);

/** A member named __proto__, constructor or prototype anywhere (fast-check generates them on purpose): verifiers refuse those. */
const FORBIDDEN_NAME = /"(?:__proto__|constructor|prototype)":/;

/** A record without its index (given by position), valid by docs/FORMAT.md section 3. */
export const arbRecord = fc.record(
  {
    target: fc.constantFrom(...TARGETS),
    locator: text,
    sha256: fc.oneof(hexChars(64, 64), fc.constant('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')),
    size: fc.oneof(fc.nat(100_000), fc.constant(0), fc.constant(2 ** 40)), // sums stay below 2^53
    destroyedAt: fc.oneof(
      fc.constant('2026-11-20T10:00:00.000Z'),
      fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom('2024-02-29T23:59:60Z', '2026-01-31T00:00:00.123456789Z', '0000-01-01T00:00:00.1Z'),
    ),
    method: fc.constantFrom('unlink', 's3-delete-all-versions', 'sql-delete', 'redis-unlink', 'crypto-erase'),
    salt: hexChars(32, 48).map(even),
    attributes: fc.dictionary(fc.oneof(fc.constantFrom('versionId', 'etag', 'recovered', 'toString', ''), text), text, { maxKeys: 3 }),
    extra: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 })),
  },
  { requiredKeys: ['target', 'locator', 'sha256', 'size', 'destroyedAt', 'method', 'salt'] },
).filter((r) => !FORBIDDEN_NAME.test(JSON.stringify(r)));

export type RecordInput = typeof arbRecord extends fc.Arbitrary<infer T> ? T : never;

export function toRecord(r: RecordInput, index: number): DestructionRecord {
  const { extra, ...rest } = r;
  const record = { ...rest, index } as DestructionRecord & Record<string, unknown>;
  if (extra !== undefined) record.zExtension = extra; // an unknown member, allowed and covered by the leaf hash
  return record;
}

/** A signed certificate over these records (targets as given, every one listed in the statement; `more` replaces parts of the statement). */
export function buildSet(inputs: readonly RecordInput[], targets: readonly string[] = TARGETS, more: Partial<StatementParts> = {}): RecordsSet {
  const signer = seedSigner(TEST_SEED);
  const builder = new StatementBuilder();
  const lines = inputs.map((r, i) => builder.add(toRecord(r, i)));
  const at = '2026-11-20T10:05:00.000Z';
  const statement = builder.build({
    certificateId: 'cert-test',
    issuedAt: at,
    issuer: { name: 'test', keyid: signer.keyid },
    order: { id: 'ord-test', reference: 'test order', sha256: '0'.repeat(64), createdBy: 'alice', approvedBy: 'bob', approvedAt: at },
    inventory: { algorithm: 'rfc6962-sha256', treeSize: inputs.length, rootHash: '0'.repeat(64), bytes: 0, plannedAt: at },
    execution: { startedAt: at, finishedAt: at },
    targets: targets.map((name) => ({ name, kind: 'filesystem', planned: inputs.filter((r) => r.target === name).length, persistence: [] })),
    rescan: { completedAt: at, items: [] },
    exceptions: [],
    retained: [],
    ...more,
  });
  return {
    statement,
    envelope: signCertificate(statement, signer),
    lines,
    text: lines.map((l) => l + '\n').join(''),
    publicKeyPem: publicKeyToPem(signer.publicKey),
  };
}

/**
 * Strings that a terminal or a page would run rather than show: ECMA-48
 * escape sequences (ESC [1A moves up a line, ESC [2K erases it), the C1 CSI
 * U+009B and NEL U+0085, and Unicode bidi overrides and isolates (UAX #9).
 */
export const HOSTILE = {
  /** Moves up a line, erases it and prints another hash in its place. */
  locator: `photos/a.jpg\u001b[1A\u001b[2Ksha256: ${'f'.repeat(64)}`,
  exceptionLocator: 'held\u0085\u009b2Jx.jpg',
  reason: 'denied \u202egpj.exe\u202c, see \u2066note\u2069',
  persistence: 'backups \u001b[8mhidden\u001b[0m',
};

/**
 * A valid, signed certificate whose statement and one record carry HOSTILE
 * strings, and a proof of that record: everything shows them escaped.
 */
export function hostileSet(): RecordsSet & { proof: ObjectProof } {
  const at = '2026-11-20T10:05:00.000Z';
  const set = buildSet([{ ...plainRecord(0), locator: HOSTILE.locator }], ['photos'], {
    targets: [{ name: 'photos', kind: 'filesystem', planned: 2, persistence: [HOSTILE.persistence] }],
    inventory: { algorithm: 'rfc6962-sha256', treeSize: 2, rootHash: '0'.repeat(64), bytes: 0, plannedAt: at },
    exceptions: [{ target: 'photos', locator: HOSTILE.exceptionLocator, code: 'EACCES', reason: HOSTILE.reason }],
    rescan: { completedAt: at, items: [{ target: 'photos', locator: HOSTILE.exceptionLocator, status: 'exception' }] },
  });
  return { ...set, proof: buildObjectProof(set.lines[0]!, 0, 1, [], set.envelope) };
}

/** The usual record of a filesystem backend: what the fast path must accept. */
export function plainRecord(i: number, target = 'photos'): RecordInput {
  const hex = ((i * 2654435761) >>> 0).toString(16).padStart(8, '0');
  return {
    target,
    locator: `users/user-${i % 97}/photo-${i}.jpg`,
    sha256: hex.repeat(8),
    size: 1000 + i,
    destroyedAt: '2026-11-20T10:00:00.000Z',
    method: 'unlink',
    salt: hex.repeat(4),
  };
}
