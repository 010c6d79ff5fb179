// order.json (docs/FORMAT.md section 5.6) against real signed statements: the
// exact bytes' SHA-256, section 1's JSON rules, the reference and, for
// version 2, the deadline.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  canonicalize,
  type CertificateStatement,
  seedSigner,
  signCertificate,
  trustedKey,
  utf8Encode,
  verifyCertificate,
} from '../../packages/verify/src/core/index.js';
import { type OrderFileStatement, verifyOrderFile } from '../../packages/verify/src/core/order-file.js';
import { buildExample } from '../../scripts/example-certificate.js';
import { assertFails } from './fails-with.js';

const ex = buildExample();
const signer = seedSigner(new Uint8Array(32).fill(1));
const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** An order document as the server stores it (docs/ORDERS.md, "What is stored"). */
const ORDER = {
  reference: ex.statement.order.reference,
  description: 'Erase the photos of users 1041 and 2200, and the training exports of October',
  deadline: '2026-12-01T00:00:00Z',
  targets: [
    { backend: 'photos', scope: { include: ['user-1041/**', 'user-2200/**', 'user-3001/**'] } },
    { backend: 'training-exports', scope: { include: ['2026-10/**'] } },
  ],
  holds: [{ id: 'hold-7', reason: 'litigation hold, case 26-cv-123', target: 'photos', match: { include: ['user-3001/evidence.jpg'] } }],
  derived: [],
};
const orderBytes = (doc: unknown = ORDER) => utf8Encode(canonicalize(doc));
/** ORDER without one member (canonicalize refuses undefined values). */
const without = (name: keyof typeof ORDER) => Object.fromEntries(Object.entries(ORDER).filter(([k]) => k !== name));
const BYTES = orderBytes();

/** The example statement naming `bytes` as its order, signed and verified again: what a verifier holds. */
function signedStatement(bytes: Uint8Array, order: Partial<CertificateStatement['order']> = {}): CertificateStatement {
  const statement = { ...ex.statement, order: { ...ex.statement.order, sha256: sha256Hex(bytes), ...order } };
  return verifyCertificate(signCertificate(statement, signer), [trustedKey(signer.publicKey)]).statement as CertificateStatement;
}
const V1 = signedStatement(BYTES);

/** A version 2 statement's order (statement-v2.ts is not there yet: only these members are read). */
const v2 = (bytes: Uint8Array, deadline?: string, reference = ORDER.reference): OrderFileStatement => ({
  version: 2,
  order: { sha256: sha256Hex(bytes), reference, ...(deadline === undefined ? {} : { deadline }) },
});

describe('order.json (section 5.6)', () => {
  it('accepts the exact bytes and summarizes the order', () => {
    const summary = verifyOrderFile(BYTES, V1);
    assert.deepEqual(summary, {
      reference: ORDER.reference,
      description: ORDER.description,
      deadline: ORDER.deadline,
      targets: ORDER.targets,
      holds: 1,
    });
    const bare = { reference: ORDER.reference, targets: [{ backend: 'photos', scope: {} }], holds: [], derived: [] };
    assert.deepEqual(verifyOrderFile(orderBytes(bare), signedStatement(orderBytes(bare))), {
      reference: ORDER.reference,
      targets: [{ backend: 'photos', scope: {} }],
      holds: 0,
    });
  });

  it('refuses another order, a reformatted copy and a final newline: ORDER_MISMATCH on the hash', () => {
    const other = orderBytes({ ...ORDER, reference: 'another docket' });
    assertFails(() => verifyOrderFile(other, V1), 'ORDER_MISMATCH', sha256Hex(other), V1.order.sha256);
    assertFails(() => verifyOrderFile(utf8Encode(JSON.stringify(JSON.parse(canonicalize(ORDER)), null, 2)), V1), 'ORDER_MISMATCH', 'SHA-256');
    assertFails(() => verifyOrderFile(utf8Encode(`${canonicalize(ORDER)}\n`), V1), 'ORDER_MISMATCH');
    assertFails(() => verifyOrderFile(new Uint8Array(0), V1), 'ORDER_MISMATCH');
  });

  it('flipping any bit of order.json makes it fail', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: BYTES.length * 8 - 1 }), (bit) => {
        const flipped = BYTES.slice();
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        assertFails(() => verifyOrderFile(flipped, V1), 'ORDER_MISMATCH');
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a reference other than the signed one, naming it', () => {
    const statement = signedStatement(BYTES, { reference: 'FTC Docket No. C-0001' });
    assertFails(() => verifyOrderFile(BYTES, statement), 'ORDER_MISMATCH', '$.reference', 'FTC Docket No. C-0001', ORDER.reference);
    const noReference = orderBytes(without('reference'));
    assertFails(() => verifyOrderFile(noReference, signedStatement(noReference)), 'ORDER_MISMATCH', '$.reference');
    // Hashed and signed, but not an order document at all.
    assertFails(() => verifyOrderFile(utf8Encode('[]'), signedStatement(utf8Encode('[]'))), 'ORDER_MISMATCH');
  });

  it('reads the text under section 1 once its hash matches', () => {
    const cases: Array<[Uint8Array, string]> = [
      [utf8Encode('{"reference":'), 'JSON_INVALID'],
      [utf8Encode(`\ufeff${canonicalize(ORDER)}`), 'JSON_INVALID'],
      [Uint8Array.of(0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d), 'UTF8_INVALID'],
      [utf8Encode(`{"reference":"x",${canonicalize(ORDER).slice(1)}`), 'JSON_DUPLICATE_MEMBER'],
      [utf8Encode(canonicalize(ORDER).replace('"holds":[{', '"holds":[{"constructor":1,')), 'MEMBER_FORBIDDEN'],
    ];
    for (const [bytes, code] of cases) {
      assertFails(() => verifyOrderFile(bytes, V1), 'ORDER_MISMATCH');
      assertFails(() => verifyOrderFile(bytes, signedStatement(bytes)), code);
    }
  });

  it('version 1 has no deadline rule', () => {
    const noDeadline = orderBytes(without('deadline'));
    assert.equal(verifyOrderFile(noDeadline, signedStatement(noDeadline)).deadline, undefined);
    assert.equal(verifyOrderFile(BYTES, { version: 1, order: { ...V1.order, deadline: '2030-01-01T00:00:00Z' } }).deadline, ORDER.deadline);
  });

  it('version 2: the deadlines are both absent or the same instant', () => {
    assert.equal(verifyOrderFile(BYTES, v2(BYTES, '2026-12-01T00:00:00Z')).deadline, ORDER.deadline);
    assert.equal(verifyOrderFile(BYTES, v2(BYTES, '2026-12-01T00:00:00.000Z')).deadline, ORDER.deadline);
    const noDeadline = orderBytes(without('deadline'));
    assert.equal(verifyOrderFile(noDeadline, v2(noDeadline)).deadline, undefined);
    assertFails(() => verifyOrderFile(BYTES, v2(BYTES, '2026-12-01T00:00:00.001Z')), 'ORDER_MISMATCH', '$.deadline', '2026-12-01T00:00:00.001Z');
    assertFails(() => verifyOrderFile(BYTES, v2(BYTES, '2026-11-30T23:59:60Z')), 'ORDER_MISMATCH', '$.deadline');
    assertFails(() => verifyOrderFile(BYTES, v2(BYTES)), 'ORDER_MISMATCH', '$.deadline', 'absent');
    assertFails(() => verifyOrderFile(noDeadline, v2(noDeadline, ORDER.deadline)), 'ORDER_MISMATCH', '$.deadline', 'absent');
    assertFails(() => verifyOrderFile(BYTES, v2(BYTES, ORDER.deadline, 'another docket')), 'ORDER_MISMATCH', '$.reference');
    // More fraction digits than a statement time carries (the order parser accepts any number), and a value that is no time.
    const precise = orderBytes({ ...ORDER, deadline: '2026-12-01T00:00:00.0000000000Z' });
    assert.ok(verifyOrderFile(precise, v2(precise, '2026-12-01T00:00:00Z')));
    const offset = orderBytes({ ...ORDER, deadline: '2026-12-01T01:00:00+01:00' });
    assertFails(() => verifyOrderFile(offset, v2(offset, '2026-12-01T00:00:00Z')), 'ORDER_MISMATCH', '$.deadline');
    const numeric = orderBytes({ ...ORDER, deadline: 1796083200000 });
    assertFails(() => verifyOrderFile(numeric, v2(numeric, '2026-12-01T00:00:00Z')), 'ORDER_MISMATCH', '$.deadline');
  });

  it('shows a target of an odd shape as it is, without failing', () => {
    const odd = orderBytes({ ...ORDER, targets: [{ backend: 7, scope: 'all' }, 'photos'], holds: 'none' });
    assert.deepEqual(verifyOrderFile(odd, signedStatement(odd)).targets, [
      { backend: '7', scope: 'all' },
      { backend: 'null', scope: undefined },
    ]);
  });
});
