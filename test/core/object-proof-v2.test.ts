// Per-object proofs, version 2 (docs/FORMAT.md section 7.1): a proof of one
// entry of any of the four files of a v2 certificate, with exactly its
// members, revealing no other entry; and the version mix-ups between proofs
// and certificates (PROOF_CERTIFICATE_MISMATCH).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { base64Decode, canonicalize, hashLeaf, type MerkleHasher, MerkleTree, nobleHasher, publicKeyFromPem, trustedKey, utf8Decode, utf8Encode } from '../../packages/verify/src/core/index.js';
import {
  buildObjectProof,
  buildObjectProofV2,
  type ObjectProofV2,
  PROOF_LISTS,
  type ProofList,
  verifyObjectProof,
} from '../../packages/verify/src/core/object-proof.js';
import { nodeHasher } from '../../packages/verify/src/node/merkle-hasher.js';
import { buildExample } from '../../scripts/example-certificate.js';
import { buildExampleV2 } from '../../scripts/example-certificate-v2.js';
import { codeOf } from './fails-with.js';

const ex = buildExampleV2();
const v1 = buildExample();
const keys = [trustedKey(publicKeyFromPem(ex.publicKeyPem))];
const tree = (list: ProofList) => MerkleTree.fromLeafHashes(ex.lines[list].map((l) => hashLeaf(utf8Encode(l))));
const proofOf = (list: ProofList, i: number): ObjectProofV2 => buildObjectProofV2(list, ex.lines[list][i]!, i, ex.lines[list].length, tree(list).inclusionProof(i), ex.envelope);

const code = (input: unknown, hasher: MerkleHasher = nobleHasher): string => codeOf(() => verifyObjectProof(input, keys, { hasher }));

describe('per-object proofs, version 2', () => {
  it('every entry of every list proves, with either hasher, and says which list and what entry', () => {
    for (const list of PROOF_LISTS) {
      ex.lines[list].forEach((line, i) => {
        const v = verifyObjectProof(JSON.parse(JSON.stringify(proofOf(list, i))), keys);
        assert.equal(v.list, list);
        assert.deepEqual(v.entry, JSON.parse(line));
        assert.deepEqual(v.record, list === 'records' ? JSON.parse(line) : undefined);
        assert.equal(v.statement.version, 2);
        assert.equal(verifyObjectProof(proofOf(list, i), keys, { hasher: nodeHasher }).entry.index, i);
      });
    }
    const retained = verifyObjectProof(proofOf('retained', 0), keys);
    assert.ok(retained.list === 'retained' && retained.entry.holdId === 'hold-7');
  });

  it('the example bundle\'s proofs verify as the files hold them (text and bytes)', () => {
    for (const [name, p] of Object.entries(ex.proofs)) {
      const text = JSON.stringify(p, null, 2) + '\n';
      assert.equal(code(text), 'ok', name);
      assert.equal(code(utf8Encode(text)), 'ok', name);
    }
  });

  it('a v1 proof must carry a v1 certificate, a v2 proof a v2 certificate', () => {
    const v1Proof = buildObjectProof(ex.lines.records[2]!, 2, 5, tree('records').inclusionProof(2), ex.envelope);
    assert.equal(code(v1Proof), 'PROOF_CERTIFICATE_MISMATCH');
    const v2OfV1 = buildObjectProofV2('records', v1.lines[2]!, 2, 5, v1.tree.inclusionProof(2), v1.envelope);
    assert.equal(code(v2OfV1), 'PROOF_CERTIFICATE_MISMATCH');
    // The same proofs with matching versions verify: only the version differs.
    assert.equal(code(buildObjectProof(v1.lines[2]!, 2, 5, v1.tree.inclusionProof(2), v1.envelope)), 'ok');
    assert.equal(code(proofOf('records', 2)), 'ok');
  });

  it('has exactly the members of section 7.1 (MEMBER_UNKNOWN), of the types it gives (PROOF_MALFORMED)', () => {
    const p = proofOf('retained', 0);
    assert.equal(code({ ...p, note: 'unsigned' }), 'MEMBER_UNKNOWN');
    assert.equal(code({ ...p, record: p.entry }), 'MEMBER_UNKNOWN'); // version 1's member next to entry
    assert.equal(code({ ...p, version: 3 }), 'VERSION_UNSUPPORTED');
    assert.equal(code({ ...p, version: '2' }), 'VERSION_UNSUPPORTED');
    const { list: _, ...noList } = p;
    assert.equal(code(noList), 'PROOF_MALFORMED');
    const bad: Array<[string, unknown]> = [
      ['list', 'record'], ['list', 'Retained'], ['list', ''], ['list', null], ['list', ['retained']],
      ['entry', undefined], ['entry', JSON.parse(p.entry)], ['entry', 1],
      ['leafIndex', -1], ['leafIndex', '0'], ['treeSize', 1.5], ['treeSize', undefined],
      ['auditPath', null], ['auditPath', ['zz']], ['certificate', JSON.stringify(p.certificate)], ['type', 'shredproof.certificate'],
    ];
    const calls = { n: 0 };
    const spy: MerkleHasher = { ...nobleHasher, hashLeaf: (b) => (calls.n++, nobleHasher.hashLeaf(b)), hashChildren: (l, r) => (calls.n++, nobleHasher.hashChildren(l, r)) };
    for (const [member, value] of bad) assert.equal(code({ ...p, [member]: value }, spy), 'PROOF_MALFORMED', `${member}: ${JSON.stringify(value)}`);
    assert.equal(calls.n, 0);
  });

  it('fails with a specific code for each defect of the entry, the tree size or the path', () => {
    const p = proofOf('rescan', 1);
    assert.equal(code({ ...p, treeSize: 5 }), 'PROOF_CERTIFICATE_MISMATCH'); // the records' size, not the list's
    assert.equal(code({ ...proofOf('exceptions', 0), list: 'retained' }), 'RECORD_INVALID'); // an exception read as a retained entry
    assert.equal(code({ ...proofOf('retained', 0), list: 'rescan' }), 'PROOF_CERTIFICATE_MISMATCH'); // rescan's tree has 2 leaves
    assert.equal(code({ ...p, leafIndex: 0 }), 'RECORD_INDEX_WRONG');
    assert.equal(code({ ...p, entry: ex.lines.rescan[0] }), 'RECORD_INDEX_WRONG');
    assert.equal(code({ ...p, entry: p.entry.replace('"index":1', '"index":2'), leafIndex: 2 }), 'INDEX_OUT_OF_RANGE');
    assert.equal(code({ ...p, auditPath: [] }), 'PROOF_SIZE_WRONG');
    assert.equal(code({ ...p, auditPath: [...p.auditPath, p.auditPath[0]] }), 'PROOF_SIZE_WRONG');
    assert.equal(code({ ...p, entry: p.entry.replace('"exception"', '"recreated"') }), 'MERKLE_ROOT_MISMATCH');
    assert.equal(code({ ...p, entry: p.entry.replace('"training-exports"', '"elsewhere"') }), 'RECORD_INVALID');
    assert.equal(code({ ...p, entry: p.entry.replace('":', '": ') }), 'RECORD_NOT_CANONICAL');
    assert.equal(code({ ...p, entry: p.entry.replace('{', '{"index":1,') }), 'JSON_DUPLICATE_MEMBER');
    assert.equal(code({ ...p, entry: canonicalize({ ...JSON.parse(p.entry), note: 1 }) }), 'RECORD_INVALID');
    const r = proofOf('retained', 0);
    assert.equal(code({ ...r, entry: r.entry.replace('hold-7', 'hold-8') }), 'MERKLE_ROOT_MISMATCH');
    assert.equal(code({ ...r, certificate: { ...r.certificate, payloadType: 'x' } }), 'PAYLOAD_TYPE_WRONG');
  });

  it('flipping any bit of the audit path or the entry fails', () => {
    const p = proofOf('records', 1);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), (which, pos, bit) => {
        const path = p.auditPath.map((h) => Buffer.from(h, 'hex'));
        path[which % path.length]![pos % 32]! ^= 1 << bit;
        assert.notEqual(code({ ...p, auditPath: path.map((b) => b.toString('hex')) }), 'ok');
        const entry = Buffer.from(p.entry);
        entry[pos % entry.length]! ^= 1 << bit;
        assert.notEqual(code({ ...p, entry: entry.toString('latin1') }), 'ok');
      }),
      { numRuns: 200 },
    );
  });

  it('reveals no locator, holdId, reason or code of any other entry of its certificate, byte for byte', () => {
    const payload = (p: { certificate: { payload: string } }) => utf8Decode(base64Decode(p.certificate.payload));
    const all = PROOF_LISTS.flatMap((list) => ex.lines[list].map((line, i) => ({ list, i, entry: JSON.parse(line) as Record<string, unknown> })));
    const secrets = (e: Record<string, unknown>) => ['locator', 'holdId', 'reason', 'code'].map((k) => e[k]).filter((x): x is string => typeof x === 'string');
    for (const { list, i, entry } of all) {
      const p = proofOf(list, i);
      const bytes = JSON.stringify(p, null, 2) + payload(p); // the file, and the statement inside it decoded
      const own = new Set(secrets(entry));
      for (const other of all) {
        if (other.list === list && other.i === i) continue;
        // The same object may be in two lists (held, and found held by the re-scan): its own locator is no one else's.
        for (const s of secrets(other.entry)) if (!own.has(s)) assert.ok(!bytes.includes(s), `the ${list} proof of entry ${i} holds ${JSON.stringify(s)} of ${other.list} entry ${other.i}`);
      }
    }
    // A version 1 proof of the same record does hold them, in its certificate: the check can fail.
    const old = buildObjectProof(v1.lines[2]!, 2, 5, v1.tree.inclusionProof(2), v1.envelope);
    assert.ok(payload(old).includes('user-3001/evidence.jpg') && payload(old).includes('permission denied on unlink'));
  });
});
