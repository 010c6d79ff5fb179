// Starts, logs and shuts down `shredproof serve`: the coordinator + HTTP, and
// one in-process worker unless --no-worker (workers/main.ts is the standalone
// worker). SIGTERM/SIGINT close everything gracefully (./process.ts): jobs in
// flight finish or are retried by another worker, nothing is lost.
import type { RequestListener, Server } from 'node:http';
import { composeCoordinator, type CoordinatorRuntime } from './coordinator.js';
import { closeOnStop, listenForStop } from './process.js';
import { composeWorker, type WorkerRuntime } from './worker.js';
import { isLoopbackHost, redisOpenToAnyone } from '../adapters/queue/redis-exposure.js';
import { loadBackendsConfig } from '../config/backends-config.js';
import type { Config } from '../config/config.js';
import { createApp } from '../http/app.js';
import { createHttpServer } from '../http/http-server.js';
import { listenForScrapes } from '../http/metrics.js';
import { startingHandler } from '../http/starting.js';
import { createLogger } from '../log.js';
import { buildVerifierPage } from '../verifier-page/build.js';
import { consoleAssets } from '../console/build.js';

export async function serve(config: Config, opts: { worker: boolean }): Promise<void> {
  const log = createLogger({ level: config.logLevel, name: 'shredproof-serve' });
  const backends = loadBackendsConfig(config.backendsFile);
  const stop = listenForStop(log);
  // Listen first, answering "starting" until everything is up: a port that is
  // taken fails now, and /readyz says 503 while Redis is awaited.
  const checks: Record<string, string> = { redis: 'waiting', ledger: 'waiting' };
  let handler: RequestListener = startingHandler(() => checks);
  const server = createHttpServer((req, res) => handler(req, res), { bodyLimitBytes: config.http.bodyLimitBytes });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`cannot listen on ${config.http.host}:${config.http.port}: ${e.code === 'EADDRINUSE' ? 'the address is in use (another serve? set PORT)' : e.message}`)),
    );
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const closeServer = () => {
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeIdleConnections();
    return closed;
  };
  let runtime: CoordinatorRuntime | undefined;
  let worker: WorkerRuntime | undefined;
  try {
    // Redis may come up after us (a restart of both): wait for it, saying so once.
    const start = { redisWaitMs: Infinity, signal: stop.signal };
    runtime = await composeCoordinator(config, backends, log, start);
    checks.redis = 'ok';
    checks.ledger = 'ok';
    worker = opts.worker ? await composeWorker(config, backends, log, undefined, start) : undefined;
  } catch (e) {
    await runtime?.close();
    await closeServer();
    if (!stop.signal.aborted) throw e;
    log.info('stopped');
    return;
  }
  runtime.coordinator.start();
  const openRedis = isLoopbackHost(config.http.host) ? [] : await redisOpenToAnyone(config.queue);
  if (openRedis.length > 0) {
    log.warn(
      { redis: openRedis.join(','), host: config.http.host },
      'Redis answers clients without a password while the API listens beyond loopback: set requirepass (or ACL users) and put the password in REDIS_URL; see docs/SECURITY.md',
    );
  }
  const app = createApp(runtime.deps, { http: config.http, verifierPage: buildVerifierPage, console: consoleAssets });
  // Prometheus's own port (SHREDPROOF_METRICS_PORT), off unless set: it needs no person's token.
  let scrapes: Server | undefined;
  try {
    scrapes = config.metrics.port === undefined ? undefined : await listenForScrapes(app.locals.api.metrics, config.metrics);
  } catch (e) {
    await closeServer();
    await worker?.close();
    await runtime.close();
    throw e;
  }
  handler = app;
  if (runtime.deps.ledger.access.listTokens().length === 0) {
    log.warn(`no API tokens yet: create one on this machine with \`shredproof token create --role admin --name <you> --data-dir ${config.dataDir}\``);
  }
  const addr = server.address();
  const metricsAddr = scrapes?.address();
  log.info(
    {
      address: typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : addr,
      metrics: typeof metricsAddr === 'object' && metricsAddr ? `${metricsAddr.address}:${metricsAddr.port}` : undefined,
      worker: opts.worker,
      dataDir: config.dataDir,
    },
    'shredproof serve started',
  );
  await closeOnStop(log, stop, async () => {
    const closed = closeServer();
    // Progress streams never end by themselves: end them so that close() can finish.
    for (const s of app.locals.api.streams) s.end();
    if (scrapes) {
      const scrapesClosed = new Promise<void>((r) => scrapes.close(() => r()));
      scrapes.closeAllConnections();
      await scrapesClosed;
    }
    await closed;
    await worker?.close();
    await runtime.close();
  });
  log.info('stopped');
}
