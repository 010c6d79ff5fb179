// `shredproof order attach-vendor-certificate`, `order dispose` and
// `order fetch` of a certified order that carries a vendor's bundle, against
// a live in-process API (real Redis, ledger, files, worker) and a second
// shredproof instance as the vendor, with its own key: the plan and the
// status show the artifact at the vendor with its lineage; the bundle goes up
// file by file and is attached (or refused, exit 1; bad usage, exit 2); bob
// signs held-by-vendor with a key made by `person keygen`; the fetched bundle
// verifies with `shredproof verify --bundle`, vendors/<artifact>/ included.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { approveSigned } from '../helpers/approvals.js';
import { addVendor } from '../../src/app/vendor-certificates.js';
import { createOrder } from '../../src/app/create-order.js';
import { executeOrder } from '../../src/app/execute-order.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { planOrder } from '../../src/app/plan-order.js';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';
import { demoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { runCli } from '../helpers/run-cli.js';

const ARTIFACT = 'copy-at-vendor';

describe('shredproof order: derived artifacts at a vendor', { timeout: 300_000 }, () => {
  let api: ApiHarness;
  let vendor: Harness;
  let dir: string;
  let id: string;
  let theirs: string;
  let bobKey: string;
  let as: (who: keyof ApiHarness['tokens'], ...args: string[]) => ReturnType<typeof runCli>;

  before(async () => {
    api = await startApiHarness({ objects: 20 });
    dir = mkdtempSync(join(tmpdir(), 'sp-order-derived-cli-'));
    as = (who, ...args) => runCli(...args, '--server', api.url, '--token', api.tokens[who]);
    // bob makes his own key; the server's machine registers its public half.
    assert.equal((await runCli('person', 'keygen', '--name', 'bob', '--dir', join(dir, 'keys'))).code, 0);
    const set = await runCli('person', 'set-key', '--name', 'bob', '--public-key', join(dir, 'keys', 'bob.pub.pem'), '--data-dir', api.config.dataDir);
    assert.equal(set.code, 0, set.stderr);
    bobKey = join(dir, 'keys', 'bob.key.pem');
    const registered = await api.call('/v1/artifacts', {
      method: 'POST',
      json: { name: ARTIFACT, kind: 'vendor-copy', description: 'the photos sent to Vendor Inc', location: { vendor: 'Vendor Inc', description: 'their photo store' }, inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }] },
    });
    assert.equal(registered.status, 201, await registered.text());
    id = ((await (await api.call('/v1/orders', { method: 'POST', json: { ...(demoOrder('photos') as object), includeDerived: true } })).json()) as { id: string }).id;
    // The vendor: another shredproof, its own key, ledger and people, runs an order that names ours.
    vendor = await startHarness({ objects: 6 });
    vendor.runtime.coordinator.start();
    const deps = vendor.runtime.deps;
    const vo = await createOrder(deps, { ...(demoOrder('photos') as object), reference: `Deletion of the photos received from Example Corp under their order ${id}` }, 'vera');
    approveSigned(deps, vo.id, 'victor', (await planOrder(deps, vo.id, 'vera')).planRoot);
    executeOrder(deps, vo.id, 'vera');
    assert.match((await vendor.runtime.coordinator.waitFor(vo.id)).state, /^certified/);
    theirs = certificateFiles(vendor.config.dataDir, vo.id).dir;
    // Pinned once, on the server's machine, as `shredproof vendor add` does.
    addVendor(api.runtime.deps, { name: 'Vendor Inc', trustJson: readFileSync(join(theirs, 'trust.json'), 'utf8') }, 'root');
  });
  after(async () => {
    await vendor?.close();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('order plan shows the artifact at the vendor with its lineage, on one line', async () => {
    const r = await as('alice', 'order', 'plan', id);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^  derived ${ARTIFACT} \\(vendor-copy\\): photos > ${ARTIFACT}; at vendor Vendor Inc; no vendor certificate; no disposition yet$`, 'm'));
  });

  it('dispose --held-by-vendor before a certificate is attached: exit 1, saying what to do; bad usage: exit 2', async () => {
    const early = await as('bob', 'order', 'dispose', id, '--artifact', ARTIFACT, '--held-by-vendor', '--key', bobKey);
    assert.equal(early.code, 1, early.stderr);
    assert.match(early.stderr, /no vendor certificate is attached for copy-at-vendor: attach it first \(shredproof order attach-vendor-certificate/);
    const both = await as('bob', 'order', 'dispose', id, '--artifact', ARTIFACT, '--held-by-vendor', '--retain', 'why', '--key', bobKey);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give one of --retain TEXT and --held-by-vendor/);
    assert.equal((await as('bob', 'order', 'dispose', id, '--artifact', ARTIFACT, '--held-by-vendor', '--key', join(dir, 'nope.pem'))).code, 2);
  });

  it('attach-vendor-certificate: bad bundles are refused before sending (exit 2) or by the server (exit 1)', async () => {
    const missing = await as('alice', 'order', 'attach-vendor-certificate', id, '--artifact', ARTIFACT, '--bundle', join(dir, 'no-such-dir'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--bundle .*no-such-dir: no such directory/);
    const tampered = join(dir, 'tampered');
    cpSync(theirs, tampered, { recursive: true });
    writeFileSync(join(tampered, 'records.ndjson'), readFileSync(join(tampered, 'records.ndjson'), 'utf8').replace(/"size":(\d+)/, (_, s) => `"size":${Number(s) + 1}`));
    writeFileSync(join(tampered, 'README.txt'), 'not a bundle file');
    // vendors/ is walked (test/http/api-vendor-chain.test.ts sends a real one): what is not a bundle's is named, not sent.
    mkdirSync(join(tampered, 'vendors', 'x'), { recursive: true });
    writeFileSync(join(tampered, 'vendors', 'x', 'notes.txt'), 'not a bundle file');
    const t = await as('alice', 'order', 'attach-vendor-certificate', id, '--artifact', ARTIFACT, '--bundle', tampered);
    assert.equal(t.code, 1, t.stderr);
    assert.match(t.stderr, /^not sent, not files of a certificate bundle: README\.txt, vendors\/x\/notes\.txt$/m);
    assert.doesNotMatch(t.stderr, /^sent vendors\//m);
    assert.match(t.stderr, /refused by the server: 409 VENDOR_CERTIFICATE_REFUSED: .*does not verify: MERKLE_ROOT_MISMATCH/);
  });

  it('attach-vendor-certificate sends each file and prints the evidence; dispose --held-by-vendor signs over it; status shows both', async () => {
    const a = await as('alice', 'order', 'attach-vendor-certificate', id, '--artifact', ARTIFACT, '--bundle', theirs);
    assert.equal(a.code, 0, a.stderr);
    for (const f of readdirSync(theirs)) assert.match(a.stderr, new RegExp(`^sent ${f.replace('.', '\\.')} \\(\\d+ bytes\\)$`, 'm'));
    assert.match(a.stdout, new RegExp(`^attached to ${ARTIFACT} of ${id}: certificate \\S+ of Vendor Inc, signed by key ${vendor.runtime.deps.signer.keyid}$`, 'm'));
    // What the vendor's certificate says of its own run, for the approver who decides next.
    assert.match(a.stdout, /^  the vendor's run: complete: planned \d+, destroyed \d+, retained \d+, exceptions 0$/m);
    const d = await as('bob', 'order', 'dispose', id, '--artifact', ARTIFACT, '--held-by-vendor', '--key', bobKey, '--json');
    assert.equal(d.code, 0, d.stderr);
    const entry = JSON.parse(d.stdout).plan.derived.find((x: { artifact: string }) => x.artifact === ARTIFACT);
    assert.deepEqual([entry.disposition.disposition, entry.disposition.signedBy.person], ['held-by-vendor', 'bob']);
    const s = await as('audrey', 'order', 'status', id);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, new RegExp(`^  derived ${ARTIFACT} \\(vendor-copy\\): photos > ${ARTIFACT}; at vendor Vendor Inc; vendor certificate \\S+ \\(key [0-9a-f]{64}\\) attached: complete \\(planned \\d+, destroyed \\d+, retained \\d+, exceptions 0\\); held-by-vendor signed by bob \\(key [0-9a-f]{64}\\)$`, 'm'));
  });

  it('the order is certified; fetch writes vendors/<artifact>/, and `verify --bundle` finds it all VALID', async () => {
    const root = ((await (await api.call(`/v1/orders/${id}`, { as: 'audrey' })).json()) as { plan: { root: string } }).plan.root;
    assert.equal((await as('bob', 'order', 'approve', id, '--plan-root', root, '--key', bobKey)).code, 0);
    assert.equal((await as('alice', 'order', 'execute', id)).code, 0);
    const w = await as('audrey', 'order', 'wait', id, '--timeout', '120');
    assert.equal(w.code, 0, w.stdout + w.stderr);
    const out = join(dir, 'fetched');
    const f = await as('audrey', 'order', 'fetch', id, '--out', out, '--json');
    assert.equal(f.code, 0, f.stderr);
    const vendorFiles = readdirSync(theirs).sort();
    assert.deepEqual(
      (JSON.parse(f.stdout).files as string[]).filter((x) => x.startsWith('vendors/')).sort(),
      vendorFiles.map((x) => `vendors/${ARTIFACT}/${x}`),
    );
    for (const x of vendorFiles) assert.deepEqual(readFileSync(join(out, 'vendors', ARTIFACT, x)), readFileSync(join(theirs, x)), x);
    const keyid = api.runtime.deps.signer.keyid;
    const v = await runCli('verify', '--bundle', out, '--keyid', keyid);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^VALID \(/);
    // Every file of the vendor's bundle is checked, as a bundle of its own.
    for (const x of vendorFiles) assert.match(v.stdout, new RegExp(`^  vendors/${ARTIFACT}/${x.replace('.', '\\.')} +VALID: `, 'm'), x);
    assert.match(v.stdout, /HELD BY VENDOR Vendor Inc: its certificate /);
    // Fetched again into the same place: refused, naming the file; --force overwrites.
    assert.equal((await as('audrey', 'order', 'fetch', id, '--out', out)).code, 2);
    assert.equal((await as('audrey', 'order', 'fetch', id, '--out', out, '--force')).code, 0);
  });
});
