// Configuration of a SQLite backend, for the lead to add to
// src/config/backends-config.ts: the path of an existing database file.

import { z } from 'zod';

export const SqliteBackendConfig = z.strictObject({
  kind: z.literal('sqlite'),
  /** Path of the database file; it must exist (it is never created). */
  path: z.string().min(1),
  /** The store's name in certificates (targets[].system); checked, and derived when absent, by src/config/system-identity.ts. */
  system: z.string().optional(),
});
export type SqliteBackendConfig = z.infer<typeof SqliteBackendConfig>;
