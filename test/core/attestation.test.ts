// The attestation of a version 2 statement (docs/FORMAT.md section 5.11):
// the performer, validator and officer's declaration that the order names.
// The statement carries the declaration with its SHA-256, so that nothing
// (the exhibit included) can show another text; order.json must name the
// same people and text, and the order document refuses bad ones by field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attestationOf, canonicalize, declarationSha256, sameAttestation, utf8Encode, validateStatementV2, verifyOrderFile } from '../../packages/verify/src/core/index.js';
import { buildExampleV2 } from '../../scripts/example-certificate-v2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '../../packages/verify/src/core/bytes.js';
import { parseOrderDocument } from '../../src/app/order-document.js';
import { EXAMPLE_ORDER } from '../../scripts/example-certificate-v2.js';
import { codeOf } from './fails-with.js';

const ATTESTATION = {
  performer: { name: 'Dana Operator', title: 'Data Platform Engineer', organization: 'Example Corp' },
  validator: { name: 'Avery Approver', title: 'Privacy Counsel', organization: 'Example Corp' },
  declaration: { text: 'I, Morgan Officer, declare under penalty of perjury (28 U.S.C. § 1746) that the data was destroyed.', signer: { name: 'Morgan Officer', title: 'Chief Privacy Officer' } },
};

describe('attestation (section 5.11)', () => {
  const ex = buildExampleV2();
  const order = { ...EXAMPLE_ORDER, attestation: ATTESTATION };
  const orderBytes = utf8Encode(canonicalize(order));
  const statement = { ...structuredClone(ex.statement), order: { ...ex.statement.order, sha256: bytesToHex(sha256(orderBytes)) }, attestation: attestationOf(ATTESTATION) };

  it('is signed with the SHA-256 of the declaration\'s text; a statement whose hash is not the text\'s is STATEMENT_INVALID', () => {
    assert.equal(statement.attestation.declaration!.sha256, declarationSha256(ATTESTATION.declaration.text));
    assert.equal(validateStatementV2(statement).attestation?.performer?.name, 'Dana Operator');
    const changed = structuredClone(statement);
    changed.attestation.declaration!.text += ' And more.';
    assert.throws(() => validateStatementV2(changed), (e: Error & { fields?: Array<{ path: string }> }) => e.fields?.some((f) => f.path === '$.attestation.declaration.sha256') === true);
    const long = structuredClone(statement);
    long.attestation.performer!.name = 'x'.repeat(201);
    assert.throws(() => validateStatementV2(long), (e: Error & { fields?: Array<{ path: string }> }) => e.fields?.some((f) => f.path === '$.attestation.performer.name') === true);
  });

  it('order.json must name the same people and text: ORDER_MISMATCH otherwise, either way round', () => {
    assert.equal(verifyOrderFile(orderBytes, statement).reference, EXAMPLE_ORDER.reference);
    const otherText = { ...order, attestation: { ...ATTESTATION, declaration: { ...ATTESTATION.declaration, text: 'Another text.' } } };
    const bytes = utf8Encode(canonicalize(otherText));
    assert.equal(codeOf(() => verifyOrderFile(bytes, { ...statement, order: { ...statement.order, sha256: bytesToHex(sha256(bytes)) } })), 'ORDER_MISMATCH');
    const none = utf8Encode(canonicalize(EXAMPLE_ORDER));
    assert.equal(codeOf(() => verifyOrderFile(none, { ...statement, order: { ...statement.order, sha256: bytesToHex(sha256(none)) } })), 'ORDER_MISMATCH', 'the certificate carries one, order.json none');
    assert.ok(sameAttestation(undefined, undefined));
    assert.ok(!sameAttestation(ATTESTATION, undefined));
  });

  it('the order document refuses a bad attestation, naming the field', () => {
    const backends = new Set(['photos', 'training-exports']);
    const problems = (attestation: unknown): string[] => {
      try {
        parseOrderDocument({ ...EXAMPLE_ORDER, attestation }, backends);
        return [];
      } catch (e) {
        return ((e as { fields?: Array<{ path: string }> }).fields ?? []).map((f) => f.path);
      }
    };
    assert.deepEqual(problems(ATTESTATION), []);
    assert.deepEqual(problems({ ...ATTESTATION, performer: { name: ' ', title: 't', organization: 'o' } }), ['$.attestation.performer.name']);
    assert.deepEqual(problems({ ...ATTESTATION, declaration: { text: 'x'.repeat(20_001), signer: ATTESTATION.declaration.signer } }), ['$.attestation.declaration.text']);
    assert.deepEqual(problems({ ...ATTESTATION, witness: 'me' }), ['$.attestation.witness']);
    assert.deepEqual(problems({ declaration: { text: 'I declare.' } }), ['$.attestation.declaration.signer']);
  });
});
