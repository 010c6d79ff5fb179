// Backend configuration: which stores exist and how to reach them. It lives
// with the operator (a file plus environment variables for secrets), never in
// an order: an order can only name a configured backend.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ValidationError } from '@shredproof/verify';
import { NAME, zodProblems } from '../app/order-document.js';
import { MariadbBackendConfig } from '../adapters/storage/mariadb/config.js';
import { PostgresBackendConfig } from '../adapters/storage/postgres/config.js';
import { RedisBackendConfig } from '../adapters/storage/redis/config.js';
import { S3BackendConfig } from '../adapters/storage/s3/config.js';
import { SqliteBackendConfig } from '../adapters/storage/sqlite/config.js';

const FilesystemConfig = z.strictObject({
  kind: z.literal('filesystem'),
  root: z.string().min(1, 'must be the directory the backend works under'),
  threads: z.number().int().min(1).max(64).optional(),
});

export const BackendConfigSchema = z.discriminatedUnion('kind', [
  FilesystemConfig,
  S3BackendConfig,
  PostgresBackendConfig,
  MariadbBackendConfig,
  SqliteBackendConfig,
  RedisBackendConfig,
]);
export type BackendConfig = z.infer<typeof BackendConfigSchema>;

export const BackendsFileSchema = z.strictObject({
  backends: z.record(z.string().regex(NAME, 'backend names are lowercase letters, digits, _ and -'), BackendConfigSchema),
});
export type BackendsConfig = z.infer<typeof BackendsFileSchema>['backends'];

export function parseBackendsConfig(input: unknown, source = 'backends configuration'): BackendsConfig {
  const r = BackendsFileSchema.safeParse(input);
  if (!r.success) throw new ValidationError(`invalid ${source}`, zodProblems(r.error));
  return r.data.backends;
}

export function loadBackendsConfig(path: string): BackendsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ValidationError('cannot read the backends configuration', [{ path, problem: (e as NodeJS.ErrnoException).code ?? String(e) }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValidationError('the backends configuration is not JSON', [{ path, problem: (e as Error).message }]);
  }
  return parseBackendsConfig(json, path);
}
