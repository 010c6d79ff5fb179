// Builds a mariadb backend from its configuration. Apart from ./config.ts (the
// schema, which every process loads to validate backends.json) so that the
// driver is loaded only by a process whose configuration uses this kind
// (src/adapters/storage/registry.ts).
import type { MariadbBackendConfig } from './config.js';
import { MariadbBackend } from './mariadb-backend.js';

/** Builds the backend; throws naming the variable (never its value) when it is unset or empty. */
export function createMariadbBackend(name: string, config: MariadbBackendConfig, env: NodeJS.ProcessEnv = process.env): MariadbBackend {
  const url = env[config.urlEnv];
  if (url === undefined || url.length === 0) {
    throw new Error(`mariadb backend ${name}: environment variable ${config.urlEnv} (the connection URL) is not set`);
  }
  return new MariadbBackend({ name, url, ...(config.poolSize !== undefined ? { poolSize: config.poolSize } : {}) });
}
