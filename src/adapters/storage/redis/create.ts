// Builds a redis backend from its configuration. Apart from ./config.ts (the
// schema, which every process loads to validate backends.json) so that the
// driver is loaded only by a process whose configuration uses this kind
// (src/adapters/storage/registry.ts).
import { ValidationError } from '@shredproof/verify';
import type { RedisBackendConfig } from './config.js';
import { RedisBackend } from './redis-backend.js';

/** The backend from its configuration and the environment; a missing URL variable is named, never its value. */
export function createRedisBackend(name: string, config: RedisBackendConfig, env: NodeJS.ProcessEnv = process.env): RedisBackend {
  const url = env[config.urlEnv];
  if (!url) {
    throw new ValidationError(`invalid redis backend ${name}`, [{ path: `$.backends.${name}.urlEnv`, problem: `environment variable ${config.urlEnv} is not set` }]);
  }
  return new RedisBackend({ name, url, ...(config.keyPrefix !== undefined ? { keyPrefix: config.keyPrefix } : {}) });
}
