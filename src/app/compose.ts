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
  const signer = opts.signer ?? (await loadSigner(config.keyPath, config.keyPassphrase));
  const queue = new BullmqExecQueue(config.queue, log);
  await queue.ready();
  const ledger = new SqliteLedger(config.ledgerPath);
  const backends = new BackendRegistry(backendsConfig);
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

export function composeWorker(config: Config, backendsConfig: BackendsConfig, log: Logger, faults?: FaultPlan): WorkerRuntime {
  const backends = new BackendRegistry(backendsConfig);
  const worker = new BatchWorker({ settings: config.queue, backends, concurrency: config.workerConcurrency, log, ...(faults ? { faults } : {}) });
  return {
    worker,
    async close() {
      await worker.close();
      await backends.close();
    },
  };
}
