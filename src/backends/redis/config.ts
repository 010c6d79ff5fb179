// Operator configuration of a Redis backend, for the lead to wire into
// src/config/backends-config.ts. The URL is named by an environment variable,
// never written in the config file, because it may carry a password.
import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import { RedisBackend } from './redis-backend.js';

export const RedisBackendConfig = z.strictObject({
  kind: z.literal('redis'),
  /** Name of the environment variable that holds the redis:// or rediss:// URL. */
  urlEnv: z.string(),
  /** Every key this backend sees starts with this prefix; locators are the rest of the key. */
  keyPrefix: z.string().optional(),
});

export type RedisBackendConfig = z.infer<typeof RedisBackendConfig>;

/** The backend from its configuration and the environment; a missing URL variable is named, never its value. */
export function createRedisBackend(name: string, config: RedisBackendConfig, env: NodeJS.ProcessEnv = process.env): RedisBackend {
  const url = env[config.urlEnv];
  if (!url) {
    throw new ValidationError(`invalid redis backend ${name}`, [{ path: `$.backends.${name}.urlEnv`, problem: `environment variable ${config.urlEnv} is not set` }]);
  }
  return new RedisBackend({ name, url, ...(config.keyPrefix !== undefined ? { keyPrefix: config.keyPrefix } : {}) });
}
