// The flags of `serve` and `worker` that stand for environment variables.

/** Flags override the environment (DATA_DIR, REDIS_URL, SHREDPROOF_KEY, SHREDPROOF_BACKENDS, PORT). */
export function envWith(opts: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const map: Record<string, string> = { dataDir: 'DATA_DIR', redisUrl: 'REDIS_URL', key: 'SHREDPROOF_KEY', backends: 'SHREDPROOF_BACKENDS', port: 'PORT', host: 'HOST', concurrency: 'SHREDPROOF_WORKER_CONCURRENCY' };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined && map[k]) env[map[k]!] = v;
  return env;
}
