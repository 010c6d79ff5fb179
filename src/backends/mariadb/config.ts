// Configuration of a MariaDB/MySQL backend, for the lead to add to
// src/config/backends-config.ts. The connection URL lives in an environment
// variable named here (it may carry a password), never in the file itself.

import { z } from 'zod';
import { MariadbBackend } from './mariadb-backend.js';

export const MariadbBackendConfig = z.strictObject({
  kind: z.literal('mariadb'),
  /** Name of the environment variable holding the connection URL, mysql://user:password@host:3306/database. */
  urlEnv: z.string(),
  poolSize: z.number().int().min(1).max(64).optional(),
});
export type MariadbBackendConfig = z.infer<typeof MariadbBackendConfig>;

/** Builds the backend; throws naming the variable (never its value) when it is unset or empty. */
export function createMariadbBackend(name: string, config: MariadbBackendConfig, env: NodeJS.ProcessEnv = process.env): MariadbBackend {
  const url = env[config.urlEnv];
  if (url === undefined || url.length === 0) {
    throw new Error(`mariadb backend ${name}: environment variable ${config.urlEnv} (the connection URL) is not set`);
  }
  return new MariadbBackend({ name, url, ...(config.poolSize !== undefined ? { poolSize: config.poolSize } : {}) });
}
