// Signed approvals over HTTP (issue 15, docs/API.md "People"): the server
// takes an approval only when it is signed by the approver's own registered
// key over this order's id, document and current plan, within 5 minutes of
// its clock. Every refusal answers its code and leaves the order exactly as
// it was. The admin, who can mint tokens, cannot approve: it cannot register
// people over HTTP, and a token for a real approver carries no key. The
// performer's signature and the approver's end up in the certificate, which
// verifies against the served trust.json with both approvals checked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type ApprovalRole,
  type ApprovalSubject,
  isVerificationError,
  publicKeyToPem,
  resolveTrust,
  seedSigner,
  type Signer,
  signApproval,
  verifyCertificate,
  verifyTrusted,
} from '../../packages/verify/src/core/index.js';
import { approveOrder } from '../../src/app/approve-order.js';
import { addPerson, removePerson, revokePersonKey } from '../../src/app/people.js';
import { issueToken } from '../../src/app/tokens.js';
import { type ApiHarness, approvalBody, startApiHarness, waitForState } from '../helpers/api-harness.js';
import { personSigner } from '../helpers/approvals.js';
import { problem } from './problem-check.js';

type Json = Record<string, any>;

/** A key that nobody registered. */
const STRANGER = seedSigner(new Uint8Array(32).fill(7));

const subjectOf = (o: Json): ApprovalSubject => ({ orderId: o.id, orderSha256: o.documentSha256, inventory: { treeSize: o.plan.objects, rootHash: o.plan.root } });

/** A signature in `role`, naming `person`, by `signer` (their test key unless given), over `subject` (the order's current plan unless given). */
function signature(o: Json, person: string, role: ApprovalRole, opts: { signer?: Signer; subject?: ApprovalSubject; signedAt?: string } = {}) {
  const a = signApproval(opts.signer ?? personSigner(person), opts.subject ?? subjectOf(o), { role, person, signedAt: opts.signedAt ?? new Date().toISOString() });
  return { keyid: a.keyid, signedAt: a.signedAt, signature: a.signature };
}
const approveJson = (o: Json, person: string, opts?: Parameters<typeof signature>[3]) => ({ planRoot: o.plan.root, approval: signature(o, person, 'approver', opts) });
const signPlanJson = (o: Json, person: string, opts?: Parameters<typeof signature>[3]) => ({ planRoot: o.plan.root, signature: signature(o, person, 'performer', opts) });

describe('HTTP API: approvals signed with the approver\'s own key', () => {
  let api: ApiHarness;
  /** A planned order of alice's, which every refusal below must leave as it is. */
  let order: Json;
  let n = 0;
  const view = async (id: string) => (await (await api.call(`/v1/orders/${id}`, { as: 'audrey' })).json()) as Json;
  const withToken = (token: string, path: string, json?: unknown) =>
    fetch(api.url + path, {
      method: json === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
  /** Creates and plans an order as `who`, with a reference of its own (so that each order's document differs). */
  async function plannedOrder(who: 'alice' | 'olga' = 'alice'): Promise<Json> {
    const doc = { reference: `approvals test ${++n}`, targets: [{ backend: 'photos', scope: { include: ['users/**'] } }] };
    const created = await api.call('/v1/orders', { method: 'POST', as: who, json: doc });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as Json;
    assert.equal((await api.call(`/v1/orders/${id}/plan`, { method: 'POST', as: who })).status, 202);
    return waitForState(api, id, ['planned']);
  }
  /** Sends `send()`, asserts the problem answered, and that the order is exactly as before. */
  async function refused(id: string, send: () => Promise<Response>, status: number, code: string): Promise<Json> {
    const before = await view(id);
    const p = await problem(await send(), status, code);
    assert.deepEqual(await view(id), before, 'the order changed');
    return p;
  }
  /** A person registered on the server's machine with roles and their test key, and a token in `role` made by the admin over HTTP. */
  async function person(name: string, roles: Array<'operator' | 'approver' | 'auditor'>, role = roles[0]!): Promise<{ token: string; tokenId: string }> {
    addPerson(api.runtime.deps, { name, roles, publicKeyPem: publicKeyToPem(personSigner(name).publicKey) }, 'test');
    const r = await api.call('/v1/tokens', { method: 'POST', as: 'ada', json: { name, role } });
    assert.equal(r.status, 201);
    const { token, info } = (await r.json()) as Json;
    return { token, tokenId: info.id };
  }

  before(async () => {
    api = await startApiHarness({ objects: 30, batchSize: 10 });
    order = await plannedOrder();
  });
  after(async () => api?.close());

  it('takes nothing but a signature: a bare plan root is 400 naming $.approval', async () => {
    const p = await refused(order.id, () => api.call(`/v1/orders/${order.id}/approve`, { method: 'POST', as: 'bob', json: { planRoot: order.plan.root } }), 400, 'INVALID_REQUEST');
    assert.deepEqual(p.errors.map((e: Json) => e.path), ['$.approval']);
  });

  it('refuses an approval signed by a key nobody registered (409 APPROVAL_REFUSED)', async () => {
    const p = await refused(order.id, () => api.call(`/v1/orders/${order.id}/approve`, { method: 'POST', as: 'bob', json: approveJson(order, 'bob', { signer: STRANGER }) }), 409, 'APPROVAL_REFUSED');
    assert.match(p.detail, new RegExp(`key ${STRANGER.keyid} is not registered to bob`));
  });

  it('refuses an approval signed by a key registered to another person', async () => {
    for (const other of ['alice', 'olga', 'ada']) {
      const p = await refused(order.id, () => api.call(`/v1/orders/${order.id}/approve`, { method: 'POST', as: 'bob', json: approveJson(order, 'bob', { signer: personSigner(other) }) }), 409, 'APPROVAL_REFUSED');
      assert.match(p.detail, new RegExp(`key ${personSigner(other).keyid} is not registered to bob`), other);
    }
  });

  it('a person without the approver role gets no approver token, is forbidden with theirs, and their key approves for nobody', async () => {
    const carl = await person('carl', ['auditor']);
    // The admin cannot lend carl the role...
    const minted = await api.call('/v1/tokens', { method: 'POST', as: 'ada', json: { name: 'carl', role: 'approver' } });
    const p = await problem(minted, 400, 'INVALID_REQUEST');
    assert.deepEqual(p.errors.map((e: Json) => e.path), ['$.role']);
    // ...carl's own token may not approve...
    await refused(order.id, () => withToken(carl.token, `/v1/orders/${order.id}/approve`, approveJson(order, 'carl')), 403, 'FORBIDDEN');
    // ...and his signature, presented by an approver, is not that approver's.
    await refused(order.id, () => api.call(`/v1/orders/${order.id}/approve`, { method: 'POST', as: 'bob', json: approveJson(order, 'bob', { signer: personSigner('carl') }) }), 409, 'APPROVAL_REFUSED');
    // Below HTTP, where no token stands in the way, the use case refuses him for the role itself.
    const row = api.runtime.deps.ledger.getOrder(order.id)!;
    assert.throws(
      () => approveOrder(api.runtime.deps, order.id, 'carl', order.plan.root, signature(order, 'carl', 'approver')),
      (e: any) => e.code === 'APPROVAL_REFUSED' && /carl does not hold the approver role \(roles: auditor\)/.test(e.message),
    );
    assert.deepEqual(api.runtime.deps.ledger.getOrder(order.id), row);
  });

  it('refuses the order\'s creator, even with an approver token and her own registered key (409 SELF_APPROVAL)', async () => {
    await refused(order.id, () => api.call(`/v1/orders/${order.id}/approve`, { method: 'POST', as: 'aliceApprover', json: approvalBody(order as never, 'alice') }), 409, 'SELF_APPROVAL');
  });

  it('refuses a signature over another plan presented with the current plan root', async () => {
    const otherRoot = { ...subjectOf(order), inventory: { treeSize: order.plan.objects, rootHash: 'cd'.repeat(32) } };
    const otherCount = { ...subjectOf(order), inventory: { treeSize: order.plan.objects + 1, rootHash: order.plan.root } };
    for (const subject of [otherRoot, otherCount]) {
      const p = await refused(order.id, () => api.call(`/v1/orders/${order.id}/approve`, { method: 'POST', as: 'bob', json: approveJson(order, 'bob', { subject }) }), 409, 'APPROVAL_REFUSED');
      assert.match(p.detail, new RegExp(`the signature does not hold over order ${order.id}, order document ${order.documentSha256} and plan ${order.plan.root} \\(${order.plan.objects} objects\\)`));
    }
  });

  it('refuses an approval of the plan reviewed before a re-plan: STALE_PLAN with its root, APPROVAL_REFUSED with the new one', async () => {
    const o = await plannedOrder();
    const signedBefore = signature(o, 'bob', 'approver');
    assert.equal((await api.call(`/v1/orders/${o.id}/plan`, { method: 'POST' })).status, 202);
    const replanned = await waitForState(api, o.id, ['planned']);
    assert.notEqual(replanned.plan.root, o.plan.root);
    await refused(o.id, () => api.call(`/v1/orders/${o.id}/approve`, { method: 'POST', as: 'bob', json: { planRoot: o.plan.root, approval: signedBefore } }), 409, 'STALE_PLAN');
    await refused(o.id, () => api.call(`/v1/orders/${o.id}/approve`, { method: 'POST', as: 'bob', json: { planRoot: replanned.plan.root, approval: signedBefore } }), 409, 'APPROVAL_REFUSED');
  });

  it('refuses a signature over another order: its id, or its document', async () => {
    const other = await plannedOrder();
    assert.notEqual(other.documentSha256, order.documentSha256);
    // bob's approval of the other order, replayed on this one
    const replayed = { planRoot: order.plan.root, approval: signature(other, 'bob', 'approver') };
    await refused(order.id, () => api.call(`/v1/orders/${order.id}/approve`, { method: 'POST', as: 'bob', json: replayed }), 409, 'APPROVAL_REFUSED');
    // this order's id and plan, with the other order's document
    const otherDocument = { ...subjectOf(order), orderSha256: other.documentSha256 };
    await refused(order.id, () => api.call(`/v1/orders/${order.id}/approve`, { method: 'POST', as: 'bob', json: approveJson(order, 'bob', { subject: otherDocument }) }), 409, 'APPROVAL_REFUSED');
    // and the other order itself is untouched by either
    assert.deepEqual([(await view(other.id)).state, (await view(other.id)).signatures], ['planned', []]);
  });

  it('refuses a signedAt 10 minutes from the server\'s clock, either way, and one that is not an RFC 3339 UTC time', async () => {
    for (const [offset, way] of [[-10, 'behind'], [10, 'ahead of']] as const) {
      const signedAt = new Date(Date.now() + offset * 60_000).toISOString();
      const p = await refused(order.id, () => api.call(`/v1/orders/${order.id}/approve`, { method: 'POST', as: 'bob', json: approveJson(order, 'bob', { signedAt }) }), 409, 'APPROVAL_REFUSED');
      assert.match(p.detail, new RegExp(`signedAt ${signedAt} is 6\\d\\d s ${way} the server's clock .*at most 300 s are allowed`));
    }
    const local = new Date().toISOString().replace('Z', '+00:00');
    const p = await refused(order.id, () => api.call(`/v1/orders/${order.id}/approve`, { method: 'POST', as: 'bob', json: approveJson(order, 'bob', { signedAt: local }) }), 409, 'APPROVAL_REFUSED');
    assert.match(p.detail, /is not an RFC 3339 UTC time/);
  });

  it('refuses an approval with a revoked key', async () => {
    const rob = await person('rob', ['approver']);
    const keyid = personSigner('rob').keyid;
    revokePersonKey(api.runtime.deps, keyid, new Date(Date.now() - 60_000).toISOString(), 'laptop stolen', 'test');
    const p = await refused(order.id, () => withToken(rob.token, `/v1/orders/${order.id}/approve`, approveJson(order, 'rob')), 409, 'APPROVAL_REFUSED');
    assert.match(p.detail, new RegExp(`key ${keyid} is not in force now .*revoked at`));
  });

  it('a removed person is gone at once: their token answers 401 at the next request, the approval included', async () => {
    const remy = await person('remy', ['approver']);
    const me = await withToken(remy.token, '/v1/whoami');
    assert.equal(me.status, 200);
    assert.deepEqual(removePerson(api.runtime.deps, 'remy', 'test'), { tokensRevoked: 1 });
    await refused(order.id, () => withToken(remy.token, `/v1/orders/${order.id}/approve`, approveJson(order, 'remy')), 401, 'UNAUTHENTICATED');
    await problem(await withToken(remy.token, '/v1/whoami'), 401, 'UNAUTHENTICATED');
    // and nobody can mint a new token for them
    const again = await problem(await api.call('/v1/tokens', { method: 'POST', as: 'ada', json: { name: 'remy', role: 'approver' } }), 400, 'INVALID_REQUEST');
    assert.deepEqual(again.errors.map((e: Json) => e.path), ['$.name']);
  });

  it('the admin cannot make up a second approver: a token for root-admin.2 is 400 naming $.name, and nothing is made', async () => {
    const tokens = api.runtime.deps.ledger.access.listTokens().length;
    const r = await api.call('/v1/tokens', { method: 'POST', as: 'ada', json: { name: 'root-admin.2', role: 'approver' } });
    const p = await problem(r, 400, 'INVALID_REQUEST');
    assert.deepEqual(p.errors.map((e: Json) => e.path), ['$.name']);
    assert.match(p.errors[0].problem, /no person is registered as "root-admin\.2"/);
    assert.equal(api.runtime.deps.ledger.access.listTokens().length, tokens);
    assert.equal(api.runtime.deps.ledger.people.people().some((x) => x.name === 'root-admin.2'), false);
  });

  it('the admin can mint bob an approver token, but cannot approve with it without bob\'s private key', async () => {
    const r = await api.call('/v1/tokens', { method: 'POST', as: 'ada', json: { name: 'bob', role: 'approver' } });
    assert.equal(r.status, 201);
    const minted = ((await r.json()) as Json).token as string;
    const me = (await (await withToken(minted, '/v1/whoami')).json()) as Json;
    assert.deepEqual([me.name, me.role], ['bob', 'approver']);
    // The admin's own key (registered, but signing nothing), and a key the admin just made: neither is bob's.
    for (const signer of [personSigner('ada'), STRANGER]) {
      const p = await refused(order.id, () => withToken(minted, `/v1/orders/${order.id}/approve`, approveJson(order, 'bob', { signer })), 409, 'APPROVAL_REFUSED');
      assert.match(p.detail, new RegExp(`key ${signer.keyid} is not registered to bob`));
    }
    // Naming someone else in the signature does not help: the server names the token's person.
    await refused(order.id, () => withToken(minted, `/v1/orders/${order.id}/approve`, approveJson(order, 'ada')), 409, 'APPROVAL_REFUSED');
    await refused(order.id, () => api.call(`/v1/orders/${order.id}/approve`, { method: 'POST', as: 'ada', json: approveJson(order, 'bob') }), 403, 'FORBIDDEN');
  });

  it('refuses a performer signature by anyone but the order\'s creator, or by a key not the creator\'s', async () => {
    const p = await refused(order.id, () => api.call(`/v1/orders/${order.id}/sign-plan`, { method: 'POST', as: 'olga', json: signPlanJson(order, 'olga') }), 409, 'APPROVAL_REFUSED');
    assert.match(p.detail, /only the order's creator \(alice\) may sign its plan as performer, not olga/);
    await refused(order.id, () => api.call(`/v1/orders/${order.id}/sign-plan`, { method: 'POST', as: 'bob', json: signPlanJson(order, 'bob') }), 403, 'FORBIDDEN');
    for (const signer of [personSigner('olga'), personSigner('bob'), STRANGER]) {
      await refused(order.id, () => api.call(`/v1/orders/${order.id}/sign-plan`, { method: 'POST', json: signPlanJson(order, 'alice', { signer }) }), 409, 'APPROVAL_REFUSED');
    }
    // alice's key over another plan
    const subject = { ...subjectOf(order), inventory: { treeSize: order.plan.objects, rootHash: 'cd'.repeat(32) } };
    await refused(order.id, () => api.call(`/v1/orders/${order.id}/sign-plan`, { method: 'POST', json: signPlanJson(order, 'alice', { subject }) }), 409, 'APPROVAL_REFUSED');
  });

  it('a re-plan drops the performer\'s signature with the plan it was over', async () => {
    const o = await plannedOrder();
    const signed = await api.call(`/v1/orders/${o.id}/sign-plan`, { method: 'POST', json: signPlanJson(o, 'alice') });
    assert.equal(signed.status, 200);
    assert.deepEqual(((await signed.json()) as Json).signatures.map((a: Json) => a.role), ['performer']);
    assert.equal((await api.call(`/v1/orders/${o.id}/plan`, { method: 'POST' })).status, 202);
    const replanned = await waitForState(api, o.id, ['planned']);
    assert.deepEqual(replanned.signatures, []);
  });

  it('the creator signs as performer, bob approves; the certificate carries both, and verifies against trust.json with both checked', async () => {
    const performer = signPlanJson(order, 'alice');
    const s = await api.call(`/v1/orders/${order.id}/sign-plan`, { method: 'POST', json: performer });
    assert.equal(s.status, 200);
    const signed = (await s.json()) as Json;
    assert.equal(signed.state, 'planned');
    assert.deepEqual(signed.signatures, [{ role: 'performer', person: 'alice', ...performer.signature }]);

    const approval = approveJson(order, 'bob');
    const a = await api.call(`/v1/orders/${order.id}/approve`, { method: 'POST', as: 'bob', json: approval });
    assert.equal(a.status, 200);
    const approved = (await a.json()) as Json;
    assert.deepEqual([approved.state, approved.approval.by, approved.approval.planRoot], ['approved', 'bob', order.plan.root]);
    assert.deepEqual(approved.signatures, [
      { role: 'performer', person: 'alice', ...performer.signature },
      { role: 'approver', person: 'bob', ...approval.approval },
    ]);
    // Signed and approved: the plan can be signed no more.
    await refused(order.id, () => api.call(`/v1/orders/${order.id}/sign-plan`, { method: 'POST', json: signPlanJson(order, 'alice') }), 409, 'NOT_PLANNED');

    assert.equal((await api.call(`/v1/orders/${order.id}/execute`, { method: 'POST' })).status, 202);
    await waitForState(api, order.id, ['certified']);
    const certificate = await (await api.call(`/v1/orders/${order.id}/certificate`, { as: 'audrey' })).text();
    const trust = await (await fetch(`${api.url}/v1/trust.json`)).text();
    const verified = verifyTrusted(resolveTrust({ bundleRoot: trust }), (keys) => verifyCertificate(certificate, keys));
    assert.ok(verified.approvalCheck, 'the trust root was used for the approvals');
    assert.equal(verified.approvalCheck.required, true, 'the order was approved after the ledger learned people');
    assert.deepEqual(
      verified.approvalCheck.approvals.map((x) => [x.role, x.person, x.keyid, x.key.person]),
      [
        ['performer', 'alice', personSigner('alice').keyid, 'alice'],
        ['approver', 'bob', personSigner('bob').keyid, 'bob'],
      ],
    );
    assert.deepEqual((verified.statement as Json).approvals, approved.signatures);

    // The check is the trust root's: without bob's key in it, the same certificate does not verify.
    const root = JSON.parse(trust) as Json;
    root.approvalKeys = root.approvalKeys.filter((k: Json) => k.person !== 'bob');
    assert.throws(
      () => verifyTrusted(resolveTrust({ bundleRoot: JSON.stringify(root) }), (keys) => verifyCertificate(certificate, keys)),
      (e: unknown) => isVerificationError(e) && e.code === 'APPROVER_UNTRUSTED',
    );
  });

  it('GET /v1/whoami names the token\'s person and role, with the person\'s roles and keys (not the public keys)', async () => {
    const me = await api.call('/v1/whoami', { as: 'aliceApprover' });
    assert.equal(me.status, 200);
    const key = api.runtime.deps.ledger.people.personKeys().find((k) => k.person === 'alice')!;
    assert.deepEqual(await me.json(), {
      tokenId: `tok_${api.tokens.aliceApprover.slice(3, 19)}`,
      name: 'alice',
      role: 'approver',
      person: { roles: ['operator', 'approver'], keys: [{ keyid: personSigner('alice').keyid, signs: ['approver', 'performer'], validFrom: key.validFrom, validUntil: null, revokedAt: null }] },
    });
    for (const who of ['olga', 'audrey', 'ada'] as const) {
      const w = (await (await api.call('/v1/whoami', { as: who })).json()) as Json;
      assert.deepEqual([w.name, w.role, w.person.keys.map((k: Json) => k.keyid)], [who, { olga: 'operator', audrey: 'auditor', ada: 'admin' }[who], [personSigner(who).keyid]]);
    }
    await problem(await api.call('/v1/whoami', { as: null }), 401, 'UNAUTHENTICATED');
  });

  it('GET /v1/people lists everyone, current and removed, with their keys, to auditors and admins only', async () => {
    for (const who of ['audrey', 'ada'] as const) {
      const r = await api.call('/v1/people', { as: who });
      assert.equal(r.status, 200);
      const { people, keys } = (await r.json()) as Json;
      const byName = new Map<string, Json>(people.map((p: Json) => [p.name, p]));
      for (const [name, roles] of [['alice', ['operator', 'approver']], ['bob', ['approver']], ['olga', ['operator']], ['audrey', ['auditor']], ['ada', ['admin']], ['carl', ['auditor']]] as const) {
        assert.deepEqual([byName.get(name)?.roles, byName.get(name)?.removedAt], [roles, null], name);
        const key = keys.find((k: Json) => k.person === name);
        assert.equal(key?.publicKeyPem, publicKeyToPem(personSigner(name).publicKey), name);
      }
      assert.equal(byName.get('remy')?.removedBy, 'test');
      assert.ok(keys.find((k: Json) => k.person === 'remy').validUntil, 'a removed person\'s key ends');
      const rob = keys.find((k: Json) => k.person === 'rob');
      assert.deepEqual([rob.revocationReason, typeof rob.revokedAt], ['laptop stolen', 'string']);
      assert.equal(byName.has('root-admin.2'), false);
    }
    for (const who of ['bob', 'olga'] as const) await problem(await api.call('/v1/people', { as: who }), 403, 'FORBIDDEN');
    await problem(await api.call('/v1/people', { as: null }), 401, 'UNAUTHENTICATED');
  });
});
