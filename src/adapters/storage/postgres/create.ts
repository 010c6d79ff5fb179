// Builds a postgres backend from its configuration. Apart from ./config.ts (the
// schema, which every process loads to validate backends.json) so that the
// driver is loaded only by a process whose configuration uses this kind
// (src/adapters/storage/registry.ts).
import type { PostgresBackendConfig } from './config.js';
import { PostgresBackend } from './postgres-backend.js';

/** Builds the backend; throws naming the variable (never its value) when it is unset or empty. */
export function createPostgresBackend(name: string, config: PostgresBackendConfig, env: NodeJS.ProcessEnv = process.env): PostgresBackend {
  const url = env[config.urlEnv];
  if (url === undefined || url.length === 0) {
    throw new Error(`postgres backend ${name}: environment variable ${config.urlEnv} (the connection URL) is not set`);
  }
  return new PostgresBackend({ name, connectionString: url, ...(config.poolSize !== undefined ? { poolSize: config.poolSize } : {}) });
}
