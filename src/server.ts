// Starts, logs and shuts down `shredproof serve`: the coordinator + HTTP, and
// one in-process worker unless --no-worker (workers/main.ts is the standalone
// worker). SIGTERM/SIGINT close everything gracefully: jobs in flight finish
// or are retried by another worker, nothing is lost.
import type { Server } from 'node:http';
import { composeCoordinator, composeWorker, type WorkerRuntime } from './app/compose.js';
import { isLoopbackHost, redisAnswersAnyone } from './queue/redis-exposure.js';
import { loadBackendsConfig } from './config/backends-config.js';
import type { Config } from './config/config.js';
import { createApp } from './http/app.js';
import { createLogger, type Logger } from './log.js';
import { buildVerifierPage } from './verifier-page/build.js';

export function onSignals(log: Logger, close: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let closing = false;
    const handler = (sig: string) => {
      if (closing) return;
      closing = true;
      log.info({ signal: sig }, 'shutting down');
      close()
        .catch((e) => log.error({ err: (e as Error).message }, 'error while shutting down'))
        .finally(() => resolve());
    };
    process.once('SIGTERM', () => handler('SIGTERM'));
    process.once('SIGINT', () => handler('SIGINT'));
  });
}

export async function serve(config: Config, opts: { worker: boolean }): Promise<void> {
  const log = createLogger({ level: config.logLevel, name: 'shredproof-serve' });
  const backends = loadBackendsConfig(config.backendsFile);
  const runtime = await composeCoordinator(config, backends, log);
  const worker: WorkerRuntime | undefined = opts.worker ? await composeWorker(config, backends, log) : undefined;
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
  await onSignals(log, async () => {
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
