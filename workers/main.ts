// The standalone worker process (`shredproof worker`): stateless; talks only
// to Redis and the configured storage backends, never to the ledger or the
// signing key. Run any number of them, on any machines, against one Redis.
// It imports the worker's composition root (src/main/worker.ts) and the
// process lifecycle (src/main/process.ts), nothing of the coordinator's.
import { composeWorker, type WorkerRuntime } from '../src/main/worker.js';
import { loadBackendsConfig } from '../src/config/backends-config.js';
import type { Config } from '../src/config/config.js';
import { createLogger } from '../src/log.js';
import { parseFaultPlan } from '../src/adapters/queue/bullmq-worker.js';
import { heartbeatFileFromEnv, type QueueProbe, queueProbe, WorkerHeartbeat } from '../src/adapters/queue/worker-liveness.js';
import { closeOnStop, listenForStop } from '../src/main/process.js';

export async function work(config: Config): Promise<void> {
  const log = createLogger({ level: config.logLevel, name: 'shredproof-worker' });
  const backends = loadBackendsConfig(config.backendsFile);
  const faults = parseFaultPlan(process.env.SHREDPROOF_FAULT);
  if (faults) log.warn({ faults }, 'FAULT INJECTION is on: this worker will SIGKILL itself (tests only)');
  const stop = listenForStop(log);
  let worker: WorkerRuntime;
  try {
    // Redis may come up after the worker (a restart of both): wait for it, saying so once.
    worker = await composeWorker(config, backends, log, faults, { redisWaitMs: Infinity, signal: stop.signal });
  } catch (e) {
    if (!stop.signal.aborted) throw e;
    log.info('stopped');
    return;
  }
  // The liveness signal of a worker, which has no HTTP port (docker-compose.yml's healthcheck reads the file).
  const heartbeatFile = heartbeatFileFromEnv();
  let probe: QueueProbe | undefined;
  let heartbeat: WorkerHeartbeat | undefined;
  if (heartbeatFile !== undefined) {
    try {
      // One Redis: a PING. A cluster: a read in the queue's slot, answered only by the master that holds the queue.
      probe = await queueProbe(config.queue);
      heartbeat = await WorkerHeartbeat.start({ file: heartbeatFile, probe: probe.check, log });
    } catch (e) {
      probe?.close();
      await worker.close();
      throw e;
    }
  }
  log.info({ concurrency: config.workerConcurrency, backends: Object.keys(backends), ...(heartbeatFile ? { heartbeat: heartbeatFile } : {}) }, 'shredproof worker started');
  await closeOnStop(log, stop, async () => {
    // The file goes first: a stopping worker takes no more work, whatever it still finishes.
    await heartbeat?.stop();
    probe?.close();
    await worker.close();
  });
  log.info('stopped');
}
