// An order driven through the HTTP API from create to certificate, against
// real Redis, a real ledger, real files and the in-process worker; then the
// certificate, records and per-object proofs fetched from the API are
// checked with the core verifier and against the files the test made.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalize, RecordsVerifier, publicKeyFromPem, trustedKey, verifyCertificate, verifyObjectProof } from '../../packages/verify/src/core/index.js';
import { demoOrder } from '../../src/demo/dataset.js';
import { type ApiHarness, approvalBody, startApiHarness, waitForState } from '../helpers/api-harness.js';
import { personSigner } from '../helpers/approvals.js';

const OBJECTS = 120;
/** Copies of one content in scope: more than an AMBIGUOUS answer lists (20), so the lookup stops early. */
const SAME_CONTENT = Buffer.from('the same bytes in 22 files');
const SAME_COPIES = 22;

describe('HTTP API: an order from create to certificate', () => {
  let api: ApiHarness;
  let id: string;
  let inScopeBytes = 0;
  before(async () => {
    api = await startApiHarness({ objects: OBJECTS, batchSize: 25 });
    mkdirSync(join(api.dataset.root, 'users/user-copies'), { recursive: true });
    for (let i = 0; i < SAME_COPIES; i++) {
      const rel = `users/user-copies/copy-${i}.jpg`;
      writeFileSync(join(api.dataset.root, rel), SAME_CONTENT);
      api.dataset.inScope.set(rel, createHash('sha256').update(SAME_CONTENT).digest('hex'));
    }
    for (const rel of api.dataset.inScope.keys()) inScopeBytes += statSync(join(api.dataset.root, rel)).size;
  });
  after(async () => api?.close());

  it('creates the order as alice (201, Location, state draft, document hash)', async () => {
    const r = await api.call('/v1/orders', { method: 'POST', json: demoOrder('photos') });
    assert.equal(r.status, 201);
    const body = (await r.json()) as any;
    id = body.id;
    assert.match(id, /^ord-/);
    assert.equal(r.headers.get('location'), `/v1/orders/${id}`);
    assert.equal(body.state, 'draft');
    assert.equal(body.createdBy, 'alice');
    assert.equal(body.plan, null);
    assert.equal(body.documentSha256, createHash('sha256').update(canonicalize(body.document)).digest('hex'));
  });

  it('plans in the background (202 planning), then shows the plan per target', async () => {
    const r = await api.call(`/v1/orders/${id}/plan`, { method: 'POST' });
    assert.equal(r.status, 202);
    assert.equal(((await r.json()) as any).state, 'planning');
    const planned = await waitForState(api, id, ['planned']);
    const inScope = api.dataset.inScope.size;
    assert.equal(planned.plan.objects, inScope + api.dataset.held.size);
    assert.equal(planned.plan.targets.photos.objects, planned.plan.objects);
    assert.equal(planned.plan.targets.photos.held, api.dataset.held.size);
    assert.match(planned.plan.root, /^[0-9a-f]{64}$/);
  });

  it('shows the approver the planned objects a page at a time, held ones flagged with their hold', async () => {
    const held = (await (await api.call(`/v1/orders/${id}/inventory?held=true&limit=1000`, { as: 'bob' })).json()) as any;
    assert.deepEqual(held.objects.map((o: any) => o.locator).sort(), [...api.dataset.held.keys()].sort());
    assert.ok(held.objects.every((o: any) => o.heldBy && o.status === 'retained'));
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = (await (await api.call(`/v1/orders/${id}/inventory?held=false&limit=50${cursor ? `&cursor=${cursor}` : ''}`, { as: 'bob' })).json()) as any;
      assert.ok(page.objects.length <= 50);
      seen.push(...page.objects.map((o: any) => o.locator));
      cursor = page.nextCursor;
    }
    assert.deepEqual(seen.sort(), [...api.dataset.inScope.keys()].sort());
  });

  it('refuses to let alice approve her own order, even with an approver token and her own key (409 SELF_APPROVAL)', async () => {
    const o = (await (await api.call(`/v1/orders/${id}`)).json()) as any;
    const r = await api.call(`/v1/orders/${id}/approve`, { method: 'POST', as: 'aliceApprover', json: approvalBody(o, 'alice') });
    assert.equal(r.status, 409);
    assert.equal(r.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    const p = (await r.json()) as any;
    assert.equal(p.code, 'SELF_APPROVAL');
    const after = (await (await api.call(`/v1/orders/${id}`)).json()) as any;
    assert.deepEqual([after.state, after.approval, after.signatures], ['planned', null, []]);
  });

  it('refuses an approval for another plan root (409 STALE_PLAN) and an execute before approval (409 NOT_APPROVED)', async () => {
    const o = (await (await api.call(`/v1/orders/${id}`, { as: 'bob' })).json()) as any;
    const r = await api.call(`/v1/orders/${id}/approve`, { method: 'POST', as: 'bob', json: approvalBody(o, 'bob', 'ab'.repeat(32)) });
    assert.equal(r.status, 409);
    assert.equal(((await r.json()) as any).code, 'STALE_PLAN');
    const e = await api.call(`/v1/orders/${id}/execute`, { method: 'POST' });
    assert.equal(e.status, 409);
    assert.equal(((await e.json()) as any).code, 'NOT_APPROVED');
  });

  it('bob approves the plan he saw; alice executes; the SSE stream reports progress until the end', async () => {
    const o = (await (await api.call(`/v1/orders/${id}`, { as: 'bob' })).json()) as any;
    const body = approvalBody(o, 'bob');
    const a = await api.call(`/v1/orders/${id}/approve`, { method: 'POST', as: 'bob', json: body });
    assert.equal(a.status, 200);
    const approved = (await a.json()) as any;
    assert.deepEqual([approved.state, approved.approval.by, approved.approval.planRoot], ['approved', 'bob', o.plan.root]);
    // The order carries bob's own signature, by his key, as the certificate will.
    assert.equal(body.approval.keyid, personSigner('bob').keyid);
    assert.deepEqual(approved.signatures, [{ role: 'approver', person: 'bob', ...body.approval }]);

    const stream = await api.call(`/v1/orders/${id}/progress/stream?intervalMs=200`, { as: 'audrey' });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type')!, /^text\/event-stream/);
    const x = await api.call(`/v1/orders/${id}/execute`, { method: 'POST' });
    assert.equal(x.status, 202);
    assert.equal(((await x.json()) as any).state, 'executing');

    const events: Array<{ event: string; data: any }> = [];
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let k: number;
      while ((k = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, k);
        buf = buf.slice(k + 2);
        const ev = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (ev && data) events.push({ event: ev, data: JSON.parse(data) });
      }
    }
    const last = events.at(-1)!;
    assert.equal(last.event, 'end', 'the stream ends with an end event');
    assert.equal(last.data.state, 'certified');
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data);
    assert.ok(progress.length >= 2, `several progress events (${progress.length})`);
    const final = progress.at(-1)!;
    assert.equal(final.counts.destroyed, api.dataset.inScope.size);
    assert.equal(final.counts.retained, api.dataset.held.size);
    assert.equal(final.counts.pending, 0);
    assert.equal(final.perTarget.photos.destroyed, api.dataset.inScope.size);
    // destroyed counts never go down along the stream
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].counts.destroyed >= progress[i - 1].counts.destroyed);
  });

  it('GET progress gives counts, bytes, rate and ETA of the finished order', async () => {
    const p = (await (await api.call(`/v1/orders/${id}/progress`, { as: 'audrey' })).json()) as any;
    assert.equal(p.state, 'certified');
    assert.equal(p.counts.destroyed, api.dataset.inScope.size);
    assert.equal(p.counts.bytesDestroyed, inScopeBytes);
    assert.equal(p.etaSeconds, 0);
    assert.ok(p.rate.objectsPerSecond > 0);
  });

  it('serves the certificate byte for byte as issued; it verifies with the key from /v1/keys and matches the files', async () => {
    const keys = (await (await fetch(`${api.url}/v1/keys`)).json()) as any;
    assert.equal(keys.keys.length, 1);
    const key = trustedKey(publicKeyFromPem(keys.keys[0].pem));
    assert.equal(key.keyid, keys.keys[0].keyid);
    const pem = await fetch(`${api.url}/v1/keys/${key.keyid}`, { headers: { accept: 'application/x-pem-file' } });
    assert.equal(await pem.text(), keys.keys[0].pem);

    const c = await api.call(`/v1/orders/${id}/certificate`, { as: 'audrey' });
    assert.equal(c.status, 200);
    const text = await c.text();
    const dir = join(api.config.dataDir, 'certificates', id);
    assert.equal(text, readFileSync(join(dir, 'certificate.json'), 'utf8'));
    const { statement } = verifyCertificate(text, [key]);
    assert.equal(statement.completeness.destroyed, api.dataset.inScope.size);

    const recs = await api.call(`/v1/orders/${id}/records`, { as: 'audrey' });
    assert.equal(recs.headers.get('content-type'), 'application/x-ndjson');
    const lines = (await recs.text()).split('\n');
    assert.equal(lines.pop(), '');
    const v = new RecordsVerifier(statement);
    for (const l of lines) v.push(l);
    v.finish();
    // Each record's hash is the true hash of a file the test made, and that file is gone.
    assert.equal(lines.length, api.dataset.inScope.size);
    for (const l of lines) {
      const rec = JSON.parse(l);
      assert.equal(rec.sha256, api.dataset.inScope.get(rec.locator));
      assert.equal(existsSync(join(api.dataset.root, rec.locator)), false);
    }
  });

  it('serves per-object proofs by locator, by content hash and by leaf index; each verifies offline', async () => {
    const key = trustedKey(publicKeyFromPem(((await (await fetch(`${api.url}/v1/keys`)).json()) as any).keys[0].pem));
    const [first] = [...api.dataset.inScope.keys()].sort();
    const byLocator = (await (await api.call(`/v1/orders/${id}/proof?locator=${encodeURIComponent(first!)}&target=photos`, { as: 'audrey' })).json()) as any;
    const ok = verifyObjectProof(byLocator, [key]);
    assert.equal(ok.record!.locator, first);
    const sha = api.dataset.inScope.get(first!)!;
    const bySha = (await (await api.call(`/v1/orders/${id}/proof?sha256=${sha}`, { as: 'bob' })).json()) as any;
    assert.deepEqual(bySha, byLocator);
    const byIndex = (await (await api.call(`/v1/orders/${id}/proof?leafIndex=${byLocator.leafIndex}`, { as: 'olga' })).json()) as any;
    assert.deepEqual(byIndex, byLocator);
  });

  it('answers 404 NOT_DESTROYED for a held object and for content that was never there; 400 for a bad selector', async () => {
    const [held] = [...api.dataset.held.keys()];
    const h = await api.call(`/v1/orders/${id}/proof?locator=${encodeURIComponent(held!)}`, { as: 'audrey' });
    assert.equal(h.status, 404);
    assert.equal(((await h.json()) as any).code, 'NOT_DESTROYED');
    const n = await api.call(`/v1/orders/${id}/proof?sha256=${'0'.repeat(64)}`, { as: 'audrey' });
    assert.equal(n.status, 404);
    // 22 records share one content hash: 409, with the first 20 leaf indices, found without confirming all 22.
    const same = await api.call(`/v1/orders/${id}/proof?sha256=${createHash('sha256').update(SAME_CONTENT).digest('hex')}`, { as: 'audrey' });
    assert.equal(same.status, 409);
    const problem = (await same.json()) as any;
    assert.equal(problem.code, 'AMBIGUOUS');
    assert.match(problem.detail, /^more than 20 records match, at leaf indices (\d+, ){19}\d+, \.\.\.; ask again with leafIndex$/);
    const both = await api.call(`/v1/orders/${id}/proof?sha256=${'0'.repeat(64)}&leafIndex=1`, { as: 'audrey' });
    assert.equal(both.status, 400);
    assert.match(((await both.json()) as any).detail, /exactly one of locator, sha256, leafIndex/);
  });

  it('keeps the history of every state change, with who did it', async () => {
    const h = (await (await api.call(`/v1/orders/${id}/history`, { as: 'audrey' })).json()) as any;
    const seq = h.events.map((e: any) => `${e.toState}:${e.actor}`);
    assert.deepEqual(seq, ['draft:alice', 'planning:alice', 'planned:alice', 'approved:bob', 'executing:alice', 'finalizing:coordinator', 'certified:coordinator']);
  });

  it('lists orders with filters and cursor pagination', async () => {
    const second = (await (await api.call('/v1/orders', { method: 'POST', as: 'olga', json: demoOrder('photos') })).json()) as any;
    const third = (await (await api.call('/v1/orders', { method: 'POST', as: 'olga', json: demoOrder('photos') })).json()) as any;
    const page1 = (await (await api.call('/v1/orders?limit=2', { as: 'audrey' })).json()) as any;
    assert.deepEqual(page1.orders.map((o: any) => o.id), [id, second.id]);
    assert.ok(page1.nextCursor);
    const page2 = (await (await api.call(`/v1/orders?limit=2&cursor=${page1.nextCursor}`, { as: 'audrey' })).json()) as any;
    assert.deepEqual(page2.orders.map((o: any) => o.id), [third.id]);
    assert.equal(page2.nextCursor, null);
    const drafts = (await (await api.call('/v1/orders?state=draft,planned', { as: 'audrey' })).json()) as any;
    assert.deepEqual(drafts.orders.map((o: any) => o.id), [second.id, third.id]);
    const mine = (await (await api.call('/v1/orders?createdBy=alice', { as: 'audrey' })).json()) as any;
    assert.deepEqual(mine.orders.map((o: any) => o.id), [id]);
  });

  it('cancels an order before execution; a certified order can no longer be cancelled (409 NOT_CANCELLABLE)', async () => {
    const o = (await (await api.call('/v1/orders', { method: 'POST', json: demoOrder('photos') })).json()) as any;
    const c = await api.call(`/v1/orders/${o.id}/cancel`, { method: 'POST', json: { reason: 'entered twice' } });
    assert.equal(c.status, 200);
    assert.equal(((await c.json()) as any).state, 'cancelled');
    const again = await api.call(`/v1/orders/${id}/cancel`, { method: 'POST', json: { reason: 'too late' } });
    assert.equal(again.status, 409);
    assert.equal(((await again.json()) as any).code, 'NOT_CANCELLABLE');
  });

  it('counts what was destroyed in /metrics', async () => {
    const r = await api.call('/metrics', { as: 'audrey' });
    assert.equal(r.status, 200);
    const text = await r.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1]);
    assert.equal(value('shredproof_objects_destroyed_total\\{target="photos"\\}'), api.dataset.inScope.size);
    assert.equal(value('shredproof_bytes_destroyed_total\\{target="photos"\\}'), inScopeBytes);
    assert.ok(value('shredproof_phase_duration_seconds_count\\{phase="plan"\\}') >= 1);
    assert.equal(value('shredproof_phase_duration_seconds_count\\{phase="finalize"\\}'), 1);
    assert.match(text, /^shredproof_orders\{state="certified"\} 1$/m);
    assert.match(text, /^shredproof_queue_jobs\{state="waiting"\} 0$/m);
  });
});
