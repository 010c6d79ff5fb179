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
import { checkSystemIdentity } from './system-identity.js';

const FilesystemConfig = z.strictObject({
  kind: z.literal('filesystem'),
  root: z.string().min(1, 'must be the directory the backend works under'),
  threads: z.number().int().min(1).max(64).optional(),
  /** The store's name in certificates (targets[].system); checked, and derived when absent, by ./system-identity.ts. */
  system: z.string().optional(),
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

/**
 * Parses the backends file: its shape, then every backend's system identity
 * (./system-identity.ts), read with `env` because a default may come from a
 * URL there and no identity may contain a credential found there. Throws
 * ValidationError listing every bad field. Returns the file as written: the
 * registry derives a default identity again where it builds the backend.
 */
export function parseBackendsConfig(input: unknown, source = 'backends configuration', env: NodeJS.ProcessEnv = process.env): BackendsConfig {
  const r = BackendsFileSchema.safeParse(input);
  const problems = r.success ? [] : zodProblems(r.error);
  for (const [name, config] of wellFormedBackends(r.success ? r.data.backends : member(input, 'backends'))) problems.push(...checkSystemIdentity(name, config, env).problems);
  if (!r.success || problems.length > 0) throw new ValidationError(`invalid ${source}`, problems);
  return r.data.backends;
}

function entries(v: unknown): Array<[string, unknown]> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v) : [];
}

function member(v: unknown, key: string): unknown {
  return entries(v).find(([k]) => k === key)?.[1];
}

/** The backends whose name and configuration are valid, also from a file that is not: one error then lists every bad field. */
function wellFormedBackends(backends: unknown): Array<[string, BackendConfig]> {
  return entries(backends).flatMap(([name, c]) => {
    const parsed = BackendConfigSchema.safeParse(c);
    return NAME.test(name) && parsed.success ? [[name, parsed.data] as [string, BackendConfig]] : [];
  });
}

export function loadBackendsConfig(path: string, env: NodeJS.ProcessEnv = process.env): BackendsConfig {
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
  return parseBackendsConfig(json, path, env);
}
