// Configuration, parsed once from the environment (and command-line flags
// that override it) into one typed object. Secrets stay in the environment
// and never appear in logs or job data.
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ValidationError } from '@shredproof/verify';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings, type RedisNode } from '../adapters/queue/queue-config.js';
import { isLoopbackHost } from '../adapters/queue/redis-exposure.js';

// host:port, IPv6 in brackets; a list of them, comma-separated.
const NODE = String.raw`(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):[0-9]{1,5}`;
const CLUSTER_NODES = new RegExp(`^${NODE}(?:,${NODE})*$`);

function parseNodes(list: string): RedisNode[] {
  return list.split(',').map((n) => {
    const at = n.lastIndexOf(':');
    return { host: n.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(n.slice(at + 1)) };
  });
}

/** One problem at most: the first that applies. */
function clusterNodeProblems(v: string, ctx: z.RefinementCtx): void {
  if (!CLUSTER_NODES.test(v)) {
    ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of host:port of Redis Cluster nodes, such as 10.0.0.1:6379,10.0.0.2:6379 (IPv6 in brackets)' });
    return;
  }
  const bad = parseNodes(v).find((n) => n.port < 1 || n.port > 65535);
  if (bad) ctx.addIssue({ code: 'custom', message: `port ${bad.port} of ${bad.host} is not from 1 to 65535` });
}

const Env = z.object({
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
  /** Set: Redis is a Redis Cluster, reached through these nodes; REDIS_URL then gives only the user, password and TLS. */
  REDIS_CLUSTER_NODES: z.string().superRefine(clusterNodeProblems).optional(),
  SHREDPROOF_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default(DEFAULT_QUEUE_SETTINGS.prefix),
  SHREDPROOF_KEY: z.string().min(1).default('keys/signing-key.pem'),
  SHREDPROOF_KEY_PASSPHRASE: z.string().optional(),
  // Container secrets: the PEM itself, or a file descriptor to read it from (systemd credentials, `3<key.pem`); either wins over SHREDPROOF_KEY.
  SHREDPROOF_KEY_PEM: z.string().startsWith('-----BEGIN ', 'must hold a PEM private key').optional(),
  SHREDPROOF_KEY_FD: z.coerce.number().int().min(3, 'must be a file descriptor number from 3 up (0-2 are the standard streams)').max(1_000_000).optional(),
  /** The transparency log's own key (docs/FORMAT.md section 12); default DATA_DIR/log-key.pem, made on first start. */
  SHREDPROOF_LOG_KEY_FILE: z.string().min(1).optional(),
  /** The log's origin, every checkpoint's first line; default <host name>/shredproof. Fixed at the log's first entry. */
  SHREDPROOF_LOG_ORIGIN: z.string().regex(/^[^\s+\u0000-\u001f]{1,255}$/u, 'must be 1 to 255 characters without spaces, "+" or control characters, such as example.com/shredproof').optional(),
  /** The queue key shared by the coordinator and the workers; default DATA_DIR/queue.key. */
  SHREDPROOF_QUEUE_KEY_FILE: z.string().min(1).optional(),
  /** How long a published order spec stays valid without the coordinator renewing it. */
  SHREDPROOF_SPEC_TTL_S: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(6 * 3600),
  /** The issuer's name in every certificate: required to sign (serve), so it has no default. */
  SHREDPROOF_ISSUER: z.string().trim().min(1, "must not be empty: your organisation's name, as certificates will show it").optional(),
  SHREDPROOF_BACKENDS: z.string().min(1).default('./backends.json'),
  SHREDPROOF_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
  SHREDPROOF_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(2),
  SHREDPROOF_LOCK_MS: z.coerce.number().int().min(1000).default(DEFAULT_QUEUE_SETTINGS.lockDurationMs),
  SHREDPROOF_STALLED_MS: z.coerce.number().int().min(500).default(DEFAULT_QUEUE_SETTINGS.stalledIntervalMs),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  SHREDPROOF_CORS_ORIGINS: z
    .string()
    .regex(/^(https?:\/\/[^\s,/]+)(,https?:\/\/[^\s,/]+)*$/, 'a comma-separated list of origins such as https://ops.example.com')
    .optional(),
  SHREDPROOF_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  SHREDPROOF_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  SHREDPROOF_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  /** A port of its own for Prometheus's GET /metrics (no person's token); unset: no such listener. */
  SHREDPROOF_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SHREDPROOF_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** A file (mode 0600) holding the token Prometheus presents on that port; required beyond loopback. */
  SHREDPROOF_METRICS_TOKEN_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  dataDir: string;
  ledgerPath: string;
  keyPath: string;
  keyPassphrase: string | undefined;
  /** The private key's PEM from the environment (SHREDPROOF_KEY_PEM), instead of keyPath. */
  keyPem?: string;
  /** A file descriptor to read the private key's PEM from (SHREDPROOF_KEY_FD), instead of keyPath. */
  keyFd?: number;
  queueKeyPath: string;
  /** The transparency log's key file (made on first start) and origin. */
  log: { keyPath: string; origin: string };
  specTtlSeconds: number;
  /** Unset: composeCoordinator refuses to start (nothing that signs runs without a name). */
  issuerName: string | undefined;
  backendsFile: string;
  batchSize: number;
  workerConcurrency: number;
  http: {
    host: string;
    port: number;
    /** Origins allowed by CORS; empty = CORS off (no Access-Control headers at all). */
    corsOrigins: string[];
    /** Reverse proxies in front of the API whose X-Forwarded-For is believed (0 = none). */
    trustProxy: number;
    bodyLimitBytes: number;
    /** Failed authentications per client address per minute before 429. */
    authFailuresPerMinute: number;
  };
  /** The scrape listener (src/http/metrics.ts, listenForScrapes): off while port is undefined. */
  metrics: {
    port: number | undefined;
    host: string;
    /** Absolute; undefined: scrapes need no token (loopback only). */
    tokenFile: string | undefined;
  };
  logLevel: string;
  queue: QueueSettings;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = Env.safeParse(env);
  if (!r.success) {
    throw new ValidationError(
      'invalid configuration',
      r.error.issues.map((i) => ({ path: i.path.join('.'), problem: i.message })),
    );
  }
  const e = r.data;
  // Metrics without a token only on loopback: beyond it, anyone who reaches the port would read them.
  if (e.SHREDPROOF_METRICS_PORT !== undefined && e.SHREDPROOF_METRICS_TOKEN_FILE === undefined && !isLoopbackHost(e.SHREDPROOF_METRICS_HOST)) {
    throw new ValidationError('invalid configuration', [
      { path: 'SHREDPROOF_METRICS_HOST', problem: `is ${e.SHREDPROOF_METRICS_HOST}, beyond loopback: set SHREDPROOF_METRICS_TOKEN_FILE too, or listen on 127.0.0.1` },
    ]);
  }
  const clusterNodes = e.REDIS_CLUSTER_NODES === undefined ? undefined : parseNodes(e.REDIS_CLUSTER_NODES);
  if (clusterNodes) checkClusterUrl(e.REDIS_URL, env.REDIS_URL !== undefined, clusterNodes);
  const dataDir = resolve(e.DATA_DIR);
  return {
    dataDir,
    ledgerPath: join(dataDir, 'ledger.sqlite'),
    keyPath: resolve(e.SHREDPROOF_KEY),
    keyPassphrase: e.SHREDPROOF_KEY_PASSPHRASE,
    ...(e.SHREDPROOF_KEY_PEM !== undefined ? { keyPem: e.SHREDPROOF_KEY_PEM } : {}),
    ...(e.SHREDPROOF_KEY_FD !== undefined ? { keyFd: e.SHREDPROOF_KEY_FD } : {}),
    queueKeyPath: resolve(e.SHREDPROOF_QUEUE_KEY_FILE ?? join(dataDir, 'queue.key')),
    log: { keyPath: resolve(e.SHREDPROOF_LOG_KEY_FILE ?? join(dataDir, 'log-key.pem')), origin: e.SHREDPROOF_LOG_ORIGIN ?? `${hostname().toLowerCase()}/shredproof` },
    specTtlSeconds: e.SHREDPROOF_SPEC_TTL_S,
    issuerName: e.SHREDPROOF_ISSUER,
    backendsFile: resolve(e.SHREDPROOF_BACKENDS),
    batchSize: e.SHREDPROOF_BATCH_SIZE,
    workerConcurrency: e.SHREDPROOF_WORKER_CONCURRENCY,
    http: {
      host: e.HOST,
      port: e.PORT,
      corsOrigins: e.SHREDPROOF_CORS_ORIGINS?.split(',') ?? [],
      trustProxy: e.SHREDPROOF_TRUST_PROXY,
      bodyLimitBytes: e.SHREDPROOF_BODY_LIMIT_BYTES,
      authFailuresPerMinute: e.SHREDPROOF_AUTH_FAILURES_PER_MINUTE,
    },
    metrics: {
      port: e.SHREDPROOF_METRICS_PORT,
      host: e.SHREDPROOF_METRICS_HOST,
      tokenFile: e.SHREDPROOF_METRICS_TOKEN_FILE === undefined ? undefined : resolve(e.SHREDPROOF_METRICS_TOKEN_FILE),
    },
    logLevel: e.LOG_LEVEL,
    queue: {
      ...DEFAULT_QUEUE_SETTINGS,
      redisUrl: e.REDIS_URL,
      // On a cluster the prefix is a hash tag: BullMQ's scripts and shredproof's keys then share one slot.
      ...(clusterNodes ? { clusterNodes, prefix: `{${e.SHREDPROOF_PREFIX}}` } : { prefix: e.SHREDPROOF_PREFIX }),
      lockDurationMs: e.SHREDPROOF_LOCK_MS,
      stalledIntervalMs: e.SHREDPROOF_STALLED_MS,
    },
  };
}

/**
 * With REDIS_CLUSTER_NODES, REDIS_URL gives the user, password and TLS of
 * every node. Set, it must name one of the nodes (so that no configuration
 * names two Redis), and no database: a cluster has only database 0.
 */
function checkClusterUrl(url: string, urlSet: boolean, nodes: readonly RedisNode[]): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return; // the schema said what is wrong with it
  }
  const problems: Array<{ path: string; problem: string }> = [];
  if (u.pathname !== '' && u.pathname !== '/' && u.pathname !== '/0') {
    problems.push({ path: 'REDIS_URL', problem: `names database ${u.pathname.slice(1)}, but a Redis Cluster has only database 0 (REDIS_CLUSTER_NODES is set)` });
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(u.port || 6379);
  if (urlSet && !nodes.some((n) => n.host === host && n.port === port)) {
    problems.push({ path: 'REDIS_URL', problem: `names ${u.host}, which is not one of REDIS_CLUSTER_NODES: with a cluster, REDIS_URL gives the user, password and TLS, and its host must be one of the nodes` });
  }
  if (problems.length > 0) throw new ValidationError('invalid configuration', problems);
}
