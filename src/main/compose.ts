// The composition root: the one place that wires adapters into use cases.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { BackendsConfig } from '../config/backends-config.js';
import type { Config } from '../config/config.js';
import { BackendRegistry } from '../adapters/storage/registry.js';
import type { Signer } from '@shredproof/verify';
import { Coordinator } from '../app/coordinator.js';
import { type EngineDeps, systemClock } from '../app/deps.js';
import { SqliteLedger } from '../adapters/ledger/sqlite/sqlite-ledger.js';
import type { Logger } from '../log.js';
import { loadSigner } from '../adapters/keys/pem-keys.js';
import { BullmqExecQueue } from '../adapters/queue/bullmq-exec-queue.js';
import { BatchWorker, type FaultPlan } from '../adapters/queue/bullmq-worker.js';
import { checkPrivateFile, loadQueueAuth } from '../adapters/queue/queue-key.js';

/** The coordinator's key, with an error that says what to do when it is missing, exposed or locked. */
async function loadConfiguredSigner(config: Config): Promise<Signer> {
  try {
    checkPrivateFile(config.keyPath, 'the signing key');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`no signing key at ${config.keyPath}: create one with \`shredproof keygen --dir ${config.keyPath.replace(/\/[^/]*$/, '')}\` or set SHREDPROOF_KEY`);
    }
    throw e;
  }
  try {
    return await loadSigner(config.keyPath, config.keyPassphrase);
  } catch (e) {
    throw new Error(`cannot load the signing key ${config.keyPath} (${(e as Error).message}); if it is encrypted, set SHREDPROOF_KEY_PASSPHRASE`);
  }
}

/** The issuer's name, which every certificate shows: there is no default, so that none says "shredproof". */
export function requireIssuer(config: Config): string {
  if (config.issuerName === undefined) {
    throw new Error(
      'SHREDPROOF_ISSUER is not set: set it to the name of the organisation that signs, as every certificate will show it (for example SHREDPROOF_ISSUER="Example Ltd, data protection office")',
    );
  }
  return config.issuerName;
}

/** A Redis URL as logs and messages may show it: without user name or password. */
export function redisForDisplay(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}

async function pingRedis(url: string): Promise<void> {
  // No retries and no offline queue: one connection attempt that answers or fails.
  const r = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000 });
  // The connection's error says why (ECONNREFUSED, ENOTFOUND, WRONGPASS); connect() then only says "Connection is closed".
  let cause: Error | undefined;
  r.on('error', (e: Error) => (cause ??= e));
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw cause ?? e;
  } finally {
    r.disconnect();
  }
}

const AUTH_REFUSED = /NOAUTH|WRONGPASS|invalid password|invalid username-password/i;

/**
 * Waits until Redis answers, retrying with backoff (0.25 s doubling to 10 s),
 * before anything else connects to it: the queue's own connections would log
 * an error per retry, and their commands fail at once while Redis is down (the
 * offline queue is off). Says "cannot reach Redis" once, and once that it
 * answers; a refused password is a configuration error and is not retried.
 */
export async function waitForRedis(url: string, log: Logger, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const shown = redisForDisplay(url);
  const deadline = Date.now() + timeoutMs;
  let delay = 250;
  let said = false;
  for (;;) {
    signal?.throwIfAborted();
    try {
      await pingRedis(url);
      if (said) log.info({ redis: shown }, `Redis at ${shown} answers`);
      return;
    } catch (e) {
      const why = (e as Error).message;
      if (AUTH_REFUSED.test(why)) throw new Error(`Redis at ${shown} refused the credentials (${why}): check the password in REDIS_URL`);
      if (Date.now() + delay > deadline) throw new Error(`cannot reach Redis at ${shown} (${why})`);
      if (!said) log.error({ redis: shown, err: why }, `cannot reach Redis at ${shown} (${why}); retrying with backoff until it answers`);
      said = true;
      await sleep(delay, undefined, signal ? { signal } : {});
      delay = Math.min(delay * 2, 10_000);
    }
  }
}

/** How long start-up waits for Redis: 10 s by default; serve and worker wait however long it takes, or until `signal` (a stop). */
export interface StartOptions {
  redisWaitMs?: number;
  signal?: AbortSignal;
}

export interface CoordinatorRuntime {
  deps: EngineDeps;
  coordinator: Coordinator;
  close(): Promise<void>;
}

export async function composeCoordinator(
  config: Config,
  backendsConfig: BackendsConfig,
  log: Logger,
  opts: { signer?: Signer; intervalMs?: number } & StartOptions = {},
): Promise<CoordinatorRuntime> {
  const issuerName = requireIssuer(config);
  const signer = opts.signer ?? (await loadConfiguredSigner(config));
  await waitForRedis(config.queue.redisUrl, log, opts.redisWaitMs ?? 10_000, opts.signal);
  // The coordinator makes the queue key on first start; workers must be given a copy.
  const queue = new BullmqExecQueue(config.queue, log, loadQueueAuth(config.queueKeyPath, { create: true }));
  await queue.ready();
  await queue.store.publishKeyId();
  const ledger = new SqliteLedger(config.ledgerPath);
  const backends = await new BackendRegistry(backendsConfig).load();
  backends.openAll(); // a missing root or a bad setting fails now, not at the first order
  const deps: EngineDeps = {
    ledger,
    backends,
    queue,
    clock: systemClock,
    log,
    signer,
    issuerName,
    dataDir: config.dataDir,
    batchSize: config.batchSize,
    specTtlSeconds: config.specTtlSeconds,
  };
  const coordinator = new Coordinator(deps, { intervalMs: opts.intervalMs ?? 200 });
  let closed = false;
  return {
    deps,
    coordinator,
    async close() {
      if (closed) return;
      closed = true;
      await coordinator.stop();
      await queue.close();
      await backends.close();
      ledger.close();
    },
  };
}

export interface WorkerRuntime {
  worker: BatchWorker;
  close(): Promise<void>;
}

export async function composeWorker(config: Config, backendsConfig: BackendsConfig, log: Logger, faults?: FaultPlan, opts: StartOptions = {}): Promise<WorkerRuntime> {
  const auth = loadQueueAuth(config.queueKeyPath, { create: false });
  const backends = await new BackendRegistry(backendsConfig).load();
  backends.openAll(); // fail at start, not at the first job; also starts the thread pools early
  try {
    await waitForRedis(config.queue.redisUrl, log, opts.redisWaitMs ?? 10_000, opts.signal);
  } catch (e) {
    await backends.close();
    throw e;
  }
  const worker = new BatchWorker({ settings: config.queue, auth, backends, concurrency: config.workerConcurrency, log, ...(faults ? { faults } : {}) });
  try {
    await worker.start();
  } catch (e) {
    await worker.close();
    await backends.close();
    throw e;
  }
  return {
    worker,
    async close() {
      await worker.close();
      await backends.close();
    },
  };
}
