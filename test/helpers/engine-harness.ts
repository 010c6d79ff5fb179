// Builds a real engine for a test: a temp dir with a dataset, a fresh Redis
// key prefix, a SQLite ledger, a real signing key, and optionally an
// in-process worker. Everything is removed by close().
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CoordinatorRuntime, composeCoordinator } from '../../src/main/coordinator.js';
import { composeWorker, type WorkerRuntime } from '../../src/main/worker.js';
import type { BackendsConfig } from '../../src/config/backends-config.js';
import { type Config, loadConfig } from '../../src/config/config.js';
import { type Dataset, demoOrder, writeDataset } from '../../src/demo/dataset.js';
import { approveSigned } from './approvals.js';
import { createOrder } from '../../src/app/create-order.js';
import { executeOrder } from '../../src/app/execute-order.js';
import { planOrder } from '../../src/app/plan-order.js';
import { silentLogger } from '../../src/log.js';
import { generateKeys } from '../../src/adapters/keys/pem-keys.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from './services.js';

export interface Harness {
  dir: string;
  dataset: Dataset;
  config: Config;
  backends: BackendsConfig;
  env: Record<string, string>;
  runtime: CoordinatorRuntime;
  worker: WorkerRuntime | undefined;
  close(): Promise<void>;
}

export interface HarnessOptions {
  objects: number;
  batchSize?: number;
  worker?: boolean;
  redisUrl?: string;
  env?: Record<string, string>;
  /** More backends beside `photos` (the demo dataset), for orders that reach other stores. */
  extraBackends?: BackendsConfig;
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const redisUrl = opts.redisUrl ?? REDIS_URL;
  await requireRedis(redisUrl);
  const dir = mkdtempSync(join(tmpdir(), 'sp-engine-'));
  const dataset = writeDataset(join(dir, 'store'), opts.objects);
  const backends: BackendsConfig = { photos: { kind: 'filesystem', root: dataset.root, threads: 4 }, ...opts.extraBackends };
  const backendsFile = join(dir, 'backends.json');
  writeFileSync(backendsFile, JSON.stringify({ backends }));
  const keys = await generateKeys(join(dir, 'keys'));
  const env: Record<string, string> = {
    DATA_DIR: join(dir, 'data'),
    REDIS_URL: redisUrl,
    SHREDPROOF_PREFIX: freshPrefix(),
    SHREDPROOF_KEY: keys.privateKeyPath,
    SHREDPROOF_BACKENDS: backendsFile,
    SHREDPROOF_BATCH_SIZE: String(opts.batchSize ?? 100),
    SHREDPROOF_LOCK_MS: '3000',
    SHREDPROOF_STALLED_MS: '1000',
    SHREDPROOF_ISSUER: 'shredproof test',
    LOG_LEVEL: 'silent',
    ...opts.env,
  };
  const config = loadConfig(env);
  const log = silentLogger();
  const runtime = await composeCoordinator(config, backends, log, { intervalMs: 50 });
  const worker = opts.worker === false ? undefined : await composeWorker(config, backends, log);
  return {
    dir,
    dataset,
    config,
    backends,
    env,
    runtime,
    worker,
    async close() {
      await worker?.close();
      await runtime.close();
      await dropPrefix(config.queue.prefix, redisUrl).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates the demo order as alice, plans it, has bob approve it, and executes it; returns its id. */
export async function executeDemoOrder(h: Harness): Promise<string> {
  const { deps } = h.runtime;
  const order = await createOrder(deps, demoOrder('photos'), 'alice');
  const plan = await planOrder(deps, order.id, 'alice');
  approveSigned(deps, order.id, 'bob', plan.planRoot);
  executeOrder(deps, order.id, 'alice');
  return order.id;
}

export { demoOrder };
