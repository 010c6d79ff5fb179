// examples/order.json, exactly as written, run end to end against real
// services: the example backends are pointed at a temp directory (for
// /srv/photos), s3rver, a fresh PostgreSQL database and a redis-server of the
// test's own. The certificate must verify independently and match what the
// test itself put in each store.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CreateBucketCommand, ListObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parseBackendsConfig } from '../../src/config/backends-config.js';
import { canonicalize, parseRecordLine } from '../../packages/verify/src/core/index.js';
import { OwnRedis } from '../helpers/redis-server.js';
import { S3RVER_CREDENTIALS, TestS3 } from '../helpers/s3rver.js';
import { assertIndependentlyValid, runOrder } from '../helpers/order-runner.js';
import { requireRedis } from '../helpers/services.js';

const PG_ADMIN = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const example = (f: string) => JSON.parse(readFileSync(new URL(`../../examples/${f}`, import.meta.url), 'utf8'));

describe('examples/order.json across files, S3, PostgreSQL and Redis', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-example-'));
  const cleanups: Array<() => Promise<unknown>> = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs as written, and its certificate verifies independently and matches every store', async () => {
    await requireRedis();
    const expected = new Map<string, string>(); // "target locator" -> sha256
    const users = ['u-1001', 'u-1002', 'u-1007'];
    const inScope = (user: string) => user !== 'u-1007';

    // /srv/photos
    const root = join(dir, 'photos');
    for (const u of users) {
      mkdirSync(join(root, 'cohort-7', u), { recursive: true });
      writeFileSync(join(root, 'cohort-7', u, 'p1.jpg'), `photo of ${u}`);
      if (inScope(u)) expected.set(`photos cohort-7/${u}/p1.jpg`, sha(`photo of ${u}`));
    }
    mkdirSync(join(root, 'cohort-8'), { recursive: true });
    writeFileSync(join(root, 'cohort-8', 'other.jpg'), 'not in the order');

    // the archive bucket
    const s3 = await TestS3.start();
    cleanups.push(() => s3.stop());
    await s3.client.send(new CreateBucketCommand({ Bucket: 'user-photo-archive' }));
    for (const key of [...users.map((u) => `cohort-7/${u}/p1.jpg`), 'cohort-8/other.jpg']) {
      await s3.client.send(new PutObjectCommand({ Bucket: 'user-photo-archive', Key: key, Body: `archived ${key}` }));
      if (key.startsWith('cohort-7/') && !key.includes('u-1007')) expected.set(`photo-archive ${key}#null`, sha(`archived ${key}`));
    }

    // the accounts database: a fresh database with public.user_photos
    const dbName = `sp_example_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
      await admin.end();
    });
    const dbUrl = PG_ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    cleanups.push(() => db.end());
    await db.query('CREATE TABLE public.user_photos (id integer PRIMARY KEY, account text NOT NULL, cohort integer NOT NULL, photo bytea NOT NULL)');
    let id = 0;
    for (const [account, cohort] of [...users.map((u) => [u, 7] as const), ['u-2001', 8] as const]) {
      const photo = Buffer.from(`row photo ${account}`);
      await db.query('INSERT INTO public.user_photos VALUES ($1, $2, $3, $4)', [++id, account, cohort, photo]);
      if (cohort === 7 && inScope(account)) {
        expected.set(`accounts-db public.user_photos:{"id":${id}}`, sha(canonicalize({ account, cohort, id, photo: photo.toString('base64') })));
      }
    }

    // the face cache: a redis-server of the test's own, keys under the configured prefix "app:"
    const cache = await OwnRedis.start(false);
    cleanups.push(() => cache.stop());
    const cacheClient = new Redis(cache.url);
    cleanups.push(async () => cacheClient.disconnect());
    for (const key of [...users.map((u) => `face:cohort-7:${u}:emb`), 'face:cohort-8:u-2001:emb', 'session:xyz']) {
      const value = Buffer.from(`embedding ${key}`);
      await cacheClient.set(`app:${key}`, value);
      if (key.startsWith('face:cohort-7:') && !key.includes('u-1007')) {
        expected.set(`face-cache ${key}`, sha(canonicalize({ type: 'string', value: value.toString('base64') })));
      }
    }

    // the example configuration, pointed at these stores; secrets through the variables it names
    const raw = example('backends.json');
    raw.backends.photos.root = root;
    Object.assign(raw.backends['photo-archive'], { endpoint: s3.endpoint, forcePathStyle: true });
    const backends = parseBackendsConfig(raw, 'examples/backends.json');
    Object.assign(process.env, {
      ARCHIVE_S3_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      ARCHIVE_S3_SECRET: S3RVER_CREDENTIALS.secretAccessKey,
      ACCOUNTS_DB_URL: dbUrl,
      FACE_CACHE_REDIS_URL: cache.url,
    });
    const { done, plan, files } = await runOrder(dir, backends, example('order.json'), cleanups, { creator: 'compliance-lead', approver: 'general-counsel' });
    assert.equal(plan.count, 12);
    assert.equal(done.state, 'certified', done.failure ?? '');
    assertIndependentlyValid(files.dir);
    const records = readFileSync(files.records, 'utf8').trimEnd().split('\n').map((l) => parseRecordLine(l));
    assert.deepEqual(records.map((r) => `${r.target} ${r.locator}`).sort(), [...expected.keys()].sort());
    for (const r of records) assert.equal(r.sha256, expected.get(`${r.target} ${r.locator}`), `${r.target} ${r.locator}`);

    // what was held or outside the order is still everywhere
    assert.ok(existsSync(join(root, 'cohort-7/u-1007/p1.jpg')) && existsSync(join(root, 'cohort-8/other.jpg')));
    assert.ok(!existsSync(join(root, 'cohort-7/u-1001/p1.jpg')));
    const objects = await s3.client.send(new ListObjectsCommand({ Bucket: 'user-photo-archive' }));
    assert.deepEqual((objects.Contents ?? []).map((o) => o.Key).sort(), ['cohort-7/u-1007/p1.jpg', 'cohort-8/other.jpg']);
    const rows = await db.query('SELECT account FROM public.user_photos ORDER BY id');
    assert.deepEqual(rows.rows.map((r: { account: string }) => r.account), ['u-1007', 'u-2001']);
    assert.deepEqual((await cacheClient.keys('*')).sort(), ['app:face:cohort-7:u-1007:emb', 'app:face:cohort-8:u-2001:emb', 'app:session:xyz']);
  });
});
