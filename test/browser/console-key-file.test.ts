// The console reads a person's key file inside the page to sign an approval
// (src/console/ui/key-file.ts): in Chromium, the keys `shredproof person
// keygen` writes, plain and encrypted with a passphrase (PBES2, PBKDF2 with
// HMAC-SHA256, AES-256-CBC, as OpenSSL makes them), give the key id of their
// .pub.pem; a wrong or missing passphrase, a public key, another curve's key
// and text that is no key are each refused with a sentence that says so.
// Also: the console's build refuses a module outside its allowed inputs.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { keyIdOf, publicKeyFromPem } from '../../packages/verify/src/core/index.js';
import { checkConsoleInputs } from '../../src/console/build.js';
import { type ChecksPage, openChecksPage } from '../helpers/browser.js';
import { spawnCli } from '../helpers/run-cli.js';
import type { KeyFileChecks } from './console-key-file-browser.js';

describe('the console\'s key file reader, in Chromium', () => {
  let checks: ChecksPage<KeyFileChecks>;
  let dir: string;
  const keygen = (name: string, passphrase?: string) => {
    const r = spawnCli(['person', 'keygen', '--name', name, '--dir', dir, ...(passphrase ? ['--passphrase-env', 'SP_TEST_PASS'] : [])], { env: { ...process.env, SP_TEST_PASS: passphrase ?? '' } });
    assert.equal(r.code, 0, r.stderr);
    return {
      pem: readFileSync(join(dir, `${name}.key.pem`), 'utf8'),
      keyid: keyIdOf(publicKeyFromPem(readFileSync(join(dir, `${name}.pub.pem`), 'utf8'))),
    };
  };
  before(async () => {
    checks = await openChecksPage('console key file', new URL('./console-key-file-browser.ts', import.meta.url), 'keyFileChecks');
    dir = mkdtempSync(join(tmpdir(), 'sp-keyfile-'));
  });
  after(async () => {
    await checks?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a plain key from person keygen gives its .pub.pem\'s key id', async () => {
    const k = keygen('bob');
    assert.doesNotMatch(k.pem, /ENCRYPTED/);
    assert.deepEqual(await checks.call('keyidOf', { pem: k.pem }), { keyid: k.keyid });
  });

  it('an encrypted key opens with its passphrase, and only with it', async () => {
    const k = keygen('erin', 'correct horse battery staple');
    assert.match(k.pem, /BEGIN ENCRYPTED PRIVATE KEY/);
    assert.deepEqual(await checks.call('keyidOf', { pem: k.pem, passphrase: 'correct horse battery staple' }), { keyid: k.keyid });
    assert.deepEqual(await checks.call('keyidOf', { pem: k.pem, passphrase: 'wrong' }), { error: 'KeyFileError: the passphrase does not open this key file' });
    assert.deepEqual(await checks.call('keyidOf', { pem: k.pem }), { error: 'KeyFileError: the key file is encrypted: give its passphrase' });
  });

  it('refuses what is not an Ed25519 private key, saying what it is not', async () => {
    const bob = keygen('carl');
    const pub = readFileSync(join(dir, 'carl.pub.pem'), 'utf8');
    assert.match(((await checks.call('keyidOf', { pem: pub })) as { error: string }).error, /not a PEM private key file/);
    const x25519 = generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    assert.deepEqual(await checks.call('keyidOf', { pem: x25519 }), { error: 'KeyFileError: the key file is not an Ed25519 private key (shredproof person keygen makes one)' });
    assert.match(((await checks.call('keyidOf', { pem: 'hello' })) as { error: string }).error, /not a PEM private key file/);
    // One changed byte of the DER: a different seed, so a different key id, never the same key.
    const body = bob.pem.split('\n');
    body[1] = body[1]!.slice(0, -2) + (body[1]!.endsWith('AA') ? 'AB' : 'AA');
    const changed = (await checks.call('keyidOf', { pem: body.join('\n') })) as { keyid?: string };
    assert.notEqual(changed.keyid, bob.keyid);
    assert.deepEqual(checks.pageErrors, []);
    assert.deepEqual(checks.networkRequests(), []);
  });
});

describe('the console\'s build', () => {
  it('accepts its own inputs and refuses any other module, naming it', () => {
    checkConsoleInputs(['src/console/ui/main.tsx', 'src/client/api-client.ts', 'packages/verify/src/core/merkle.ts', 'node_modules/preact/dist/preact.module.js']);
    assert.throws(() => checkConsoleInputs(['src/console/ui/main.tsx', 'src/adapters/ledger/sqlite/connection.ts']), /the console may not include src\/adapters\/ledger\/sqlite\/connection\.ts/);
    assert.throws(() => checkConsoleInputs(['src/app/create-order.ts']), /create-order/);
  });
});
