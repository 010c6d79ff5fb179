// Issue 16's test on real stores: an order over the users' photos (files)
// with includeDerived, whose lineage holds a face model trained on the photos
// and one fine-tuned from it (an S3 bucket on s3rver), an embeddings table in
// PostgreSQL (one row per photo, a real[] vector; registered with the
// manifest of exactly the photos it was computed from), a feature cache in
// Redis (one hash per photo), and a copy a labelling vendor holds. The plan
// lists all five with their lineage paths; execution destroys the four local
// ones with the hashes this test computed itself from the bytes and rows it
// wrote (docs/backends/s3.md, sql.md, redis.md), and leaves unrelated objects,
// rows and keys alone; the vendor copy blocks the certificate until the
// vendor's own certificate (a second shredproof, its own key) is attached
// and an approver signs held-by-vendor over it. The certificate verifies
// (core, CLI and the python checker, the vendor's bundle recursively) and its
// derived section accounts for all five, plus an artifact registered after the
// plan, reported not-in-plan and left alone. Refused along the way: a lineage
// cycle, a vendor certificate that is forged, pinned to another key, or for
// another order.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parseRecordLine, signDisposition, trustedKey, ValidationError, type VendorEvidence } from '../../packages/verify/src/core/index.js';
import { registerArtifact, uploadManifest } from '../../src/app/artifacts.js';
import { createOrder } from '../../src/app/create-order.js';
import { disposeArtifact } from '../../src/app/dispositions.js';
import { RuleError } from '../../src/app/errors.js';
import { executeOrder } from '../../src/app/execute-order.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { planOrder } from '../../src/app/plan-order.js';
import { plannedArtifacts } from '../../src/app/plan-targets.js';
import type { OrderRow } from '../../src/app/ports/orders.js';
import { FINAL_STATES } from '../../src/app/ports/orders.js';
import { addVendor, attachVendorCertificate, checkVendorDir } from '../../src/app/vendor-certificates.js';
import { approveSigned, ensurePerson } from '../helpers/approvals.js';
import { readCertificateView } from '../helpers/certificate-checks.js';
import { demoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { independentCheck } from '../helpers/independent-check.js';
import { buildGoCheck, goCheck } from '../interop/go-check-helpers.js';
import { runCli } from '../helpers/run-cli.js';
import { S3RVER_CREDENTIALS, TestS3 } from '../helpers/s3rver.js';
import { dropPrefix, freshPrefix, REDIS_URL } from '../helpers/services.js';

const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const VENDOR = 'Labelling Vendor';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The order once in a final state; an assertion saying where it stopped if it is not there within `ms`. */
async function settled(v: Harness, id: string, ms = 90_000): Promise<OrderRow> {
  const deadline = Date.now() + ms;
  for (;;) {
    const o = v.runtime.deps.ledger.getOrder(id)!;
    if ((FINAL_STATES as readonly string[]).includes(o.state)) return o;
    assert.ok(Date.now() < deadline, `order ${id} is still ${o.state} after ${ms / 1000} s: ${o.failure ?? ''}`);
    await sleep(200);
  }
}

/** RFC 6962 section 2.1, written here from the RFC: the root of a manifest's lines. */
function mth(lines: Buffer[]): Buffer {
  if (lines.length === 1) return createHash('sha256').update(Buffer.from([0])).update(lines[0]!).digest();
  let k = 1;
  while (k * 2 < lines.length) k *= 2;
  return createHash('sha256').update(Buffer.from([1])).update(mth(lines.slice(0, k))).update(mth(lines.slice(k))).digest();
}

/** A photo's embedding: four values of at most three decimals, which a real holds and prints exactly so. */
const embeddingOf = (photoSha: string) => [0, 1, 2, 3].map((i) => (parseInt(photoSha.slice(i * 2, i * 2 + 2), 16) - 128) / 125).map((x) => Math.round(x * 1000) / 1000);

/** A row's content bytes by docs/backends/sql.md, written out by hand: RFC 8785 JSON of every column, members sorted. */
const rowText = (id: number, photo: string, embedding: number[]) => `{"embedding":[${embedding.map((x) => JSON.stringify(x)).join(',')}],"id":${id},"photo":${JSON.stringify(photo)}}`;

/** A hash's content bytes by docs/backends/redis.md, written out by hand: base64 fields and values, members sorted by code unit. */
function redisHashText(fields: Record<string, Buffer>): string {
  const b64 = Object.entries(fields).map(([f, v]) => [Buffer.from(f).toString('base64'), v.toString('base64')] as const);
  b64.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{"fields":{${b64.map(([f, v]) => `"${f}":"${v}"`).join(',')}},"type":"hash"}`;
}

describe('an order that reaches models in S3, embeddings in PostgreSQL, a Redis cache and a vendor copy (issue 16)', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-derived-stores-'));
  const envNames = { pg: `SP_DERIVED_PG_${randomUUID().slice(0, 8)}`, redis: `SP_DERIVED_REDIS_${randomUUID().slice(0, 8)}`, s3id: 'SP_DERIVED_S3_ID', s3secret: 'SP_DERIVED_S3_SECRET' };
  const schema = `sp_derived_${randomUUID().slice(0, 8)}`;
  const cachePrefix = `${freshPrefix()}-cache`;
  let s3: TestS3;
  let bucket: string;
  let db: pg.Client;
  let redis: Redis;
  let h: Harness;
  let vendor: Harness | undefined;
  let impostor: Harness | undefined;
  /** `${target} ${locator}` -> the SHA-256 this test computed from what it wrote. */
  const expected = new Map<string, string>();
  /** The models bucket: the two face models' files go, the press-kit model's stays. */
  const models: Record<string, Buffer> = {
    'face-v1/weights.bin': Buffer.from('weights of the face model, version 1'),
    'face-v1/config.json': Buffer.from('{"layers": 12, "trained_on": "users/**"}'),
    'face-v1-ft/weights.bin': Buffer.from('weights fine-tuned from face-model-v1'),
    'logo-model/weights.bin': Buffer.from('a model of the press kit only'),
  };
  /** What must survive, with its content bytes: embedding rows not derived from user photos (by photo), cache keys (by locator). */
  const survivingRows = new Map<string, string>();
  const survivingKeys = new Map<string, string>();
  let userPhotos: string[] = [];
  let order: OrderRow;
  /** The steps below build on each other: each records that it passed, and the next one starts by checking it. */
  let passed = 0;
  const requireStep = (step: number) => assert.equal(passed, step, `step ${step} did not pass: this one builds on it`);
  /** The certificate, once issued, and the SHA-256 of its trust root (the pin). */
  let certDir = '';
  let trustSha = '';

  before(async () => {
    s3 = await TestS3.start();
    bucket = await s3.freshBucket();
    for (const [key, body] of Object.entries(models)) {
      await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      const target = key.startsWith('face-v1/') ? 'derived:face-model-v1' : key.startsWith('face-v1-ft/') ? 'derived:face-model-v1-ft' : undefined;
      if (target) expected.set(`${target} ${key}#null`, sha256(body));
    }
    db = new pg.Client({ connectionString: PG_URL });
    await db.connect().catch((e: Error) => {
      throw new Error(`PostgreSQL is not reachable at ${PG_URL} (scripts/services.sh starts it): ${e.message}`);
    });
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(`CREATE TABLE ${schema}.embeddings (id integer PRIMARY KEY, photo text NOT NULL, embedding real[] NOT NULL)`);
    redis = new Redis(REDIS_URL);
    process.env[envNames.pg] = PG_URL;
    process.env[envNames.redis] = REDIS_URL;
    process.env[envNames.s3id] = S3RVER_CREDENTIALS.accessKeyId;
    process.env[envNames.s3secret] = S3RVER_CREDENTIALS.secretAccessKey;
    h = await startHarness({
      objects: 8,
      extraBackends: {
        models: { kind: 's3', bucket, endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', accessKeyIdEnv: envNames.s3id, secretAccessKeyEnv: envNames.s3secret },
        vectors: { kind: 'postgres', urlEnv: envNames.pg },
        features: { kind: 'redis', urlEnv: envNames.redis, keyPrefix: `${cachePrefix}:` },
      },
    });
    h.runtime.coordinator.start();
    const ds = h.dataset;
    for (const [l, s] of ds.inScope) expected.set(`photos ${l}`, s);
    // Every photo has a row and a cache entry, the held user's and the press kit's too.
    const photos = [...ds.inScope, ...ds.held, ...ds.outOfScope].sort(([a], [b]) => (a < b ? -1 : 1));
    userPhotos = photos.map(([l]) => l).filter((l) => l.startsWith('users/'));
    for (const [i, [photo, photoSha]] of photos.entries()) {
      const id = i + 1;
      const embedding = embeddingOf(photoSha);
      await db.query(`INSERT INTO ${schema}.embeddings VALUES ($1, $2, $3)`, [id, photo, embedding]);
      const row = rowText(id, photo, embedding);
      if (photo.startsWith('users/')) expected.set(`derived:photo-embeddings ${schema}.embeddings:{"id":${id}}`, sha256(row));
      else survivingRows.set(photo, row);
      const fields = { vec: Buffer.from(new Float32Array(embedding).buffer), faces: Buffer.from(String(id % 3)), model: Buffer.from('features-v3') };
      await redis.hset(`${cachePrefix}:feat:${photo}`, fields);
      if (photo.startsWith('users/')) expected.set(`derived:photo-features feat:${photo}`, sha256(redisHashText(fields)));
      else survivingKeys.set(`feat:${photo}`, redisHashText(fields));
    }
    await redis.set(`${cachePrefix}:session:42`, 'not derived from any photo');
    survivingKeys.set('session:42', '{"type":"string","value":"bm90IGRlcml2ZWQgZnJvbSBhbnkgcGhvdG8="}');

    const deps = h.runtime.deps;
    const register = (x: unknown) => registerArtifact(deps, x, 'trainer');
    const users = { scope: { backend: 'photos', scope: { include: ['users/**'] } } };
    await register({ name: 'face-model-v1', kind: 'model', description: 'face recognition, trained on the users\' photos', location: { backend: 'models', scope: { prefixes: ['face-v1/'] } }, inputs: [users] });
    await register({ name: 'logo-model', kind: 'model', description: 'trained on the press kit only', location: { backend: 'models', scope: { prefixes: ['logo-model/'] } }, inputs: [{ scope: { backend: 'photos', scope: { include: ['press-kit/**'] } } }] });
    await register({ name: 'face-model-v1-ft', kind: 'model', description: 'fine-tuned from face-model-v1', location: { backend: 'models', scope: { prefixes: ['face-v1-ft/'] } }, inputs: [{ artifact: 'face-model-v1' }] });
    // The embeddings were computed from exactly these photos: the manifest's root, computed here from the RFC.
    const lines = userPhotos.map((l) => `{"backend":"photos","locator":${JSON.stringify(l)},"sha256":"${ds.inScope.get(l) ?? ds.held.get(l)}"}`);
    const manifest = { treeSize: lines.length, rootHash: mth(lines.map((l) => Buffer.from(l))).toString('hex') };
    const embeddingsScope = { table: `${schema}.embeddings`, where: [{ column: 'photo', op: 'prefix', value: 'users/' }] };
    await register({ name: 'photo-embeddings', kind: 'embeddings', description: 'one face embedding per photo', location: { backend: 'vectors', scope: embeddingsScope }, inputs: [{ manifest }] });
    await uploadManifest(deps, 'photo-embeddings', (async function* () {
      yield* lines;
    })(), 'trainer');
    await register({ name: 'photo-features', kind: 'cache', description: 'features computed per photo', location: { backend: 'features', scope: { match: ['feat:users/*'] } }, inputs: [users] });
    await register({ name: 'labels-at-vendor', kind: 'vendor-copy', description: 'photos sent for labelling', location: { vendor: VENDOR, description: 'the vendor\'s intake bucket' }, inputs: [users] });
  });

  after(async () => {
    await impostor?.close();
    await vendor?.close();
    await h?.close();
    await s3?.stop();
    await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await db?.end();
    redis?.disconnect();
    await dropPrefix(cachePrefix).catch(() => undefined);
    for (const v of Object.values(envNames)) delete process.env[v];
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a lineage cycle: an artifact naming itself, or an input not registered yet (the only way to close a loop)', async () => {
    const deps = h.runtime.deps;
    const at = { backend: 'models', scope: { prefixes: ['loop/'] } };
    const fields = async (x: unknown) => {
      const e = await registerArtifact(deps, x, 'trainer').then(
        () => undefined,
        (err: unknown) => err,
      );
      assert.ok(e instanceof ValidationError, String(e));
      return e.fields;
    };
    const self = await fields({ name: 'loop-model', kind: 'model', description: 'its own input', location: at, inputs: [{ artifact: 'face-model-v1' }, { artifact: 'loop-model' }] });
    assert.deepEqual(self.map((f) => f.path), ['$.inputs[1].artifact']);
    assert.match(self[0]!.problem, /cycle/);
    const ahead = await fields({ name: 'loop-a', kind: 'model', description: 'a <- b', location: at, inputs: [{ artifact: 'loop-b' }] });
    assert.deepEqual(ahead.map((f) => f.path), ['$.inputs[0].artifact']);
    assert.match(ahead[0]!.problem, /no artifact named loop-b is registered/);
    assert.deepEqual(['loop-model', 'loop-a'].map((n) => deps.ledger.artifacts.artifact(n)), [undefined, undefined]);
    const registered = deps.ledger.access.audit().filter((e) => e.action === 'artifact.register').map((e) => e.detail?.split(' ')[1]);
    assert.deepEqual(registered, ['face-model-v1', 'logo-model', 'face-model-v1-ft', 'photo-embeddings', 'photo-features', 'labels-at-vendor']);
  });

  it('plans all five with their lineage paths, and not the press-kit model', async () => {
    const deps = h.runtime.deps;
    order = await createOrder(deps, { ...(demoOrder('photos') as object), includeDerived: true }, 'alice');
    const plan = await planOrder(deps, order.id, 'alice');
    assert.deepEqual(plan.findings, []);
    assert.deepEqual(
      plan.derived.map((a) => [a.artifact, a.lineage.join(' > '), 'target' in a.location ? a.location.target : `vendor ${a.location.vendor}`]),
      [
        ['face-model-v1', 'photos > face-model-v1', 'derived:face-model-v1'],
        ['face-model-v1-ft', 'photos > face-model-v1 > face-model-v1-ft', 'derived:face-model-v1-ft'],
        ['photo-embeddings', 'photos > photo-embeddings', 'derived:photo-embeddings'],
        ['photo-features', 'photos > photo-features', 'derived:photo-features'],
        ['labels-at-vendor', 'photos > labels-at-vendor', `vendor ${VENDOR}`],
      ],
    );
    const n = userPhotos.length;
    assert.deepEqual(
      Object.entries(plan.targets).map(([t, p]) => [t, p.objects]),
      [['photos', 8], ['derived:face-model-v1', 2], ['derived:face-model-v1-ft', 1], ['derived:photo-embeddings', n], ['derived:photo-features', n]],
    );
    approveSigned(deps, order.id, 'bob', plan.planRoot);
    // Registered after the plan, derived from the fine-tuned model: not destroyed by this order, and reported.
    await redis.hset(`${cachePrefix}:cluster:0`, { centroid: 'faces clustered after the plan' });
    survivingKeys.set('cluster:0', redisHashText({ centroid: Buffer.from('faces clustered after the plan') }));
    await registerArtifact(deps, { name: 'face-clusters', kind: 'vector-index', description: 'clusters of the fine-tuned model\'s embeddings', location: { backend: 'features', scope: { match: ['cluster:*'] } }, inputs: [{ artifact: 'face-model-v1-ft' }] }, 'trainer');
    assert.deepEqual(plannedArtifacts(deps.ledger.getOrder(order.id)!).map((a) => a.artifact), plan.derived.map((a) => a.artifact), 'the plan is not changed by it');
    passed = 2;
  });

  it('destroys the four local artifacts and the photos, leaves unrelated objects, rows and keys, and waits for the vendor copy\'s disposition', async () => {
    requireStep(2);
    const deps = h.runtime.deps;
    executeOrder(deps, order.id, 'alice');
    const deadline = Date.now() + 90_000;
    let o = deps.ledger.getOrder(order.id)!;
    while (!(o.state === 'finalizing' && o.failure) && Date.now() < deadline) {
      await sleep(200);
      o = deps.ledger.getOrder(order.id)!;
    }
    assert.equal(o.state, 'finalizing', JSON.stringify({ state: o.state, failure: o.failure, progress: deps.ledger.progress(order.id) }));
    assert.equal(o.failure, `no certificate yet: derived artifact(s) with no disposition: labels-at-vendor (vendor-copy, at vendor ${VENDOR}; derived photos -> labels-at-vendor). An approver must give each one (docs/ORDERS.md "Derived artifacts")`);
    assert.equal(deps.ledger.certificate(order.id), undefined, 'no certificate');

    const left = await s3.client.send(new ListObjectsCommand({ Bucket: bucket }));
    assert.deepEqual((left.Contents ?? []).map((c) => c.Key), ['logo-model/weights.bin']);
    const rows = await db.query<{ photo: string; embedding: number[] }>(`SELECT photo, embedding FROM ${schema}.embeddings ORDER BY id`);
    assert.deepEqual(rows.rows.map((r) => r.photo), [...survivingRows.keys()]);
    const keys = (await redis.keys(`${cachePrefix}:*`)).map((k) => k.slice(cachePrefix.length + 1)).sort();
    assert.deepEqual(keys, [...survivingKeys.keys()].sort());
    assert.equal(await redis.hget(`${cachePrefix}:cluster:0`, 'centroid'), 'faces clustered after the plan');
    for (const l of h.dataset.inScope.keys()) assert.equal(existsSync(join(h.dataset.root, l)), false, l);
    for (const l of [...h.dataset.held.keys(), ...h.dataset.outOfScope.keys()]) assert.equal(existsSync(join(h.dataset.root, l)), true, l);
    passed = 3;
  });

  it('refuses a vendor certificate that is not pinned, pinned to another key, forged or for another order; attaches the vendor\'s own', async () => {
    requireStep(3);
    const deps = h.runtime.deps;
    vendor = await startHarness({ objects: 6 });
    impostor = await startHarness({ objects: 3 });
    vendor.runtime.coordinator.start();
    impostor.runtime.coordinator.start();
    // Each vendor order destroys the vendor's photos afresh (put back from a copy), so that each certificate has records.
    const store = join(vendor.dir, 'store-copy');
    cpSync(vendor.dataset.root, store, { recursive: true });
    const certify = async (v: Harness, reference: string) => {
      if (v === vendor) cpSync(store, v.dataset.root, { recursive: true });
      const vo = await createOrder(v.runtime.deps, { ...(demoOrder('photos') as object), reference }, 'vera');
      const vp = await planOrder(v.runtime.deps, vo.id, 'vera');
      approveSigned(v.runtime.deps, vo.id, 'victor', vp.planRoot);
      executeOrder(v.runtime.deps, vo.id, 'vera');
      assert.match((await settled(v, vo.id)).state, /^certified/);
      return certificateFiles(v.config.dataDir, vo.id).dir;
    };
    const theirs = await certify(vendor, `Deletion of the photos Example Corp sent for labelling, under its order ${order.id}`);
    // A certificate for another order, whose id merely starts with ours (ord-...-2): it does not name ours.
    const another = await certify(vendor, `Deletion under Example Corp order ${order.id}-2`);
    const impostors = await certify(impostor, `Deletion of the photos Example Corp sent for labelling, under its order ${order.id}`);
    const attach = (d: string) => attachVendorCertificate(deps, order.id, 'labels-at-vendor', d, 'alice');
    const refused = (d: string, pattern: RegExp) =>
      assert.rejects(attach(d), (e: unknown) => e instanceof RuleError && e.code === 'VENDOR_CERTIFICATE_REFUSED' && pattern.test(e.message));
    const copy = (from: string, name: string, change: (d: string) => void) => {
      const d = join(dir, name);
      cpSync(from, d, { recursive: true });
      change(d);
      return d;
    };

    await refused(theirs, /no vendor named "Labelling Vendor" is registered: pin it/);
    const vendorTrust = readFileSync(join(theirs, 'trust.json'), 'utf8');
    addVendor(deps, { name: VENDOR, trustJson: vendorTrust }, 'root');
    // Pinned to another key: the impostor's bundle, and the impostor's certificate dressed in the vendor's trust.json.
    await refused(impostors, /its trust\.json \(SHA-256 [0-9a-f]{64}\) is not the trust root Labelling Vendor is pinned to/);
    const dressed = copy(impostors, 'dressed', (d) => writeFileSync(join(d, 'trust.json'), vendorTrust));
    await refused(dressed, /it does not verify: PIN_MISMATCH: certificate\.json: no pinned key signed it/);
    // For another order.
    await refused(another, /certifies the vendor's order ".*-2", whose reference does not name ours .*: it covers another scope/);
    // Forged: that certificate's statement rewritten to name our order; a record of the right one changed.
    const renamed = copy(another, 'renamed', (d) => {
      const envelope = JSON.parse(readFileSync(join(d, 'certificate.json'), 'utf8')) as { payload: string };
      envelope.payload = Buffer.from(Buffer.from(envelope.payload, 'base64').toString('utf8').replace(`${order.id}-2`, order.id)).toString('base64');
      writeFileSync(join(d, 'certificate.json'), JSON.stringify(envelope, null, 2));
    });
    await refused(renamed, /it does not verify: SIGNATURE_INVALID: certificate\.json: /);
    const tampered = copy(theirs, 'tampered', (d) => writeFileSync(join(d, 'records.ndjson'), readFileSync(join(d, 'records.ndjson'), 'utf8').replace(/"sha256":"([0-9a-f])/, (_, c: string) => `"sha256":"${c === '0' ? '1' : '0'}`)));
    await refused(tampered, /it does not verify: MERKLE_ROOT_MISMATCH: records\.ndjson/);
    assert.equal(plannedArtifacts(deps.ledger.getOrder(order.id)!).find((a) => a.artifact === 'labels-at-vendor')!.vendorEvidence, undefined, 'nothing attached');

    const evidence = await attach(theirs);
    const vendorKey = trustedKey(vendor.runtime.deps.signer.publicKey).keyid;
    assert.deepEqual(evidence, {
      name: VENDOR,
      certificateId: evidence.certificateId,
      certificateSha256: sha256(readFileSync(join(theirs, 'certificate.json'))),
      keyid: vendorKey,
      trustSha256: sha256(vendorTrust),
    } satisfies VendorEvidence);
    assert.notEqual(vendorKey, trustedKey(deps.signer.publicKey).keyid, 'the vendor signs with its own key');
    // Attached but not decided: still no certificate.
    await sleep(600);
    assert.deepEqual([deps.ledger.getOrder(order.id)!.state, deps.ledger.certificate(order.id)], ['finalizing', undefined]);
    passed = 4;
  });

  it('certifies once an approver signs held-by-vendor: the certificate and the vendor\'s bundle verify, and the derived section accounts for all five', async () => {
    requireStep(4);
    const deps = h.runtime.deps;
    const o = deps.ledger.getOrder(order.id)!;
    const evidence = plannedArtifacts(o).find((a) => a.artifact === 'labels-at-vendor')!.vendorEvidence!;
    const bob = ensurePerson(deps, 'bob', 'approver');
    const sign = (vendorEvidence: VendorEvidence) =>
      signDisposition(bob, { orderId: order.id, orderSha256: o.documentSha256, artifact: 'labels-at-vendor', disposition: 'held-by-vendor', vendor: vendorEvidence }, { person: 'bob', signedAt: new Date().toISOString() });
    // Signed over another certificate's digests: refused.
    assert.throws(
      () => disposeArtifact(deps, order.id, 'labels-at-vendor', 'bob', { disposition: 'held-by-vendor', signature: sign({ ...evidence, certificateSha256: sha256('another certificate') }) }),
      (e: unknown) => e instanceof RuleError && e.code === 'DISPOSITION_REFUSED' && /the signature does not hold/.test(e.message),
    );
    const signature = sign(evidence);
    disposeArtifact(deps, order.id, 'labels-at-vendor', 'bob', { disposition: 'held-by-vendor', signature });
    const done = await settled(h, order.id);
    assert.equal(done.state, 'certified', done.failure ?? '');

    const cert = certificateFiles(h.config.dataDir, order.id);
    const s = await readCertificateView(cert.dir);
    assert.deepEqual(
      s.derivedArtifacts?.map((a) => [a.name, a.disposition, a.target, a.lineage.join(' > ')]),
      [
        ['face-model-v1', 'destroyed', 'derived:face-model-v1', 'photos > face-model-v1'],
        ['face-model-v1-ft', 'destroyed', 'derived:face-model-v1-ft', 'photos > face-model-v1 > face-model-v1-ft'],
        ['photo-embeddings', 'destroyed', 'derived:photo-embeddings', 'photos > photo-embeddings'],
        ['photo-features', 'destroyed', 'derived:photo-features', 'photos > photo-features'],
        ['labels-at-vendor', 'held-by-vendor', undefined, 'photos > labels-at-vendor'],
        ['face-clusters', 'not-in-plan', undefined, 'photos > face-model-v1 > face-model-v1-ft > face-clusters'],
      ],
    );
    const held = s.derivedArtifacts!.find((a) => a.name === 'labels-at-vendor')!;
    assert.deepEqual([held.vendor, held.signedBy], [evidence, { person: 'bob', keyid: bob.keyid, signedAt: signature.signedAt, signature: signature.signature }]);
    assert.deepEqual(
      s.targets.map((t) => [t.name, t.kind, t.planned, t.destroyed.count]),
      [
        ['photos', 'filesystem', 8, 7],
        ['derived:face-model-v1', 's3', 2, 2],
        ['derived:face-model-v1-ft', 's3', 1, 1],
        ['derived:photo-embeddings', 'postgres', userPhotos.length, userPhotos.length],
        ['derived:photo-features', 'redis', userPhotos.length, userPhotos.length],
      ],
    );
    // The re-scan finds only the held photo: nothing left behind in any artifact's store.
    assert.deepEqual([s.completeness.exceptions, s.rescan.items.map((i) => [i.target, i.locator, i.status])], [0, [['photos', [...h.dataset.held.keys()][0], 'held']]]);

    // One record per object, each with the hash this test computed from what it wrote, and nothing else.
    const records = readFileSync(cert.records, 'utf8').trimEnd().split('\n').map((l) => parseRecordLine(l));
    assert.deepEqual(records.map((r) => `${r.target} ${r.locator}`).sort(), [...expected.keys()].sort());
    const methods: Record<string, string> = { photos: 'unlink', 'derived:face-model-v1': 's3-delete-all-versions', 'derived:face-model-v1-ft': 's3-delete-all-versions', 'derived:photo-embeddings': 'sql-delete', 'derived:photo-features': 'redis-unlink' };
    for (const r of records) {
      assert.equal(r.sha256, expected.get(`${r.target} ${r.locator}`), `${r.target} ${r.locator}`);
      assert.equal(r.method, methods[r.target], r.target);
    }
    // What was not derived from the photos is there, unchanged.
    const rows = await db.query<{ id: number; photo: string; embedding: number[] }>(`SELECT id, photo, embedding FROM ${schema}.embeddings ORDER BY id`);
    assert.deepEqual(new Map(rows.rows.map((r) => [r.photo, rowText(r.id, r.photo, r.embedding)])), survivingRows);
    for (const [key, text] of survivingKeys) {
      const full = `${cachePrefix}:${key}`;
      const value = (await redis.type(full)) === 'string' ? `{"type":"string","value":"${(await redis.getBuffer(full))!.toString('base64')}"}` : redisHashText(await redis.hgetallBuffer(full));
      assert.equal(value, text, key);
    }
    const logo = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'logo-model/weights.bin' }));
    assert.deepEqual(Buffer.from(await logo.Body!.transformToByteArray()), models['logo-model/weights.bin']);

    // Our bundle carries the vendor's, bound by what our statement signed, and it verifies recursively.
    await checkVendorDir(join(cert.dir, 'vendors', 'labels-at-vendor'), held, order.id);
    certDir = cert.dir;
    trustSha = sha256(readFileSync(cert.trust));
    const cli = await runCli('verify', '--bundle', cert.dir, '--trust-sha256', trustSha);
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /^VALID \(.*, vendors\/labels-at-vendor\/certificate\.json, vendors\/labels-at-vendor\/records\.ndjson, /);
    for (const [name, kind, target, lineage] of [['face-model-v1', 'model', 'derived:face-model-v1', 'photos > face-model-v1'], ['face-model-v1-ft', 'model', 'derived:face-model-v1-ft', 'photos > face-model-v1 > face-model-v1-ft'], ['photo-embeddings', 'embeddings', 'derived:photo-embeddings', 'photos > photo-embeddings'], ['photo-features', 'cache', 'derived:photo-features', 'photos > photo-features']]) {
      assert.ok(cli.stdout.split('\n').includes(`  ${name} (${kind}): destroyed, its objects the records of target ${target}; lineage ${lineage}`), name);
    }
    assert.match(cli.stdout, new RegExp(`^  labels-at-vendor \\(vendor-copy\\): HELD BY VENDOR ${VENDOR}: its certificate ${evidence.certificateId}, signed by key ${evidence.keyid} .*; lineage photos > labels-at-vendor; decided by bob with their own key ${bob.keyid} .*in the trust root\\)$`, 'm'));
    // A record of the vendor's bundle changed inside ours: our statement binds only its certificate and
    // trust root, so this is found by checking the vendor's bundle again.
    const bad = join(dir, 'ours-with-bad-vendor');
    cpSync(cert.dir, bad, { recursive: true });
    const vendorRecords = join(bad, 'vendors', 'labels-at-vendor', 'records.ndjson');
    writeFileSync(vendorRecords, readFileSync(vendorRecords, 'utf8').replace(/"size":(\d+)/, (_, n: string) => `"size":${Number(n) + 1}`));
    await assert.rejects(checkVendorDir(join(bad, 'vendors', 'labels-at-vendor'), held, order.id), (e: unknown) => (e as { code?: string }).code === 'MERKLE_ROOT_MISMATCH');
    const badCli = await runCli('verify', '--bundle', bad, '--trust-sha256', trustSha);
    assert.notEqual(badCli.code, 0);
    assert.match(badCli.stdout + badCli.stderr, /MERKLE_ROOT_MISMATCH/);
    passed = 5;
  });

  it('every verifier accepts the certificate, the not-in-plan artifact included, and none calls that artifact retained or held', async () => {
    requireStep(5);
    // Each verifier's verdict is collected first, so that one failure does not hide another's.
    const problems: string[] = [];
    const [py, ossl, text] = independentCheck(certDir, { pin: ['--trust-sha256', trustSha] });
    if (py !== 0 || ossl !== 0 || !/^vendor vendors\/labels-at-vendor\/ OK: certificate \S+ signed by key [0-9a-f]{64}, for "/m.test(text)) problems.push(`python ${py}, openssl ${ossl}: ${text}`);
    buildGoCheck(join(dir, 'go-check'));
    const go = goCheck('--bundle', certDir);
    if (go.code !== 0 || !/^vendor: vendors\/labels-at-vendor\/, certificate \S+ signed by key [0-9a-f]{64}, for "/m.test(go.out)) problems.push(`go-check ${go.code}: ${go.out}`);
    const cli = await runCli('verify', '--bundle', certDir, '--trust-sha256', trustSha);
    const line = cli.stdout.split('\n').find((l) => l.startsWith('  face-clusters (vector-index): ')) ?? '(no line for face-clusters)';
    if (cli.code !== 0 || !/not[- ]in[- ](the |this )?plan/i.test(line) || /RETAINED|HELD/.test(line)) problems.push(`shredproof verify ${cli.code}: ${line}`);
    assert.deepEqual(problems, []);
  });
});
