// Builds StorageBackend adapters from configuration. The only place that
// knows every adapter class.
import type { BackendConfig, BackendsConfig } from '../../config/backends-config.js';
import type { HoldSpec, StorageBackend, TargetBinding, TargetSession } from '../../app/ports/storage-backend.js';
import { verifySystemIdentity } from '../../config/system-identity.js';

type Kind = BackendConfig['kind'];
type Factory<K extends Kind> = (name: string, config: Extract<BackendConfig, { kind: K }>) => StorageBackend;

/**
 * Each kind's code, imported when a configuration first uses that kind: the
 * drivers (the AWS SDK, pg, mysql2) add to an idle worker's memory and to its
 * start-up time, and a worker for a filesystem needs none of them (figures:
 * bench/RESULTS.md, 'Measurements behind the code').
 */
const LOADERS: { [K in Kind]: () => Promise<Factory<K>> } = {
  filesystem: async () => {
    const { FilesystemBackend } = await import('./filesystem/filesystem-backend.js');
    return (name, c) => new FilesystemBackend({ name, root: c.root, ...(c.threads ? { threads: c.threads } : {}) });
  },
  s3: async () => {
    // The SDK warns, 7 lines on stderr at every start, that SDK versions after
    // January 2027 will need Node 22. package.json pins the SDK, so that warning
    // is about versions this build does not use; whoever sets the variable keeps their choice.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const [{ S3Backend }, { s3BackendOptions }] = await Promise.all([import('./s3/s3-backend.js'), import('./s3/config.js')]);
    return (name, c) => new S3Backend(s3BackendOptions(name, c));
  },
  postgres: async () => (await import('./postgres/create.js')).createPostgresBackend,
  mariadb: async () => (await import('./mariadb/create.js')).createMariadbBackend,
  sqlite: async () => (await import('./sqlite/create.js')).createSqliteBackend,
  redis: async () => (await import('./redis/create.js')).createRedisBackend,
};

/**
 * A backend as the registry hands it out: the adapter, named by the system
 * identity its configuration gives or implies (src/config/system-identity.ts),
 * which the certificate carries as targets[].system. The builders in
 * <kind>/create.ts take no identity, so it is added here, around what they build.
 */
class IdentifiedBackend implements StorageBackend {
  constructor(
    private readonly backend: StorageBackend,
    readonly system: string,
  ) {}

  get name(): string {
    return this.backend.name;
  }
  get kind(): string {
    return this.backend.kind;
  }
  get method(): StorageBackend['method'] {
    return this.backend.method;
  }
  get persistence(): readonly string[] {
    return this.backend.persistence;
  }
  openTarget(scope: unknown, holds: readonly HoldSpec[], binding?: TargetBinding): Promise<TargetSession> {
    return this.backend.openTarget(scope, holds, binding);
  }
  close(): Promise<void> {
    return this.backend.close();
  }
}

/** Opens each configured backend lazily, once, and closes them together. */
export class BackendRegistry {
  private readonly open = new Map<string, StorageBackend>();
  private readonly factories = new Map<Kind, Factory<Kind>>();

  constructor(private readonly config: BackendsConfig) {}

  /** Imports the code of every kind the configuration uses; call once before get() or openAll(). */
  async load(): Promise<this> {
    for (const kind of new Set(Object.values(this.config).map((c) => c.kind))) {
      if (!this.factories.has(kind)) this.factories.set(kind, (await LOADERS[kind]()) as Factory<Kind>);
    }
    return this;
  }

  names(): Set<string> {
    return new Set(Object.keys(this.config));
  }

  get(name: string): StorageBackend {
    let b = this.open.get(name);
    if (!b) {
      const cfg = this.config[name];
      if (!cfg) throw new Error(`no backend named ${name} is configured`);
      const factory = this.factories.get(cfg.kind);
      if (!factory) throw new Error(`backend ${name}: its kind ${cfg.kind} is not loaded (BackendRegistry.load() was not called)`);
      // Checked before anything is built: an identity that could carry a credential stops the backend here.
      const system = verifySystemIdentity(name, cfg);
      b = new IdentifiedBackend(factory(name, cfg as never), system);
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
