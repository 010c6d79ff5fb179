// Configuration of a MariaDB/MySQL backend, for the lead to add to
// src/config/backends-config.ts. The connection URL lives in an environment
// variable named here (it may carry a password), never in the file itself.

import { z } from 'zod';

export const MariadbBackendConfig = z.strictObject({
  kind: z.literal('mariadb'),
  /** Name of the environment variable holding the connection URL, mysql://user:password@host:3306/database. */
  urlEnv: z.string(),
  poolSize: z.number().int().min(1).max(64).optional(),
  /** The store's name in certificates (targets[].system); checked, and derived when absent, by src/config/system-identity.ts. */
  system: z.string().optional(),
});
export type MariadbBackendConfig = z.infer<typeof MariadbBackendConfig>;
