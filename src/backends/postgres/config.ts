// Configuration of a PostgreSQL backend, for the lead to add to
// src/config/backends-config.ts. The connection URL lives in an environment
// variable named here (it may carry a password), never in the file itself.

import { z } from 'zod';
import { PostgresBackend } from './postgres-backend.js';

export const PostgresBackendConfig = z.strictObject({
  kind: z.literal('postgres'),
  /** Name of the environment variable holding the connection URL (it may carry a password). */
  urlEnv: z.string(),
  poolSize: z.number().int().min(1).max(64).optional(),
});
export type PostgresBackendConfig = z.infer<typeof PostgresBackendConfig>;

/** Builds the backend; throws naming the variable (never its value) when it is unset or empty. */
export function createPostgresBackend(name: string, config: PostgresBackendConfig, env: NodeJS.ProcessEnv = process.env): PostgresBackend {
  const url = env[config.urlEnv];
  if (url === undefined || url.length === 0) {
    throw new Error(`postgres backend ${name}: environment variable ${config.urlEnv} (the connection URL) is not set`);
  }
  return new PostgresBackend({ name, connectionString: url, ...(config.poolSize !== undefined ? { poolSize: config.poolSize } : {}) });
}
