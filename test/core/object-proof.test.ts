import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  buildObjectProof,
  type MerkleHasher,
  nobleHasher,
  publicKeyFromPem,
  trustedKey,
  verifyObjectProof,
} from '../../packages/verify/src/core/index.js';
import { nodeHasher } from '../../packages/verify/src/node/merkle-hasher.js';
import { buildExample } from '../../scripts/example-certificate.js';
import { codeOf } from './fails-with.js';

const ex = buildExample();
const keys = [trustedKey(publicKeyFromPem(ex.publicKeyPem))];
const proofFor = (i: number) => buildObjectProof(ex.lines[i]!, i, ex.lines.length, ex.tree.inclusionProof(i), ex.envelope);

const code = (input: unknown, hasher: MerkleHasher = nobleHasher): string => codeOf(() => verifyObjectProof(input, keys, { hasher }));

describe('per-object proofs', () => {
  it('every leaf of the example proves, with either hasher', () => {
    for (let i = 0; i < ex.lines.length; i++) {
      const v = verifyObjectProof(JSON.parse(JSON.stringify(proofFor(i))), keys);
      assert.equal(v.record!.index, i);
      assert.equal(verifyObjectProof(proofFor(i), keys, { hasher: nodeHasher }).record!.locator, v.record!.locator);
    }
  });

  it('fails with a specific code for each defect', () => {
    const p = proofFor(2);
    assert.equal(code(null), 'PROOF_MALFORMED');
    assert.equal(code({ ...p, type: 'x' }), 'PROOF_MALFORMED');
    assert.equal(code({ ...p, version: 2 }), 'VERSION_UNSUPPORTED');
    assert.equal(code({ ...p, auditPath: [...p.auditPath, 'zz'] }), 'PROOF_MALFORMED');
    assert.equal(code({ ...p, auditPath: p.auditPath.slice(0, -1) }), 'PROOF_SIZE_WRONG');
    assert.equal(code({ ...p, auditPath: [...p.auditPath, p.auditPath[0]] }), 'PROOF_SIZE_WRONG');
    assert.equal(code({ ...p, treeSize: 4 }), 'PROOF_CERTIFICATE_MISMATCH');
    assert.equal(code({ ...p, leafIndex: 3 }), 'RECORD_INDEX_WRONG');
    assert.equal(code({ ...p, record: ex.lines[3] }), 'RECORD_INDEX_WRONG');
    assert.equal(code({ ...p, leafIndex: 2 ** 53 }), 'PROOF_MALFORMED');
    const outOfRange = { ...proofFor(4), record: ex.lines[4]!.replace('"index":4', '"index":5'), leafIndex: 5 };
    assert.equal(code(outOfRange), 'INDEX_OUT_OF_RANGE');
    assert.equal(code({ ...p, record: ex.lines[2]!.replace('unlink', 'shred') }), 'MERKLE_ROOT_MISMATCH');
    assert.equal(code({ ...p, certificate: { ...p.certificate, payloadType: 'x' } }), 'PAYLOAD_TYPE_WRONG');
  });

  it('reads a proof file as strict UTF-8 JSON, with only the members of version 1 (issue 11)', () => {
    const p = proofFor(2);
    const text = JSON.stringify(p, null, 2);
    assert.equal(code(text), 'ok');
    assert.equal(code(new TextEncoder().encode(text)), 'ok');
    assert.equal(verifyObjectProof(text, keys).proof.auditPath.length, p.auditPath.length);
    assert.equal(code('{"type":'), 'PROOF_MALFORMED');
    assert.equal(code(text.replace('{', '{"leafIndex":0,')), 'JSON_DUPLICATE_MEMBER');
    assert.equal(code(text.replace('{', '{"__proto__":{},')), 'MEMBER_FORBIDDEN');
    assert.equal(code(text.replace('"sig"', '"constructor":1,"sig"')), 'MEMBER_FORBIDDEN'); // in the certificate it carries, too
    assert.equal(code(Uint8Array.from([...new TextEncoder().encode(text.slice(0, -1)), 0x20, 0xc0, 0x7d])), 'UTF8_INVALID');
    assert.equal(code({ ...p, note: 'unsigned' }), 'MEMBER_UNKNOWN');
    assert.equal(code({ ...p, version: 2, note: 'a later version may add members' }), 'VERSION_UNSUPPORTED');
    assert.equal(code({ ...p, record: p.record.replace('{', '{"index":2,') }), 'JSON_DUPLICATE_MEMBER');
  });

  it('flipping any bit of the audit path or the record fails', () => {
    const p = proofFor(1);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), (which, pos, bit) => {
        const path = p.auditPath.map((h) => Buffer.from(h, 'hex'));
        const h = path[which % path.length]!;
        h[pos % 32]! ^= 1 << bit;
        assert.notEqual(code({ ...p, auditPath: path.map((b) => b.toString('hex')) }), 'ok');
        const rec = Buffer.from(p.record);
        rec[pos % rec.length]! ^= 1 << bit;
        assert.notEqual(code({ ...p, record: rec.toString('latin1') }), 'ok');
      }),
      { numRuns: 300 },
    );
  });

  it('says what it is: type "shredproof.object-proof", version 1; any other type is malformed', () => {
    const p = proofFor(0);
    assert.equal(p.type, 'shredproof.object-proof');
    assert.equal(p.version, 1);
    for (const type of ['', 'shredproof.object-proof ', 'Shredproof.object-proof', 'shredproof.certificate', null, 1]) {
      assert.equal(code({ ...p, type }), 'PROOF_MALFORMED', String(type));
    }
    const { type: _, ...untyped } = p;
    assert.equal(code(untyped), 'PROOF_MALFORMED');
  });

  // Every member of a proof file is attacker controlled: each malformed one is refused before anything is hashed.
  it('refuses every malformed member with PROOF_MALFORMED', () => {
    const p = proofFor(3);
    const bad: Array<[string, unknown]> = [
      ['record', 1], ['record', null], ['record', undefined], ['record', { index: 3 }],
      ['leafIndex', -1], ['leafIndex', 1.5], ['leafIndex', '3'], ['leafIndex', null], ['leafIndex', undefined],
      ['treeSize', -1], ['treeSize', 5.5], ['treeSize', '5'], ['treeSize', 2 ** 53], ['treeSize', undefined],
      ['auditPath', p.auditPath[0]], ['auditPath', null], ['auditPath', undefined], ['auditPath', { 0: p.auditPath[0] }],
      ['auditPath', [1]], ['auditPath', [p.auditPath[0]!.toUpperCase()]], ['auditPath', [p.auditPath[0]!.slice(2)]], ['auditPath', [`${p.auditPath[0]}00`]],
      ['certificate', null], ['certificate', undefined], ['certificate', []], ['certificate', JSON.stringify(p.certificate)],
    ];
    const calls = { n: 0 };
    const spy: MerkleHasher = {
      hashLeaf: (b) => (calls.n++, nobleHasher.hashLeaf(b)),
      hashChildren: (l, r) => (calls.n++, nobleHasher.hashChildren(l, r)),
      emptyRoot: () => (calls.n++, nobleHasher.emptyRoot()),
    };
    for (const [member, value] of bad) {
      assert.equal(code({ ...p, [member]: value }, spy), 'PROOF_MALFORMED', `${member}: ${JSON.stringify(value)}`);
    }
    for (const input of [[], [p], 'null', '[]', '"proof"', '3', 42, 'proof', undefined]) {
      assert.equal(code(input, spy), 'PROOF_MALFORMED', JSON.stringify(input));
    }
    assert.equal(calls.n, 0);
  });

  it('refuses a record of a target that the certificate does not list, before checking its path', () => {
    const p = proofFor(2);
    const calls = { n: 0 };
    const spy: MerkleHasher = { ...nobleHasher, hashLeaf: (b) => (calls.n++, nobleHasher.hashLeaf(b)) };
    for (const target of ['elsewhere', 'photo', 'photos ', 'Photos', 'training-exports/photos']) {
      const record = ex.lines[2]!.replace('"target":"photos"', `"target":${JSON.stringify(target)}`);
      assert.notEqual(record, ex.lines[2]);
      assert.equal(code({ ...p, record }, spy), 'RECORD_INVALID', target);
    }
    assert.equal(calls.n, 0);
    // a record of the other listed target still gets as far as the path
    assert.equal(code({ ...p, record: ex.lines[2]!.replace('"target":"photos"', '"target":"training-exports"') }), 'MERKLE_ROOT_MISMATCH');
  });
});
