// The system identity of a backend (src/config/system-identity.ts), on its
// own: the default of every kind, made of the configuration's non-secret
// parts only, and every refusal, for a given identity and for a derived one.
// A refusal names `$.backends.<name>.system` and never repeats the value.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ValidationError } from '@shredproof/verify';
import { checkSystemIdentity, defaultSystem, SYSTEM_MAX_LENGTH, systemIdentityProblem, verifySystemIdentity, type SystemSource } from '../../src/config/system-identity.js';

const HOST = 'files-1';

/** The identity, or the ValidationError's one problem; asserts the error's shape and that it does not leak `leak`. */
function refusal(name: string, config: SystemSource, env: NodeJS.ProcessEnv, leak: readonly string[]): string {
  try {
    verifySystemIdentity(name, config, env, HOST);
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    assert.equal(e.code, 'VALIDATION_FAILED');
    assert.deepEqual(e.fields.map((f) => f.path), [`$.backends.${name}.system`]);
    assert.ok(e.message.includes(`backends.${name}.system: `), e.message);
    for (const l of leak.filter((v) => v.trim().length > 0)) assert.equal(e.message.includes(l), false, `the message repeats ${JSON.stringify(l)}: ${e.message}`);
    return e.fields[0]!.problem;
  }
  assert.fail(`accepted: ${JSON.stringify(config)}`);
}

describe('system identity: the default of each kind', () => {
  const cases: Array<[string, SystemSource, NodeJS.ProcessEnv, string]> = [
    ['filesystem: host and root', { kind: 'filesystem', root: '/srv/photos' }, {}, 'files-1:/srv/photos'],
    ['filesystem: a relative root, made absolute', { kind: 'filesystem', root: 'data/photos' }, {}, `files-1:${resolve('data/photos')}`],
    ['sqlite: host and file', { kind: 'sqlite', path: '/var/lib/app/app.db' }, {}, 'files-1:/var/lib/app/app.db'],
    ['s3: bucket and region', { kind: 's3', bucket: 'user-photo-archive', region: 'eu-west-1' }, {}, 's3://user-photo-archive in eu-west-1'],
    ['s3: the client default region', { kind: 's3', bucket: 'user-photo-archive' }, {}, 's3://user-photo-archive in us-east-1'],
    [
      's3: the endpoint host, without user info or path',
      { kind: 's3', bucket: 'photos', region: 'us-east-1', endpoint: 'https://admin:hunter22@minio.internal:9000/base?x=1', accessKeyIdEnv: 'K', secretAccessKeyEnv: 'S' },
      { K: 'AKIAEXAMPLE', S: 'wJalrXUtnFEMIK7MDENG' },
      's3://photos in us-east-1 at minio.internal:9000',
    ],
    [
      'postgres: host, port and database; no user, password or query',
      { kind: 'postgres', urlEnv: 'DB_URL' },
      { DB_URL: 'postgres://app:s3cr%40t-pw@db.internal:6432/accounts?sslmode=require&password=other#frag' },
      'db.internal:6432/accounts',
    ],
    ['postgres: the default port; no database', { kind: 'postgres', urlEnv: 'DB_URL' }, { DB_URL: 'postgresql://app@db.internal' }, 'db.internal:5432'],
    ['mariadb: host, port and database', { kind: 'mariadb', urlEnv: 'DB_URL' }, { DB_URL: 'mysql://root:pw-9f8e7d@10.0.0.5/shop%20eu' }, '10.0.0.5:3306/shop eu'],
    ['redis: host, port and database number', { kind: 'redis', urlEnv: 'CACHE_URL' }, { CACHE_URL: 'rediss://default:c4che-pw@cache.internal:6380/2' }, 'cache.internal:6380/2'],
    ['redis: database 0 when the URL names none', { kind: 'redis', urlEnv: 'CACHE_URL' }, { CACHE_URL: 'redis://[::1]' }, '[::1]:6379/0'],
    ['postgres: the variable unset, so name and kind', { kind: 'postgres', urlEnv: 'DB_URL' }, {}, 'accounts (postgres)'],
    ['postgres: a key=value connection string, so name and kind', { kind: 'postgres', urlEnv: 'DB_URL' }, { DB_URL: 'host=db password=x dbname=a' }, 'accounts (postgres)'],
    ['redis: a URL without a host, so name and kind', { kind: 'redis', urlEnv: 'CACHE_URL' }, { CACHE_URL: 'redis:///var/run/redis.sock' }, 'accounts (redis)'],
  ];
  for (const [what, config, env, want] of cases) {
    it(what, () => {
      assert.equal(defaultSystem('accounts', config, env, HOST), want);
      // The default passes the same check as a given identity.
      assert.equal(verifySystemIdentity('accounts', config, env, HOST), want);
    });
  }

  it('a given system is used as it is, whatever the configuration would give', () => {
    const config: SystemSource = { kind: 'postgres', urlEnv: 'DB_URL', system: 'EU accounts database (primary)' };
    assert.equal(verifySystemIdentity('accounts', config, { DB_URL: 'postgres://db.internal/accounts' }, HOST), 'EU accounts database (primary)');
  });

  it('uses the host name of this machine by default', () => {
    assert.match(verifySystemIdentity('photos', { kind: 'filesystem', root: '/srv/photos' }), /^[^:]+:\/srv\/photos$/);
  });
});

describe('system identity: what is refused', () => {
  const fs = (system: string): SystemSource => ({ kind: 'filesystem', root: '/srv/photos', system });
  const refused: Array<[string, string, RegExp]> = [
    ['empty', '', /empty/],
    ['blank', '   ', /empty/],
    [`longer than ${SYSTEM_MAX_LENGTH} characters`, 'x'.repeat(SYSTEM_MAX_LENGTH + 1), /257 characters, longer than 256/],
    ['a line feed', 'files-1:/srv/photos\nVALID', /control/],
    ['NUL', 'files-1:/srv/\u0000photos', /control/],
    ['ESC (ECMA-48)', 'files-1:\u001b[2K/srv/photos', /control/],
    ['DEL', 'files-1:/srv/photos\u007f', /control/],
    ['a C1 control (NEL)', 'files-1:/srv/photos\u0085', /control/],
    ['a bidirectional override', 'files-1:/srv/\u202ephotos', /control/],
    ['a line separator', 'files-1:/srv/photos\u2028x', /control/],
    ['a lone surrogate', 'files-1:/srv/photos\ud800', /lone surrogate/],
    ['a URL with user and password', 'postgres://app:hunter22@db.internal/accounts', /URL with user info/],
    ['a URL with a user', 'https://admin@minio.internal:9000/photos', /URL with user info/],
    ['a URL with user info, any case of scheme', 'HTTPS://a:b@minio.internal', /URL with user info/],
    ['user@host without a scheme', 'app@db.internal:5432/accounts', /user info/],
    ['user:password@host without a scheme', 'primary (app:hunter22@db.internal)', /user info/],
    ['a URL with a query string', 'https://minio.internal:9000/photos?X-Amz-Signature=abc', /query string or a fragment/],
    ['a URL with an empty query string', 'https://minio.internal:9000/photos?', /query string or a fragment/],
    ['a URL with a fragment', 'https://minio.internal/photos#k=v', /query string or a fragment/],
    ['password=', 'db.internal password=x', /"password"/],
    ['PASSWORD, any case', 'db.internal PASSWORD', /"password"/],
    ['passwd', 'db.internal passwd', /"passwd"/],
    ['pwd=', 'db.internal pwd=x', /"pwd="/],
    ['secret', 'db.internal Client_Secret', /"secret"/],
    ['token', 'vault token s.abc', /"token"/],
    ['apikey', 'apikey abc', /"apikey"/],
    ['api_key', 'svc API_KEY', /"api_key"/],
    ['api-key', 'svc api-key', /"api-key"/],
    ['access_key', 'bucket access_key', /"access_key"/],
    ['AccessKey', 'bucket AccessKeyId', /"accesskey"/],
    ['sessionid', 'app SessionID=1', /"sessionid"/],
    ['session_id', 'app session_id', /"session_id"/],
  ];
  for (const [what, system, reason] of refused) {
    it(what, () => assert.match(refusal('photos', fs(system), {}, [system]), reason));
  }

  it('accepts the longest identity, and names with URLs that carry no credential', () => {
    for (const ok of ['x'.repeat(SYSTEM_MAX_LENGTH), 'eu-west-1 photo archive, bucket user-photo-archive', 'https://minio.internal:9000/photos', 's3://photos in us-east-1', 'files-1:/srv/photos@2x', 'Fotos über Ä (Ω) 写真 😀']) {
      assert.equal(verifySystemIdentity('photos', fs(ok), {}, HOST), ok);
    }
  });

  it('the value of a credential variable of an s3 backend, when it is set', () => {
    const config = (system: string): SystemSource => ({ kind: 's3', bucket: 'photos', accessKeyIdEnv: 'ARCHIVE_KEY_ID', secretAccessKeyEnv: 'ARCHIVE_SECRET', system });
    const env = { ARCHIVE_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', ARCHIVE_SECRET: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const id = refusal('archive', config('photos AKIAIOSFODNN7EXAMPLE'), env, [env.ARCHIVE_KEY_ID]);
    assert.match(id, /credential \(environment variable ARCHIVE_KEY_ID, accessKeyIdEnv\)/);
    const secret = refusal('archive', config('photos wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'), env, [env.ARCHIVE_SECRET]);
    assert.match(secret, /credential \(environment variable ARCHIVE_SECRET, secretAccessKeyEnv\)/);
    // Unset, or named by another backend: nothing to compare with.
    assert.equal(verifySystemIdentity('archive', config('photos AKIAIOSFODNN7EXAMPLE'), {}, HOST), 'photos AKIAIOSFODNN7EXAMPLE');
  });

  it('the password in the URL of a postgres, mariadb or redis backend, as written and decoded', () => {
    for (const kind of ['postgres', 'mariadb', 'redis'] as const) {
      const env = { STORE_URL: `${kind === 'mariadb' ? 'mysql' : kind}://app:Tr0ub4dor%263@store.internal/1` };
      for (const shown of ['Tr0ub4dor%263', 'Tr0ub4dor&3']) {
        const p = refusal('store', { kind, urlEnv: 'STORE_URL', system: `store.internal ${shown}` }, env, ['Tr0ub4dor']);
        assert.match(p, /the password in environment variable STORE_URL, urlEnv/);
      }
      // The user name is not a secret, and the URL without its password is what the default shows.
      assert.equal(verifySystemIdentity('store', { kind, urlEnv: 'STORE_URL', system: 'app on store.internal' }, env, HOST), 'app on store.internal');
    }
  });

  it('a derived default by the same rules, saying to set system', () => {
    const p = refusal('cache', { kind: 'filesystem', root: '/srv/tokens' }, {}, ['/srv/tokens']);
    assert.match(p, /"token".*default for a filesystem backend: set system/);
    // A database named like its password: the default would show the password.
    const env = { DB_URL: 'postgres://app:accounts2024@db.internal/accounts2024' };
    assert.match(refusal('accounts', { kind: 'postgres', urlEnv: 'DB_URL' }, env, ['accounts2024']), /password in environment variable DB_URL.*set system/);
  });

  it('checkSystemIdentity answers the identity and its problems without throwing', () => {
    assert.deepEqual(checkSystemIdentity('photos', { kind: 'filesystem', root: '/srv/photos' }, {}, HOST), { system: 'files-1:/srv/photos', problems: [] });
    const bad = checkSystemIdentity('photos', fs('a token'), {}, HOST);
    assert.deepEqual(bad.problems.map((p) => p.path), ['$.backends.photos.system']);
  });

  it('systemIdentityProblem is the one check, with the secrets given to it', () => {
    assert.equal(systemIdentityProblem('db.internal:5432/accounts'), undefined);
    assert.match(systemIdentityProblem('db.internal:5432/accounts', [{ value: '5432/acc', from: 'X' }]) ?? '', /credential \(X\)/);
    assert.equal(systemIdentityProblem('db.internal', [{ value: '', from: 'X' }]), undefined, 'an empty secret is no secret');
  });
});
