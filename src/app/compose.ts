// The composition root: the one place that wires adapters into use cases.
import type { BackendsConfig } from '../config/backends-config.js';
import type { Config } from '../config/config.js';
import { BackendRegistry } from '../backends/registry.js';
import type { Signer } from '../core/ed25519.js';
import { Coordinator } from '../engine/coordinator.js';
import { type EngineDeps, systemClock } from '../engine/engine-deps.js';
import { SqliteLedger } from '../ledger/sqlite-ledger.js';
import type { Logger } from '../log.js';
import { loadSigner } from '../node/keys.js';
import { BullmqExecQueue } from '../queue/bullmq-exec-queue.js';
import { BatchWorker, type FaultPlan } from '../queue/bullmq-worker.js';
import { checkPrivateFile, loadQueueAuth } from '../queue/queue-key.js';

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

export interface CoordinatorRuntime {
  deps: EngineDeps;
  coordinator: Coordinator;
  close(): Promise<void>;
}

export async function composeCoordinator(
  config: Config,
  backendsConfig: BackendsConfig,
  log: Logger,
  opts: { signer?: Signer; intervalMs?: number } = {},
): Promise<CoordinatorRuntime> {
  const signer = opts.signer ?? (await loadConfiguredSigner(config));
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
    issuerName: config.issuerName,
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

export async function composeWorker(config: Config, backendsConfig: BackendsConfig, log: Logger, faults?: FaultPlan): Promise<WorkerRuntime> {
  const auth = loadQueueAuth(config.queueKeyPath, { create: false });
  const backends = await new BackendRegistry(backendsConfig).load();
  backends.openAll(); // fail at start, not at the first job; also starts the thread pools early
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
