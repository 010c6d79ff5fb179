// Builds StorageBackend adapters from configuration. The only place that
// knows every adapter class.
import type { BackendConfig, BackendsConfig } from '../config/backends-config.js';
import type { StorageBackend } from '../ports/storage-backend.js';
import { FilesystemBackend } from './filesystem/filesystem-backend.js';
import { createMariadbBackend } from './mariadb/config.js';
import { createPostgresBackend } from './postgres/config.js';
import { createRedisBackend } from './redis/config.js';
import { s3BackendOptions } from './s3/config.js';
import { createSqliteBackend } from './sqlite/config.js';
import { S3Backend } from './s3/s3-backend.js';

export function createBackend(name: string, config: BackendConfig): StorageBackend {
  switch (config.kind) {
    case 'filesystem':
      return new FilesystemBackend({ name, root: config.root, ...(config.threads ? { threads: config.threads } : {}) });
    case 's3':
      return new S3Backend(s3BackendOptions(name, config));
    case 'postgres':
      return createPostgresBackend(name, config);
    case 'mariadb':
      return createMariadbBackend(name, config);
    case 'sqlite':
      return createSqliteBackend(name, config);
    case 'redis':
      return createRedisBackend(name, config);
  }
}

/** Opens each configured backend lazily, once, and closes them together. */
export class BackendRegistry {
  private readonly open = new Map<string, StorageBackend>();

  constructor(private readonly config: BackendsConfig) {}

  names(): Set<string> {
    return new Set(Object.keys(this.config));
  }

  get(name: string): StorageBackend {
    let b = this.open.get(name);
    if (!b) {
      const cfg = this.config[name];
      if (!cfg) throw new Error(`no backend named ${name} is configured`);
      b = createBackend(name, cfg);
      this.open.set(name, b);
    }
    return b;
  }

  /** Opens every configured backend; throws naming the backend whose configuration does not work. */
  openAll(): void {
    for (const name of Object.keys(this.config)) {
      try {
        this.get(name);
      } catch (e) {
        throw new Error(`backend ${name}: ${(e as Error).message}`, { cause: e });
      }
    }
  }

  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map((b) => b.close()));
  }
}
