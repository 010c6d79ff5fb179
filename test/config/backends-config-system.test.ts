// `system` in the backends file (docs/ORDERS.md section 3): a bad one is
// refused when the file is loaded, with the field named, the value and any
// credential left out of the message, every other bad field listed too, and
// nothing changed (the file, the store, the data directory: `serve` does
// not start). The registry hands each backend out with its identity, given
// or derived, where the engine reads `kind` and `persistence`.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ValidationError } from '@shredproof/verify';
import { BackendRegistry } from '../../src/adapters/storage/registry.js';
import type { StorageBackend } from '../../src/app/ports/storage-backend.js';
import { loadBackendsConfig, parseBackendsConfig, type BackendsConfig } from '../../src/config/backends-config.js';
import { spawnCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-system-'));
const root = join(dir, 'photos');
after(() => rmSync(dir, { recursive: true, force: true }));
before(() => {
  mkdirSync(join(root, 'users', '4711'), { recursive: true });
  writeFileSync(join(root, 'users', '4711', 'a.jpg'), 'jpeg bytes');
});

/** Every file under a directory with its content: what "changes nothing" compares. */
function snapshot(d: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(d, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name)] = readFileSync(join(e.parentPath, e.name), 'base64');
  }
  return out;
}

function invalid(f: () => unknown): ValidationError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    assert.equal(e.code, 'VALIDATION_FAILED');
    return e;
  }
  assert.fail('accepted');
}

describe('the backends file: system', () => {
  it('is optional; the file is returned as written, with or without it', () => {
    const file = { backends: { photos: { kind: 'filesystem', root: '/srv/photos' }, archive: { kind: 's3', bucket: 'user-photo-archive', system: 'photo archive, eu-west-1' } } };
    assert.deepEqual(parseBackendsConfig(file, 'backends', {}), file.backends);
  });

  it('a bad one is refused with the field named, and every other bad field listed with it', () => {
    const e = invalid(() =>
      parseBackendsConfig(
        {
          backends: {
            photos: { kind: 'filesystem', root: '/srv/photos', system: 'https://admin:hunter22@files.internal/photos' },
            tapes: { kind: 'tape' },
            exports: { kind: 'filesystem', root: '/srv/exports', system: 42 },
            cache: { kind: 'filesystem', root: '/srv/cache', system: 'cache\u001b[2K' },
          },
        },
        'backends',
        {},
      ),
    );
    assert.deepEqual(e.fields.map((f) => f.path).sort(), ['$.backends.cache.system', '$.backends.exports.system', '$.backends.photos.system', '$.backends.tapes.kind']);
    assert.ok(e.message.includes('backends.photos.system: '), e.message);
    assert.equal(e.message.includes('hunter22'), false, e.message);
  });

  it('a credential of the backend, from the environment, is refused; the message never shows it', () => {
    const env = { ARCHIVE_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', ARCHIVE_SECRET: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const archive = (system: string) => ({ backends: { archive: { kind: 's3', bucket: 'photos', accessKeyIdEnv: 'ARCHIVE_KEY_ID', secretAccessKeyEnv: 'ARCHIVE_SECRET', system } } });
    const e = invalid(() => parseBackendsConfig(archive(`photos ${env.ARCHIVE_SECRET}`), 'backends', env));
    assert.deepEqual(e.fields.map((f) => f.path), ['$.backends.archive.system']);
    assert.equal(e.message.includes(env.ARCHIVE_SECRET), false, e.message);
    // Not set here: nothing to compare with, and the same text is only text.
    assert.equal(parseBackendsConfig(archive(`photos ${env.ARCHIVE_SECRET}`), 'backends', {}).archive!.system, `photos ${env.ARCHIVE_SECRET}`);
  });

  it('a default from the URL in the environment is checked at load too', () => {
    const file = { backends: { accounts: { kind: 'postgres', urlEnv: 'ACCOUNTS_DB_URL' } } };
    assert.doesNotThrow(() => parseBackendsConfig(file, 'backends', { ACCOUNTS_DB_URL: 'postgres://app:Xk29-pw@db.internal/accounts' }));
    const e = invalid(() => parseBackendsConfig(file, 'backends', { ACCOUNTS_DB_URL: 'postgres://app:accounts@db.internal/accounts' }));
    assert.deepEqual(e.fields.map((f) => f.path), ['$.backends.accounts.system']);
    assert.match(e.fields[0]!.problem, /set system/);
  });

  it('from a file: refused at load, naming the file and the field; the file and the store are unchanged', () => {
    const file = join(dir, 'bad-backends.json');
    writeFileSync(file, JSON.stringify({ backends: { photos: { kind: 'filesystem', root, system: `photos ${'?'.repeat(3)} token=abc` } } }));
    const before = { ...snapshot(root), [file]: readFileSync(file, 'base64') };
    const e = invalid(() => loadBackendsConfig(file, {}));
    assert.ok(e.message.startsWith(`invalid ${file}: $.backends.photos.system: `), e.message);
    assert.equal(e.message.includes('token=abc'), false, e.message);
    assert.deepEqual({ ...snapshot(root), [file]: readFileSync(file, 'base64') }, before);
  });

  it('shredproof serve refuses to start on it, names the field and creates nothing', () => {
    const file = join(dir, 'serve-backends.json');
    const data = join(dir, 'data');
    writeFileSync(file, JSON.stringify({ backends: { photos: { kind: 'filesystem', root, system: 'postgres://app:hunter22@db.internal/photos' } } }));
    const before = snapshot(root);
    const r = spawnCli(['serve', '--port', '0'], { env: { SHREDPROOF_BACKENDS: file, DATA_DIR: data, SHREDPROOF_ISSUER: 'System Test Ltd', REDIS_URL: 'redis://127.0.0.1:9' } });
    assert.notEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /\$\.backends\.photos\.system: contains a URL with user info/);
    assert.equal(`${r.stdout}${r.stderr}`.includes('hunter22'), false);
    assert.equal(existsSync(data), false, 'serve made its data directory');
    assert.deepEqual(snapshot(root), before);
  });
});

describe('the registry: each backend with its system', () => {
  const vars = { SP_SYSTEM_PG_URL: 'postgres://app:pg-Xk29@127.0.0.1:1/accounts?sslmode=disable', SP_SYSTEM_MARIADB_URL: 'mysql://root:my-Xk29@127.0.0.1:1/shop', SP_SYSTEM_REDIS_URL: 'redis://:rd-Xk29@127.0.0.1:1/3' };
  before(() => Object.assign(process.env, vars));
  after(() => {
    for (const k of Object.keys(vars)) delete process.env[k];
  });

  it('given, or the default of each kind; kind, method and persistence as the adapter says', async () => {
    const db = join(dir, 'app.db');
    writeFileSync(db, '');
    const config: BackendsConfig = {
      photos: { kind: 'filesystem', root, threads: 1 },
      named: { kind: 'filesystem', root, threads: 1, system: 'photo store, files-1' },
      archive: { kind: 's3', bucket: 'user-photo-archive', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true },
      accounts: { kind: 'postgres', urlEnv: 'SP_SYSTEM_PG_URL' },
      shop: { kind: 'mariadb', urlEnv: 'SP_SYSTEM_MARIADB_URL' },
      local: { kind: 'sqlite', path: db },
      cache: { kind: 'redis', urlEnv: 'SP_SYSTEM_REDIS_URL' },
    };
    const registry = await new BackendRegistry(parseBackendsConfig({ backends: config })).load();
    try {
      const want: Record<string, [string, string]> = {
        photos: ['filesystem', `${hostname()}:${root}`],
        named: ['filesystem', 'photo store, files-1'],
        archive: ['s3', 's3://user-photo-archive in eu-west-1 at 127.0.0.1:9'],
        accounts: ['postgres', '127.0.0.1:1/accounts'],
        shop: ['mariadb', '127.0.0.1:1/shop'],
        local: ['sqlite', `${hostname()}:${db}`],
        cache: ['redis', '127.0.0.1:1/3'],
      };
      for (const [name, [kind, system]] of Object.entries(want)) {
        const b = registry.get(name);
        assert.deepEqual([b.name, b.kind, b.system], [name, kind, system]);
        assert.ok(b.persistence.length > 0 && typeof b.method === 'string', name);
        assert.equal(/Xk29|app:|root:/.test(b.system), false, `${name}: ${b.system}`);
      }
      // How tests wrap a backend (Object.create, an own openTarget) keeps what finalize reads.
      const wrapped = Object.assign(Object.create(registry.get('photos')) as StorageBackend, { openTarget: () => Promise.reject(new Error('x')) });
      assert.deepEqual([wrapped.kind, wrapped.system, wrapped.persistence], ['filesystem', `${hostname()}:${root}`, registry.get('photos').persistence]);
    } finally {
      await registry.close();
    }
  });

  it('a bad system stops the backend before it is built, naming the backend and the field', async () => {
    // A root that does not exist: had the backend been built first, realpath would have failed instead.
    const registry = await new BackendRegistry({ photos: { kind: 'filesystem', root: join(dir, 'missing'), system: 'files-1 secret photos' } }).load();
    try {
      assert.throws(() => registry.get('photos'), (e: unknown) => e instanceof ValidationError && e.fields[0]?.path === '$.backends.photos.system');
      assert.throws(() => registry.openAll(), (e: unknown) => e instanceof Error && e.message.startsWith('backend photos: ') && e.cause instanceof ValidationError);
    } finally {
      await registry.close();
    }
  });
});
