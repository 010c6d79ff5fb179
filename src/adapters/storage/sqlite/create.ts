// Builds a sqlite backend from its configuration. Apart from ./config.ts (the
// schema, which every process loads to validate backends.json) so that the
// driver is loaded only by a process whose configuration uses this kind
// (src/adapters/storage/registry.ts).
import type { SqliteBackendConfig } from './config.js';
import { SqliteBackend } from './sqlite-backend.js';

export function createSqliteBackend(name: string, config: SqliteBackendConfig): SqliteBackend {
  return new SqliteBackend({ name, path: config.path });
}
