// One order across several kinds of store, through the real queue, ledger and
// worker: the certificate covers every store, and it verifies independently
// (openssl + the python script written from FORMAT.md).
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ListObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import pg_ from 'pg';
import { composeCoordinator } from '../../src/main/coordinator.js';
import { composeWorker } from '../../src/main/worker.js';
import type { BackendsConfig } from '../../src/config/backends-config.js';
import { loadConfig } from '../../src/config/config.js';
import { canonicalize, parseRecordLine } from '../../packages/verify/src/core/index.js';
import { approveSigned } from '../helpers/approvals.js';
import { createOrder } from '../../src/app/create-order.js';
import { executeOrder } from '../../src/app/execute-order.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { planOrder } from '../../src/app/plan-order.js';
import { silentLogger } from '../../src/log.js';
import { generateKeys } from '../../src/adapters/keys/pem-keys.js';
import { independentCheck } from '../helpers/independent-check.js';
import { S3RVER_CREDENTIALS, TestS3 } from '../helpers/s3rver.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from '../helpers/services.js';

const pgClient = pg_.Client;
const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('an order across a filesystem, an S3 bucket and a PostgreSQL table', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-multi-'));
  let s3: TestS3 | undefined;
  let pg: InstanceType<typeof pgClient> | undefined;
  let dropSchema: (() => Promise<void>) | undefined;
  after(async () => {
    await s3?.stop();
    await dropSchema?.();
    await pg?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('destroys in both, keeps what is held or out of scope, and certifies it all in one verifiable certificate', async () => {
    await requireRedis();
    s3 = await TestS3.start();
    const bucket = await s3.freshBucket();
    const expected = new Map<string, string>(); // `${target} ${locator}` -> sha256
    // files
    const root = join(dir, 'files');
    for (const [name, inScope] of [['users/u1/a.jpg', true], ['users/u1/b.jpg', true], ['users/u2/d.jpg', true], ['users/legal/c.jpg', true], ['press/logo.png', false]] as const) {
      mkdirSync(join(root, name, '..'), { recursive: true });
      writeFileSync(join(root, name), `file ${name}`);
      if (inScope && !name.includes('legal')) expected.set(`photos ${name}`, sha(`file ${name}`));
    }
    // objects
    for (const [key, inScope] of [['users/u1/a.bin', true], ['users/u2/b.bin', true], ['users/legal/c.bin', true], ['public/site.css', false]] as const) {
      const body = Buffer.from(`object ${key}`);
      await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      if (inScope && !key.includes('legal')) expected.set(`archive ${key}`, sha(body));
    }
    // rows, in a fresh schema: content is RFC 8785 JSON of the row (docs/backends/sql.md)
    const schema = `sp_multi_${randomUUID().slice(0, 8)}`;
    pg = new pgClient({ connectionString: PG_URL });
    await pg.connect();
    await pg.query(`CREATE SCHEMA ${schema}`);
    await pg.query(`CREATE TABLE ${schema}.photos (id integer PRIMARY KEY, owner text NOT NULL, data bytea NOT NULL)`);
    dropSchema = async () => void (await pg!.query(`DROP SCHEMA ${schema} CASCADE`));
    for (const [id, owner] of [[1, 'u1'], [2, 'u2'], [3, 'legal'], [4, 'someone-else']] as const) {
      const data = Buffer.from(`row ${id}`);
      await pg.query(`INSERT INTO ${schema}.photos VALUES ($1, $2, $3)`, [id, owner, data]);
      if (owner === 'u1' || owner === 'u2') {
        expected.set(`db ${schema}.photos:{"id":${id}}`, sha(canonicalize({ data: data.toString('base64'), id, owner })));
      }
    }
    process.env.SP_TEST_PG_URL = PG_URL;
    process.env.SP_TEST_S3_ID = S3RVER_CREDENTIALS.accessKeyId;
    process.env.SP_TEST_S3_SECRET = S3RVER_CREDENTIALS.secretAccessKey;
    const backends: BackendsConfig = {
      photos: { kind: 'filesystem', root, threads: 2 },
      db: { kind: 'postgres', urlEnv: 'SP_TEST_PG_URL' },
      archive: { kind: 's3', bucket, endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', accessKeyIdEnv: 'SP_TEST_S3_ID', secretAccessKeyEnv: 'SP_TEST_S3_SECRET' },
    };
    const keys = await generateKeys(join(dir, 'keys'));
    const prefix = freshPrefix();
    const config = loadConfig({ DATA_DIR: join(dir, 'data'), REDIS_URL, SHREDPROOF_PREFIX: prefix, SHREDPROOF_KEY: keys.privateKeyPath, SHREDPROOF_ISSUER: 'test issuer', LOG_LEVEL: 'silent', SHREDPROOF_BATCH_SIZE: '2' });
    const log = silentLogger();
    const runtime = await composeCoordinator(config, backends, log, { intervalMs: 50 });
    const worker = await composeWorker(config, backends, log);
    try {
      const { deps, coordinator } = runtime;
      const order = await createOrder(
        deps,
        {
          reference: 'multi-store order (test)',
          targets: [
            { backend: 'photos', scope: { include: ['users/**'] } },
            { backend: 'archive', scope: { prefixes: ['users/'] } },
            { backend: 'db', scope: { table: `${schema}.photos`, where: [{ column: 'owner', op: 'in', values: ['u1', 'u2', 'legal'] }] } },
          ],
          holds: [
            { id: 'h-files', reason: 'litigation hold', target: 'photos', match: { include: ['users/legal/**'] } },
            { id: 'h-objects', reason: 'litigation hold', target: 'archive', match: { prefixes: ['users/legal/'] } },
            { id: 'h-rows', reason: 'litigation hold', target: 'db', match: { where: [{ column: 'owner', op: 'eq', value: 'legal' }] } },
          ],
        },
        'alice',
      );
      const plan = await planOrder(deps, order.id, 'alice');
      assert.equal(plan.count, 10);
      // The plan numbers the batches as it lists (3 files, 2 objects, 2 rows pending; batches of 2, none
      // spanning two targets), exactly as assignBatches numbers them over the same rows at execute.
      const batchOfSeq = () =>
        deps.ledger.pendingBatches(order.id).flatMap((b) => deps.ledger.batchItems(order.id, b).map((i) => [i.seq, b, i.target] as const));
      const fromPlan = batchOfSeq();
      assert.deepEqual(new Set(fromPlan.map(([, b, t]) => `${b} ${t}`)), new Set(['0 photos', '1 photos', '2 archive', '3 db']));
      assert.equal(fromPlan.length, 7);
      assert.equal(deps.ledger.plannedBatchCount(order.id), 4);
      assert.equal(deps.ledger.assignBatches(order.id, config.batchSize), 4);
      assert.deepEqual(batchOfSeq(), fromPlan);
      approveSigned(deps, order.id, 'bob', plan.planRoot);
      executeOrder(deps, order.id, 'alice');
      coordinator.start();
      const done = await coordinator.waitFor(order.id);
      assert.equal(done.state, 'certified', done.failure ?? '');

      const files = certificateFiles(config.dataDir, order.id);
      const [py, ossl, text] = independentCheck(files.dir);
      assert.equal(py, 0, text);
      assert.equal(ossl, 0, text);
      const lines = readFileSync(files.records, 'utf8').trimEnd().split('\n');
      const got = new Map(lines.map((l) => parseRecordLine(l)).map((r) => [`${r.target} ${r.locator.replace(/#null$/, '')}`, r]));
      assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
      for (const [k, r] of got) {
        assert.equal(r.sha256, expected.get(k), k);
        assert.equal(r.method, { photos: 'unlink', archive: 's3-delete-all-versions', db: 'sql-delete' }[r.target]);
      }
      assert.ok(existsSync(join(root, 'users/legal/c.jpg')) && existsSync(join(root, 'press/logo.png')));
      assert.ok(!existsSync(join(root, 'users/u1/a.jpg')));
      const left = await s3.client.send(new ListObjectsCommand({ Bucket: bucket }));
      assert.deepEqual((left.Contents ?? []).map((o) => o.Key).sort(), ['public/site.css', 'users/legal/c.bin']);
      const rows = await pg.query(`SELECT id FROM ${schema}.photos ORDER BY id`);
      assert.deepEqual(rows.rows.map((r: { id: number }) => r.id), [3, 4]);
    } finally {
      await worker.close();
      await runtime.close();
      await dropPrefix(prefix);
    }
  });
});
