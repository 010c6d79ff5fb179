// The standalone worker process (`shredproof worker`): stateless; talks only
// to Redis and the configured storage backends, never to the ledger or the
// signing key. Run any number of them, on any machines, against one Redis.
import { composeWorker } from '../src/app/compose.js';
import { loadBackendsConfig } from '../src/config/backends-config.js';
import type { Config } from '../src/config/config.js';
import { createLogger } from '../src/log.js';
import { parseFaultPlan } from '../src/queue/bullmq-worker.js';
import { onSignals } from '../src/server.js';

export async function work(config: Config): Promise<void> {
  const log = createLogger({ level: config.logLevel, name: 'shredproof-worker' });
  const backends = loadBackendsConfig(config.backendsFile);
  const faults = parseFaultPlan(process.env.SHREDPROOF_FAULT);
  if (faults) log.warn({ faults }, 'FAULT INJECTION is on: this worker will SIGKILL itself (tests only)');
  const worker = await composeWorker(config, backends, log, faults);
  log.info({ concurrency: config.workerConcurrency, backends: Object.keys(backends) }, 'shredproof worker started');
  await onSignals(log, () => worker.close());
  log.info('stopped');
}
