// Starts, logs and shuts down `shredproof serve`: the coordinator + HTTP, and
// one in-process worker unless --no-worker (workers/main.ts is the standalone
// worker). SIGTERM/SIGINT close everything gracefully: jobs in flight finish
// or are retried by another worker, nothing is lost. They are listened for
// from the start, so that a stop while start-up still waits for Redis ends
// the process cleanly too.
import type { Server } from 'node:http';
import { composeCoordinator, composeWorker, type CoordinatorRuntime, type WorkerRuntime } from './app/compose.js';
import { isLoopbackHost, redisAnswersAnyone } from './queue/redis-exposure.js';
import { loadBackendsConfig } from './config/backends-config.js';
import type { Config } from './config/config.js';
import { createApp } from './http/app.js';
import { createLogger, type Logger } from './log.js';
import { buildVerifierPage } from './verifier-page/build.js';

/** The first SIGTERM or SIGINT: `signal` aborts a start-up in progress, `requested` resolves. */
export interface StopRequest {
  signal: AbortSignal;
  requested: Promise<void>;
}

export function listenForStop(log: Logger): StopRequest {
  const ac = new AbortController();
  const requested = new Promise<void>((resolve) => {
    const handler = (sig: string) => {
      if (ac.signal.aborted) return;
      log.info({ signal: sig }, 'shutting down');
      ac.abort();
      resolve();
    };
    process.once('SIGTERM', () => handler('SIGTERM'));
    process.once('SIGINT', () => handler('SIGINT'));
  });
  return { signal: ac.signal, requested };
}

/** Waits for the stop, then closes; what fails while closing is logged, not thrown. */
export async function closeOnStop(log: Logger, stop: StopRequest, close: () => Promise<void>): Promise<void> {
  await stop.requested;
  await close().catch((e) => log.error({ err: (e as Error).message }, 'error while shutting down'));
}

export async function serve(config: Config, opts: { worker: boolean }): Promise<void> {
  const log = createLogger({ level: config.logLevel, name: 'shredproof-serve' });
  const backends = loadBackendsConfig(config.backendsFile);
  const stop = listenForStop(log);
  let runtime: CoordinatorRuntime | undefined;
  let worker: WorkerRuntime | undefined;
  try {
    // Redis may come up after us (a restart of both): wait for it, saying so once.
    const start = { redisWaitMs: Infinity, signal: stop.signal };
    runtime = await composeCoordinator(config, backends, log, start);
    worker = opts.worker ? await composeWorker(config, backends, log, undefined, start) : undefined;
  } catch (e) {
    await runtime?.close();
    if (!stop.signal.aborted) throw e;
    log.info('stopped');
    return;
  }
  runtime.coordinator.start();
  if (!isLoopbackHost(config.http.host) && (await redisAnswersAnyone(config.queue.redisUrl))) {
    log.warn(
      { redis: new URL(config.queue.redisUrl).host, host: config.http.host },
      'Redis answers clients without a password while the API listens beyond loopback: set requirepass (or ACL users) and put the password in REDIS_URL; see docs/SECURITY.md',
    );
  }
  const app = createApp(runtime.deps, { http: config.http, verifierPage: buildVerifierPage });
  if (runtime.deps.ledger.access.listTokens().length === 0) {
    log.warn(`no API tokens yet: create one on this machine with \`shredproof token create --role admin --name <you> --data-dir ${config.dataDir}\``);
  }
  const server = await new Promise<Server>((resolve, reject) => {
    // express 5 calls back with the listen error (EADDRINUSE...) instead of emitting it.
    const s = app.listen(config.http.port, config.http.host, (e?: NodeJS.ErrnoException) => {
      if (!e) return resolve(s);
      reject(new Error(`cannot listen on ${config.http.host}:${config.http.port}: ${e.code === 'EADDRINUSE' ? 'the address is in use (another serve? set PORT)' : e.message}`));
    });
  }).catch(async (e: unknown) => {
    await worker?.close();
    await runtime.close();
    throw e;
  });
  const addr = server.address();
  log.info({ address: typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : addr, worker: opts.worker, dataDir: config.dataDir }, 'shredproof serve started');
  await closeOnStop(log, stop, async () => {
    const closed = new Promise<void>((r) => server.close(() => r()));
    // Progress streams never end by themselves: end them so that close() can finish.
    for (const s of app.locals.api.streams) s.end();
    server.closeIdleConnections();
    await closed;
    await worker?.close();
    await runtime.close();
  });
  log.info('stopped');
}
