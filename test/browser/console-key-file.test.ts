// The console reads a person's key file inside the page to sign an approval
// (src/console/ui/key-file.ts): in Chromium, the keys `shredproof person
// keygen` writes, plain and encrypted with a passphrase (PBES2, PBKDF2 with
// HMAC-SHA256, AES-256-CBC, as OpenSSL makes them), give the key id of their
// .pub.pem; a wrong or missing passphrase, a public key, another curve's key
// and text that is no key are each refused with a sentence that says so.
// Then the reader's edges, each refused with a KeyFileError and its sentence:
// damaged DER (cut short, garbage, wrong tags, too few parts), bad base64, a
// damaged IV or ciphertext length (damage, not a wrong passphrase), an
// oversize text; and PKCS#8 version 2 keys (RFC 5958, with their public key),
// read when their public key is their own and refused when it is not.
// Also: the console's build refuses a module outside its allowed inputs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createCipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, pbkdf2Sync, randomBytes } from 'node:crypto';
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

// DER (X.690) written by hand for the keys below, in the shapes OpenSSL writes (`openssl asn1parse` shows them).
const derLength = (n: number) => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
const der = (tag: number, ...body: Uint8Array[]) => {
  const b = Buffer.concat(body);
  return Buffer.concat([Buffer.from([tag, ...derLength(b.length)]), b]);
};
const seq = (...items: Uint8Array[]) => der(0x30, ...items);
const octets = (b: Uint8Array) => der(0x04, b);
const integer = (n: number) => der(0x02, Buffer.from(n < 0x80 ? [n] : [n >> 8, n & 0xff]));
const oid = (hex: string) => der(0x06, Buffer.from(hex, 'hex'));
const NULL = Buffer.from([0x05, 0x00]);
const pemOf = (label: string, b: Uint8Array) => `-----BEGIN ${label}-----\n${Buffer.from(b).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
// OIDs (DER bodies): Ed25519 1.3.101.112, PBES2, PBKDF2, hmacWithSHA256, aes256-CBC.
const ED25519 = '2b6570';
const [PBES2, PBKDF2, HMAC_SHA256, AES256_CBC] = ['2a864886f70d01050d', '2a864886f70d01050c', '2a864886f70d0209', '60864801650304012a'];

/**
 * An Ed25519 PKCS#8 key: version 0 (PrivateKeyInfo) as OpenSSL writes it, or,
 * given a public key, version 1 (OneAsymmetricKey, RFC 5958): the same three
 * parts, then the [0] attributes if any (given encoded) and the public key as
 * [1] IMPLICIT BIT STRING (tag 0x81, a 0 byte of unused bits, the 32 bytes).
 * OpenSSL 3.0 neither writes nor reads version 1 (`openssl pkey` says "wrong
 * tag"), so version 1 keys are made here from an OpenSSL key's seed and
 * public key, and the builder is checked against RFC 8410's own example.
 */
function pkcs8(seed: Uint8Array, o: { version?: number; publicKey?: Uint8Array; attributes?: Uint8Array } = {}): Buffer {
  return seq(integer(o.version ?? (o.publicKey ? 1 : 0)), seq(oid(ED25519)), octets(octets(seed)), ...(o.attributes ? [o.attributes] : []), ...(o.publicKey ? [der(0x81, Buffer.from([0]), o.publicKey)] : []));
}

/**
 * An EncryptedPrivateKeyInfo as OpenSSL 3 writes one (PBES2: PBKDF2 with
 * HMAC-SHA256, 2,048 iterations, AES-256-CBC), encrypted with node:crypto;
 * `iv` and `ciphertext` change what the file carries after encrypting (damage).
 */
function encryptKey(plain: Uint8Array, passphrase: string, damage: { iv?: (iv: Buffer) => Buffer; ciphertext?: (c: Buffer) => Buffer } = {}): Buffer {
  const salt = randomBytes(8);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(passphrase, salt, 2048, 32, 'sha256');
  const c = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([c.update(plain), c.final()]);
  const params = seq(seq(oid(PBKDF2), seq(octets(salt), integer(2048), seq(oid(HMAC_SHA256), NULL))), seq(oid(AES256_CBC), octets(damage.iv?.(iv) ?? iv)));
  return seq(seq(oid(PBES2), params), octets(damage.ciphertext?.(ciphertext) ?? ciphertext));
}

function openssl(args: string[], input?: Uint8Array): Buffer {
  const r = spawnSync('openssl', args, { ...(input ? { input } : {}) });
  assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A key OpenSSL made (`openssl genpkey -algorithm ed25519`, version 0): its PEM, seed, public key and key id. */
function opensslKey() {
  const pem = openssl(['genpkey', '-algorithm', 'ed25519']).toString();
  const v0 = openssl(['pkey', '-outform', 'DER'], Buffer.from(pem));
  const spki = openssl(['pkey', '-pubout', '-outform', 'DER'], Buffer.from(pem));
  assert.equal(v0.length, 48); // 302e 020100 300506032b6570 04220420 and the seed
  assert.equal(spki.length, 44); // 302a 300506032b6570 032100 and the public key
  const seed = v0.subarray(16);
  const publicKey = spki.subarray(12);
  assert.deepEqual(pkcs8(seed), v0, 'the builder writes version 0 as OpenSSL does');
  return { pem, v0, seed, publicKey, keyid: keyIdOf(publicKey) };
}

// RFC 8410 section 10.3: an Ed25519 OneAsymmetricKey (version 1) with an attribute and its public key.
const RFC8410_V2 = `-----BEGIN PRIVATE KEY-----
MHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
oB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrB
Z9w7lshQhqowtrbLDFw4rXAxZuE=
-----END PRIVATE KEY-----
`;

describe('the console\'s key file reader, on damaged, foreign and version 2 keys, in Chromium', () => {
  let checks: ChecksPage<KeyFileChecks>;
  before(async () => {
    checks = await openChecksPage('console key file edges', new URL('./console-key-file-browser.ts', import.meta.url), 'keyFileChecks');
  });
  after(async () => {
    await checks?.close();
  });
  /** The reader's answer: the key id, or the message of a KeyFileError (anything else thrown fails here). */
  const read = async (pem: string, passphrase?: string): Promise<string> => {
    const r = (await checks.call('refusalOf', { pem, ...(passphrase === undefined ? {} : { passphrase }) })) as { keyid?: string; error?: string; keyFileError?: boolean };
    if (r.keyid) return r.keyid;
    assert.equal(r.keyFileError, true, `not a KeyFileError: ${r.error}`);
    return r.error!;
  };
  const NOT_PKCS8 = 'the key file is not a PKCS#8 private key as OpenSSL writes one: ';
  const NOT_PBES2 = 'the encrypted key file is not PBES2 parameters as OpenSSL writes them: ';
  const PASS = 'open sesame';

  it('reads the keys OpenSSL writes, plain and encrypted (PBES2, HMAC-SHA256, AES-256-CBC), and the ones built here as OpenSSL does', async () => {
    const k = opensslKey();
    assert.equal(await read(k.pem), k.keyid);
    const encrypted = openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256', '-passout', `pass:${PASS}`], Buffer.from(k.pem)).toString();
    assert.equal(await read(encrypted, PASS), k.keyid);
    assert.equal(await read(encrypted, 'not it'), 'the passphrase does not open this key file');
    // The builders' own files, which OpenSSL (node:crypto) reads too: the damage below is all they differ by.
    const built = pemOf('ENCRYPTED PRIVATE KEY', encryptKey(k.v0, PASS));
    assert.equal(createPublicKey(createPrivateKey({ key: built, passphrase: PASS })).export({ type: 'spki', format: 'der' }).subarray(12).toString('hex'), Buffer.from(k.publicKey).toString('hex'));
    assert.equal(await read(built, PASS), k.keyid);
    assert.equal(await read(pemOf('PRIVATE KEY', pkcs8(k.seed))), k.keyid);
    // With no hash named, PBKDF2 is HMAC-SHA1 (OpenSSL writes none then): said so, not taken for a wrong passphrase.
    const sha1 = openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA1', '-passout', `pass:${PASS}`], Buffer.from(k.pem)).toString();
    assert.equal(await read(sha1, PASS), 'the key file uses a PBKDF2 hash other than SHA-256 (HMAC-SHA1, which it names by naming none)');
  });

  it('reads a version 2 key (RFC 5958) whose public key is its own, plain and encrypted, and refuses one with another key\'s', async () => {
    // RFC 8410's example, rebuilt from its seed, its public key and its attribute: the builder writes what the RFC shows.
    const rfc = Buffer.from(RFC8410_V2.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const rfcSeed = rfc.subarray(16, 48);
    const rfcPublicKey = rfc.subarray(rfc.length - 32);
    const attributes = rfc.subarray(48, rfc.length - 35);
    assert.equal(attributes[0], 0xa0);
    assert.deepEqual(pkcs8(rfcSeed, { publicKey: rfcPublicKey, attributes }), rfc);
    const rfcDerived = createPublicKey(createPrivateKey({ key: pkcs8(rfcSeed), format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' }).subarray(12);
    assert.deepEqual(rfcDerived, rfcPublicKey, 'the RFC\'s public key is its seed\'s');
    assert.equal(await read(RFC8410_V2), keyIdOf(rfcPublicKey));

    // An OpenSSL key's seed with its own public key, as version 1: the same key id as the version 0 file.
    const k = opensslKey();
    const v2 = pkcs8(k.seed, { publicKey: k.publicKey });
    assert.equal(await read(pemOf('PRIVATE KEY', v2)), k.keyid);
    assert.equal(await read(pemOf('PRIVATE KEY', pkcs8(k.seed, { publicKey: k.publicKey, attributes }))), k.keyid);
    assert.equal(await read(pemOf('ENCRYPTED PRIVATE KEY', encryptKey(v2, PASS)), PASS), k.keyid);

    // Another key's public key: refused, never signed with (plain or encrypted).
    const other = opensslKey();
    const WRONG = 'the key file\'s public key is not the public key of its private key: the file is damaged or was put together wrongly';
    const wrong = pkcs8(k.seed, { publicKey: other.publicKey });
    assert.equal(await read(pemOf('PRIVATE KEY', wrong)), WRONG);
    assert.equal(await read(pemOf('ENCRYPTED PRIVATE KEY', encryptKey(wrong, PASS)), PASS), WRONG);
    const flipped = Buffer.from(k.publicKey);
    flipped[31]! ^= 1;
    assert.equal(await read(pemOf('PRIVATE KEY', pkcs8(k.seed, { publicKey: flipped }))), WRONG);

    // What a version 2 key may not be.
    assert.equal(await read(pemOf('PRIVATE KEY', pkcs8(k.seed, { version: 0, publicKey: k.publicKey }))), `${NOT_PKCS8}the private key is version 0 but carries a public key, which only version 1 (RFC 5958) may`);
    assert.equal(await read(pemOf('PRIVATE KEY', pkcs8(k.seed, { version: 2 }))), `${NOT_PKCS8}the private key's version is 2, not 0 (PKCS#8) or 1 (RFC 5958)`);
    assert.equal(await read(pemOf('PRIVATE KEY', pkcs8(k.seed, { publicKey: k.publicKey.subarray(0, 31) }))), `${NOT_PKCS8}the private key's public key is 31 bytes, not 32`);
    assert.equal(await read(pemOf('PRIVATE KEY', seq(integer(1), seq(oid(ED25519)), octets(octets(k.seed)), der(0x81, Buffer.from([0]), k.publicKey), NULL))), `${NOT_PKCS8}the private key has a NULL after its key, where only [0] attributes and then a [1] public key may be`);
    assert.equal(await read(pemOf('PRIVATE KEY', pkcs8(k.seed, { publicKey: k.publicKey, attributes: der(0xa0) }))), k.keyid);
    const publicThenAttributes = seq(integer(1), seq(oid(ED25519)), octets(octets(k.seed)), der(0x81, Buffer.from([0]), k.publicKey), der(0xa0));
    assert.equal(await read(pemOf('PRIVATE KEY', publicThenAttributes)), `${NOT_PKCS8}the private key has a [0] after its key, where only [0] attributes and then a [1] public key may be`);
  });

  it('refuses a plain key\'s DER that is cut short, garbage, or of another structure, saying what is wrong', async () => {
    const k = opensslKey();
    const plain = (b: Uint8Array) => read(pemOf('PRIVATE KEY', b));
    for (const n of [1, 2, 5, 15, 16, 47]) assert.match(await plain(k.v0.subarray(0, n)), /^the key file is not a PKCS#8 private key as OpenSSL writes one: .* is cut short$/, `cut to ${n} bytes`);
    assert.equal(await plain(k.v0.subarray(0, 47)), `${NOT_PKCS8}the private key is cut short`);
    assert.equal(await plain(k.v0.subarray(0, 15)), `${NOT_PKCS8}the private key is cut short`);
    assert.equal(await read('-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n'), 'the key file\'s PRIVATE KEY block is empty');
    assert.equal(await plain(Buffer.from('garbage, not DER at all')), `${NOT_PKCS8}the private key is tag 0x67, not a SEQUENCE`);
    assert.equal(await plain(Buffer.from([0x30, 0x84, 1, 2, 3, 4])), `${NOT_PKCS8}the private key has a length this page does not read`);
    assert.equal(await plain(Buffer.concat([k.v0, Buffer.from([0])])), `${NOT_PKCS8}the private key has 1 byte(s) after its end`);
    // Wrong tags, part by part.
    assert.equal(await plain(seq(octets(Buffer.from([0])), seq(oid(ED25519)), octets(octets(k.seed)))), `${NOT_PKCS8}the private key's version is an OCTET STRING, not an INTEGER`);
    assert.equal(await plain(seq(integer(0), oid(ED25519), octets(octets(k.seed)))), `${NOT_PKCS8}the private key's algorithm is an OBJECT IDENTIFIER, not a SEQUENCE`);
    assert.equal(await plain(seq(integer(0), seq(octets(Buffer.from(ED25519, 'hex'))), octets(octets(k.seed)))), `${NOT_PKCS8}the OID of the private key's algorithm is an OCTET STRING, not an OBJECT IDENTIFIER`);
    assert.equal(await plain(seq(integer(0), seq(oid(ED25519)), der(0x03, octets(k.seed)))), `${NOT_PKCS8}the private key's key is tag 0x03, not an OCTET STRING`);
    assert.equal(await plain(seq(integer(0), seq(oid(ED25519)), octets(seq(k.seed)))), `${NOT_PKCS8}the Ed25519 private key is a SEQUENCE, not an OCTET STRING`);
    assert.equal(await plain(seq(integer(0), seq(oid(ED25519)), octets(Buffer.alloc(32, 0x11)))), `${NOT_PKCS8}the Ed25519 private key is tag 0x11, not an OCTET STRING`);
    assert.equal(await plain(seq(integer(0), seq(oid(ED25519)), octets(octets(k.seed.subarray(0, 31))))), `${NOT_PKCS8}the Ed25519 private key is 31 bytes, not 32`);
    assert.equal(await plain(seq(integer(0), seq(oid(ED25519), NULL), octets(octets(k.seed)))), `${NOT_PKCS8}the private key's Ed25519 algorithm has parameters; RFC 8410 gives it none`);
    // Too few (or too many) parts.
    assert.equal(await plain(seq()), `${NOT_PKCS8}the private key has 0 part(s), not 3 to 5`);
    assert.equal(await plain(seq(integer(0), seq(oid(ED25519)))), `${NOT_PKCS8}the private key has 2 part(s), not 3 to 5`);
    assert.equal(await plain(seq(integer(0), seq(), octets(octets(k.seed)))), `${NOT_PKCS8}the private key's algorithm has 0 part(s), not 1 to 2`);
    assert.equal(await plain(seq(integer(0), seq(oid(ED25519)), octets(octets(k.seed)), NULL, NULL, NULL)), `${NOT_PKCS8}the private key has more than 5 part(s)`);
    // Another algorithm is not taken for damage.
    assert.equal(await plain(seq(integer(0), seq(oid('2b6571')), octets(octets(randomBytes(57))))), 'the key file is not an Ed25519 private key (shredproof person keygen makes one)');
  });

  it('refuses an encrypted key\'s DER that is cut short, garbage, or of another structure, with the right passphrase too', async () => {
    const k = opensslKey();
    const good = encryptKey(k.v0, PASS);
    const encrypted = (b: Uint8Array) => read(pemOf('ENCRYPTED PRIVATE KEY', b), PASS);
    for (const n of [1, 2, 3, 20, 60, 90, good.length - 1]) assert.match(await encrypted(good.subarray(0, n)), /^the encrypted key file is not PBES2 parameters as OpenSSL writes them: .* is cut short$/, `cut to ${n} bytes`);
    assert.equal(await encrypted(good.subarray(0, good.length - 1)), `${NOT_PBES2}the encrypted key is cut short`);
    assert.equal(await read('-----BEGIN ENCRYPTED PRIVATE KEY-----\n\n-----END ENCRYPTED PRIVATE KEY-----\n', PASS), 'the key file\'s ENCRYPTED PRIVATE KEY block is empty');
    assert.equal(await encrypted(Buffer.from('garbage, not DER at all')), `${NOT_PBES2}the encrypted key is tag 0x67, not a SEQUENCE`);
    const scheme = (params: Uint8Array) => seq(oid(PBES2), params);
    const ct = octets(randomBytes(64));
    const kdf = (...params: Uint8Array[]) => seq(oid(PBKDF2), seq(...params));
    const cipher = seq(oid(AES256_CBC), octets(randomBytes(16)));
    const prf = seq(oid(HMAC_SHA256), NULL);
    // Too few parts, at each level.
    assert.equal(await encrypted(seq(scheme(seq(kdf(octets(randomBytes(8)), integer(2048), prf), cipher)))), `${NOT_PBES2}the encrypted key has 1 part(s), not 2`);
    assert.equal(await encrypted(seq(seq(oid(PBES2)), ct)), `${NOT_PBES2}the PBES2 scheme has no parameters`);
    assert.equal(await encrypted(seq(scheme(seq(kdf(octets(randomBytes(8)), integer(2048), prf))), ct)), `${NOT_PBES2}the PBES2 parameter list has 1 part(s), not 2`);
    assert.equal(await encrypted(seq(scheme(seq(kdf(octets(randomBytes(8))), cipher)), ct)), `${NOT_PBES2}the PBKDF2 parameter list has 1 part(s), not 2 to 4`);
    assert.equal(await encrypted(seq(scheme(seq(seq(oid(PBKDF2)), cipher)), ct)), `${NOT_PBES2}the PBKDF2 function has no parameters`);
    assert.equal(await encrypted(seq(scheme(seq(kdf(octets(randomBytes(8)), integer(2048), prf), seq(oid(AES256_CBC)))), ct)), `${NOT_PBES2}the AES-256-CBC cipher has no IV`);
    // Wrong tags.
    assert.equal(await encrypted(seq(scheme(seq(kdf(octets(randomBytes(8)), integer(2048), prf), cipher)), der(0x03, randomBytes(64)))), `${NOT_PBES2}the encrypted data is tag 0x03, not an OCTET STRING`);
    assert.equal(await encrypted(seq(scheme(seq(kdf(integer(8), integer(2048), prf), cipher)), ct)), `${NOT_PBES2}the PBKDF2 salt is an INTEGER, not an OCTET STRING`);
    assert.equal(await encrypted(seq(scheme(seq(kdf(octets(randomBytes(8)), octets(Buffer.from([8, 0])), prf), cipher)), ct)), `${NOT_PBES2}the PBKDF2 iteration count is an OCTET STRING, not an INTEGER`);
    assert.equal(await encrypted(seq(scheme(seq(kdf(octets(randomBytes(8)), integer(2048), prf), seq(oid(AES256_CBC), der(0x03, randomBytes(16))))), ct)), `${NOT_PBES2}the AES-256-CBC IV is tag 0x03, not an OCTET STRING`);
    assert.equal(await encrypted(seq(scheme(seq(kdf(octets(randomBytes(8)), integer(2048), octets(Buffer.from(HMAC_SHA256, 'hex'))), cipher)), ct)), `${NOT_PBES2}the PBKDF2 hash is an OCTET STRING, not a SEQUENCE`);
    assert.equal(await encrypted(seq(scheme(seq(kdf(octets(randomBytes(8)), integer(2048), integer(16), prf), cipher)), ct)), `${NOT_PBES2}the PBKDF2 key length is not 32 bytes, the key of AES-256`);
    assert.equal(await encrypted(seq(scheme(seq(kdf(octets(randomBytes(8)), der(0x02, Buffer.from([0x80])), prf), cipher)), ct)), 'the key file asks for an out-of-range number of PBKDF2 iterations; this page takes 1 to 10000000');
  });

  it('says an IV that is not 16 bytes, or a ciphertext not a multiple of 16, is damage, not a wrong passphrase', async () => {
    const k = opensslKey();
    const damaged = (d: Parameters<typeof encryptKey>[2]) => read(pemOf('ENCRYPTED PRIVATE KEY', encryptKey(k.v0, PASS, d)), PASS);
    assert.equal(await damaged({ iv: (iv) => iv.subarray(0, 8) }), 'the encrypted key file is damaged: its AES-256-CBC IV is 8 bytes, not 16');
    assert.equal(await damaged({ iv: (iv) => Buffer.concat([iv, Buffer.from([0])]) }), 'the encrypted key file is damaged: its AES-256-CBC IV is 17 bytes, not 16');
    assert.equal(await damaged({ iv: () => Buffer.alloc(0) }), 'the encrypted key file is damaged: its AES-256-CBC IV is 0 bytes, not 16');
    assert.equal(await damaged({ ciphertext: (c) => c.subarray(0, c.length - 1) }), 'the encrypted key file is damaged: its encrypted data is 63 bytes, not a (non-zero) multiple of 16');
    assert.equal(await damaged({ ciphertext: (c) => Buffer.concat([c, Buffer.from([0])]) }), 'the encrypted key file is damaged: its encrypted data is 65 bytes, not a (non-zero) multiple of 16');
    assert.equal(await damaged({ ciphertext: () => Buffer.alloc(0) }), 'the encrypted key file is damaged: its encrypted data is 0 bytes, not a (non-zero) multiple of 16');
    // A whole block too few is no length damage: it decrypts to something that is not the key.
    assert.equal(await damaged({ ciphertext: (c) => c.subarray(16) }), 'the passphrase does not open this key file');
    assert.equal(await damaged({}), k.keyid);
  });

  it('says base64 that is not, in either kind of PEM block, is damage', async () => {
    const k = opensslKey();
    const lines = k.pem.split('\n');
    const BAD = 'the key file\'s PRIVATE KEY block is not valid base64: the file is damaged';
    // A length no base64 has (atob's InvalidCharacterError), padding in the middle, a character outside the alphabet.
    assert.equal(await read(`${lines[0]}\nMC4CA\n${lines[2]}\n`), BAD);
    assert.equal(await read(`${lines[0]}\n${lines[1]!.slice(0, 8)}=${lines[1]!.slice(9)}\n${lines[2]}\n`), BAD);
    assert.equal(await read(`${lines[0]}\n${lines[1]!.slice(0, 8)}!${lines[1]!.slice(9)}\n${lines[2]}\n`), BAD);
    assert.equal(await read(`${lines[0]}\n${lines[1]!.replace(/[+/]/g, '').slice(0, 10)}-_${lines[1]!.slice(12)}\n${lines[2]}\n`), BAD);
    const encrypted = pemOf('ENCRYPTED PRIVATE KEY', encryptKey(k.v0, PASS)).split('\n');
    encrypted[2] = `${encrypted[2]!.slice(0, -1)}`;
    assert.equal(await read(encrypted.join('\n'), PASS), 'the key file\'s ENCRYPTED PRIVATE KEY block is not valid base64: the file is damaged');
    // Whitespace and line breaks of any kind are not damage.
    assert.equal(await read(k.pem.replace(/\n/g, '\r\n').replace(lines[1]!, `${lines[1]!.slice(0, 20)}\n\t ${lines[1]!.slice(20)}`)), k.keyid);
  });

  it('reads no text over 64 KiB, and takes one of 64 KiB exactly', async () => {
    const k = opensslKey();
    const TOO_LARGE = 'the file is larger than 64 KiB: a key file is a few hundred bytes, so this is not one';
    assert.equal(await read(`${'#'.repeat(64 * 1024 + 1 - k.pem.length)}${k.pem}`), TOO_LARGE);
    assert.equal(await read('x'.repeat(1024 * 1024)), TOO_LARGE);
    assert.equal(await read(`${'#'.repeat(64 * 1024 - k.pem.length)}${k.pem}`), k.keyid);
    assert.deepEqual(checks.pageErrors, []);
    assert.deepEqual(checks.networkRequests(), []);
  });
});

describe('the console\'s build', () => {
  it('accepts its own inputs and refuses any other module, naming it', () => {
    checkConsoleInputs(['src/console/ui/main.tsx', 'src/client/api-client.ts', 'packages/verify/src/core/merkle.ts', 'node_modules/preact/dist/preact.module.js']);
    assert.throws(() => checkConsoleInputs(['src/console/ui/main.tsx', 'src/adapters/ledger/sqlite/connection.ts']), /the console may not include src\/adapters\/ledger\/sqlite\/connection\.ts/);
    assert.throws(() => checkConsoleInputs(['src/app/create-order.ts']), /create-order/);
    // Packages may resolve outside the checkout (a linked node_modules, as the packaging test builds); sources may not.
    checkConsoleInputs(['../../elsewhere/node_modules/preact/dist/preact.mjs', '../shared/node_modules/@noble/hashes/sha2.js']);
    assert.throws(() => checkConsoleInputs(['../../elsewhere/node_modules/express/index.js']), /express/);
    assert.throws(() => checkConsoleInputs(['../other/src/console/ui/main.tsx']), /other/);
  });
});
