// The worker role's composition root: the queue key, the storage backends and
// BullMQ's worker, nothing more. A worker is stateless: it never reaches the
// ledger, the signing key, HTTP or the verifier page, and this file imports
// none of them (test/main/worker-modules.test.ts checks what a worker loads).
import { BatchWorker, type FaultPlan } from '../adapters/queue/bullmq-worker.js';
import { loadQueueAuth } from '../adapters/queue/queue-key.js';
import { BackendRegistry } from '../adapters/storage/registry.js';
import type { BackendsConfig } from '../config/backends-config.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import { type StartOptions, waitForRedis } from './redis-wait.js';

export interface WorkerRuntime {
  worker: BatchWorker;
  close(): Promise<void>;
}

export async function composeWorker(config: Config, backendsConfig: BackendsConfig, log: Logger, faults?: FaultPlan, opts: StartOptions = {}): Promise<WorkerRuntime> {
  const auth = loadQueueAuth(config.queueKeyPath, { create: false });
  const backends = await new BackendRegistry(backendsConfig).load();
  backends.openAll(); // fail at start, not at the first job; also starts the thread pools early
  try {
    await waitForRedis(config.queue, log, opts.redisWaitMs ?? 10_000, opts.signal);
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
