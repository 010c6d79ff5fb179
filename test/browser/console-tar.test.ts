// The console offers a certified order's bundle as one .tar file (the `tar`
// function of src/console/ui/bundle.ts, run in the browser; here in Node,
// which has the Blob and TextEncoder it needs). Archives of short paths, a
// path of exactly 100 bytes, paths cut into ustar's prefix and name, non-ASCII
// paths (cut in bytes, not characters) and paths longer than ustar holds
// (in a pax extended header, POSIX.1-2001) are extracted with the real GNU
// `tar -xf` and with Python's tarfile, and every file compared byte for byte.
// A path leaving the archive's directory is refused; and the vendor walk of
// fetchBundle fetches no vendor's bundle whose name, read from an unverified
// certificate, is no artifact name (`..`, `a/b`), saying so instead.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ARTIFACT_NAME_RE, ARTIFACT_NAME_RULE, base64Encode } from '../../packages/verify/src/core/index.js';
import { ARTIFACT_NAME } from '../../src/app/artifacts.js';
import { VENDOR_BUNDLE_PATH_PATTERN, vendorBundlePathProblem } from '../../src/app/vendor-certificates.js';
import { fetchBundle, tar, ustarSplit } from '../../src/console/ui/bundle.js';

const ROOT = 'ord-7-bundle';
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
/** Bytes that differ file to file (and cover the lengths around a 512-byte block). */
const body = (seed: string, length: number) => {
  const out = Buffer.alloc(length);
  for (let at = 0; at < length; at += 32) createHash('sha256').update(`${seed}/${at}`).digest().copy(out, at);
  return out;
};

/** A ustar header, as the archive holds it: for the layout checks below (each header's checksum checked too). */
interface Header {
  name: Buffer;
  prefix: Buffer;
  type: string;
  size: number;
  body: Buffer;
}
function headersOf(archive: Buffer): Header[] {
  const out: Header[] = [];
  for (let at = 0; at + 512 <= archive.length; ) {
    const h = archive.subarray(at, at + 512);
    if (h.every((x) => x === 0)) break;
    const field = (from: number, len: number) => {
      const f = h.subarray(from, from + len);
      const nul = f.indexOf(0);
      return nul === -1 ? f : f.subarray(0, nul);
    };
    const sum = h.reduce((a, x, i) => a + (i >= 148 && i < 156 ? 0x20 : x), 0);
    assert.equal(parseInt(field(148, 8).toString(), 8), sum, `checksum of the header at ${at}`);
    assert.equal(h.subarray(257, 265).toString('latin1'), 'ustar\u000000');
    const size = parseInt(field(124, 12).toString(), 8);
    out.push({ name: Buffer.from(field(0, 100)), prefix: Buffer.from(field(345, 155)), type: String.fromCharCode(h[156]!), size, body: archive.subarray(at + 512, at + 512 + size) });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Every file under `dir`, by its path relative to it, with its bytes. */
function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

// Python's tarfile: extracts (with the 'data' filter, which refuses any path leaving the directory) and lists each member's name, size and whether a pax header gave its path.
const PYTHON = `
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    members = [[m.name, m.size, 'path' in m.pax_headers] for m in t.getmembers()]
    t.extractall(sys.argv[2], **({'filter': 'data'} if hasattr(tarfile, 'data_filter') else {}))
print(json.dumps(members))
`;

describe('the console\'s tar writer, read by GNU tar and by Python\'s tarfile', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sp-console-tar-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Writes tar(ROOT, files), extracts it with both tools into fresh
   * directories, and checks each holds exactly `files` under ROOT, byte for
   * byte. Answers the archive's headers and Python's list of members.
   */
  async function roundTrip(name: string, files: Map<string, Uint8Array>): Promise<{ headers: Header[]; members: Array<[string, number, boolean]> }> {
    const archive = Buffer.from(await tar(ROOT, files, 1_700_000_000).arrayBuffer());
    assert.equal(archive.length % 512, 0);
    assert.ok(archive.subarray(-1024).every((x) => x === 0), 'two zero blocks end the archive');
    const file = join(dir, `${name}.tar`);
    writeFileSync(file, archive);
    const want = new Map([...files].map(([p, b]) => [join(ROOT, p), Buffer.from(b)]));
    const gnu = join(dir, `${name}-gnu`);
    mkdirSync(gnu);
    const g = spawnSync('tar', ['-xf', file, '-C', gnu], { encoding: 'utf8' });
    assert.equal(g.status, 0, `tar -xf: ${g.stderr}`);
    assert.equal(g.stderr, '', 'GNU tar warns of nothing (an unknown or malformed pax record would be a warning)');
    const py = join(dir, `${name}-python`);
    mkdirSync(py);
    const p = spawnSync('python3', ['-c', PYTHON, file, py], { encoding: 'utf8' });
    assert.equal(p.status, 0, `python3 tarfile: ${p.stderr}`);
    for (const [tool, out] of [['GNU tar', gnu], ['Python tarfile', py]] as const) {
      const got = filesUnder(out);
      assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${tool} extracts these files and no other`);
      for (const [path, bytes] of want) assert.ok(got.get(path)!.equals(bytes), `${tool}: ${path} byte for byte`);
    }
    const members = JSON.parse(p.stdout) as Array<[string, number, boolean]>;
    assert.deepEqual(members.map((m) => m[0]), [...want.keys()], 'Python lists every file, in order, under its full path');
    return { headers: headersOf(archive), members };
  }

  it('short paths, and a path of exactly 100 bytes, are in the name field alone', async () => {
    const artifact = 'a'.repeat(100 - utf8(`${ROOT}/vendors//certificate.json`));
    const hundred = `vendors/${artifact}/certificate.json`;
    assert.equal(utf8(`${ROOT}/${hundred}`), 100);
    const files = new Map<string, Uint8Array>([
      ['certificate.json', body('c', 1234)],
      ['records.ndjson', body('r', 512)],
      ['empty.ndjson', new Uint8Array(0)],
      ['one.ndjson', body('o', 513)],
      [hundred, body('h', 511)],
    ]);
    const { headers, members } = await roundTrip('short', files);
    assert.deepEqual(headers.map((h) => [h.type, h.prefix.toString(), h.name.toString(), h.size]), [...files].map(([p, b]) => ['0', '', `${ROOT}/${p}`, b.length]));
    assert.ok(members.every((m) => !m[2]), 'no pax header');
  });

  it('paths of 101 to 256 bytes are cut at a \'/\' into prefix (up to 155 bytes) and name (up to 100)', async () => {
    const a60 = 'b'.repeat(60);
    const files = new Map<string, Uint8Array>([
      // 101 bytes: cut.
      [`vendors/${'c'.repeat(63)}/certificate.json`, body('101', 700)],
      [`vendors/${a60}/vendors/${a60}/certificate.json`, body('nested', 3000)],
      // A name of exactly 100 bytes and a prefix of exactly 155: 256 bytes, the most ustar holds.
      [`${'p'.repeat(155 - utf8(`${ROOT}/`))}/${'n'.repeat(100)}`, body('256', 99)],
    ]);
    const { headers, members } = await roundTrip('split', files);
    assert.deepEqual(
      headers.map((h) => [h.type, h.prefix.length, h.name.length]),
      [
        // The first '/' that leaves a name of at most 100 bytes: the shortest prefix.
        ['0', ROOT.length, 101 - utf8(`${ROOT}/`)],
        ['0', utf8(`${ROOT}/vendors/${a60}`), utf8(`vendors/${a60}/certificate.json`)],
        ['0', 155, 100],
      ],
    );
    assert.ok(members.every((m) => !m[2]), 'no pax header: ustar holds them all');
  });

  it('non-ASCII paths are cut in bytes: a cut the characters\' count would miss is found', async () => {
    // 131 bytes in 76 characters: the only cut is after the ä's (prefix 33 bytes, name 97); counted in characters, a
    // reader of the path would look for the '/' too early, cut after the root, and find a name of 118 bytes.
    const nonAscii = `${'ä'.repeat(10)}/${'é'.repeat(45)}/f.json`;
    assert.equal(utf8(`${ROOT}/${nonAscii}`), 131);
    assert.equal(`${ROOT}/${nonAscii}`.length, 76);
    // Four-byte characters (two UTF-16 units each: 108 bytes in 48 UTF-16 units), and a CJK name of exactly 99 bytes.
    const emoji = `vendors/x/${'🙂'.repeat(20)}.json`;
    const cjk = `${'目'.repeat(40)}/${'録'.repeat(33)}`;
    const files = new Map<string, Uint8Array>([
      [nonAscii, body('na', 10)],
      [emoji, body('emoji', 1000)],
      [cjk, body('cjk', 600)],
    ]);
    const { headers, members } = await roundTrip('non-ascii', files);
    assert.deepEqual(headers.map((h) => [h.type, h.prefix.toString(), h.name.toString()]), [
      ['0', `${ROOT}/${'ä'.repeat(10)}`, `${'é'.repeat(45)}/f.json`],
      ['0', ROOT, emoji],
      ['0', `${ROOT}/${'目'.repeat(40)}`, '録'.repeat(33)],
    ]);
    assert.ok(members.every((m) => !m[2]));
    // Every cut is at a '/', so every field is whole UTF-8.
    for (const h of headers) for (const f of [h.name, h.prefix]) assert.equal(Buffer.from(new TextDecoder('utf-8', { fatal: true }).decode(f)).length, f.length);
  });

  it('paths ustar cannot hold (over 256 bytes, or with no cut) are given by a pax header\'s path record', async () => {
    /** A path of `bytes` bytes with ROOT/, in directories of at most 101 characters (a file system's name is at most 255 bytes). */
    const longPath = (bytes: number) => {
      const dirs: string[] = [];
      for (let rest = bytes - utf8(`${ROOT}/y.js`); rest > 0; rest -= dirs[dirs.length - 1]!.length + 1) dirs.push('x'.repeat(rest > 102 ? 100 : rest - 1));
      return [...dirs, 'y.js'].join('/');
    };
    assert.deepEqual([989, 990].map((n) => utf8(`${ROOT}/${longPath(n)}`)), [989, 990]);
    const v = (c: string) => `vendors/${c.repeat(100)}`;
    const files = new Map<string, Uint8Array>([
      ['certificate.json', body('top', 300)],
      // 356 bytes: three levels of vendors with artifact names of 100 characters.
      [`${v('a')}/${v('b')}/${v('c')}/certificate.json`, body('deep', 5000)],
      // 247 bytes, but no cut: the name after the last '/' leaves a prefix of 230 bytes, the one before has 117 bytes.
      [`${v('d')}/${v('e')}/certificate.json`, body('nocut', 77)],
      // Non-ASCII over 256 bytes: the record's length counts bytes, not characters.
      [`${'é'.repeat(80)}/${'ü'.repeat(80)}/${'🙂'.repeat(30)}.json`, body('pax-utf8', 2048)],
      // The record's length crossing from 3 to 4 digits: a path of 989 bytes makes a record of 999, one of 990 a record of 1001.
      [longPath(989), body('999', 1)],
      [longPath(990), body('1001', 2)],
      ['trust.json', body('trust', 400)],
    ]);
    assert.equal(utf8(`${ROOT}/${[...files.keys()][1]}`), 356);
    assert.equal(utf8(`${ROOT}/${[...files.keys()][2]}`), 247);
    assert.ok(utf8(`${ROOT}/${[...files.keys()][3]}`) > 256);
    const { headers, members } = await roundTrip('pax', files);
    assert.deepEqual(members.map((m) => m[2]), [false, true, true, true, true, true, false]);
    // Each pax header ('x', inside ROOT for a reader that knows no pax) holds one record, `<length> path=<full path>\n`, its length counting itself.
    const pax = headers.filter((h) => h.type === 'x');
    assert.equal(pax.length, 5);
    const paths = [...files.keys()].slice(1, 6).map((p) => `${ROOT}/${p}`);
    pax.forEach((h, i) => {
      assert.equal(h.name.toString(), `${ROOT}/PaxHeaders/${i + 1}`);
      const record = h.body.toString('utf8');
      const length = Number(record.slice(0, record.indexOf(' ')));
      assert.equal(length, h.body.length);
      assert.equal(record, `${length} path=${paths[i]}\n`);
    });
    assert.deepEqual(pax.slice(3).map((h) => h.body.length), [999, 1001]);
    assert.equal(headers.length, files.size + 5);
  });

  it('ustarSplit cuts only at a \'/\', with a name of at most 100 bytes and a prefix of at most 155', () => {
    const split = (s: string) => {
      const r = ustarSplit(new TextEncoder().encode(s));
      return r && [Buffer.from(r.prefix).toString(), Buffer.from(r.name).toString()];
    };
    assert.deepEqual(split('a'.repeat(100)), ['', 'a'.repeat(100)]);
    assert.equal(split('a'.repeat(101)), undefined);
    assert.deepEqual(split(`a/${'b'.repeat(100)}`), ['a', 'b'.repeat(100)]);
    assert.equal(split(`a/${'b'.repeat(101)}`), undefined);
    assert.deepEqual(split(`${'a'.repeat(155)}/${'b'.repeat(100)}`), ['a'.repeat(155), 'b'.repeat(100)]);
    assert.equal(split(`${'a'.repeat(156)}/${'b'.repeat(99)}`), undefined);
    // The shortest prefix that leaves a short enough name: the first such '/'.
    assert.deepEqual(split(`${'a'.repeat(50)}/${'b'.repeat(50)}/${'c'.repeat(49)}`), ['a'.repeat(50), `${'b'.repeat(50)}/${'c'.repeat(49)}`]);
    assert.equal(split(`${'a'.repeat(101)}/`), undefined, 'no empty name');
  });

  it('refuses a path that would leave the archive\'s directory', () => {
    for (const path of ['../x', 'vendors/../../etc/passwd', 'vendors/..', '/etc/passwd', 'a//b', './certificate.json', 'vendors/./x', 'x/', 'a\0b']) {
      assert.throws(() => tar(ROOT, new Map([[path, new Uint8Array(1)]])), /must stay inside its directory/, path);
    }
    assert.throws(() => tar('..', new Map([['x', new Uint8Array(1)]])), /must stay inside its directory/);
  });
});

describe('the console\'s vendor walk (fetchBundle), on artifact names read from an unverified certificate', () => {
  const saved = { fetch: globalThis.fetch, location: Object.getOwnPropertyDescriptor(globalThis, 'location'), sessionStorage: Object.getOwnPropertyDescriptor(globalThis, 'sessionStorage') };
  const requests: string[] = [];
  const envelope = (held: string[]) =>
    new TextEncoder().encode(JSON.stringify({ payloadType: 'application/vnd.shredproof.certificate+json', payload: base64Encode(new TextEncoder().encode(JSON.stringify({ derivedArtifacts: held.map((name) => ({ name, disposition: 'held-by-vendor' })) }))), signatures: [] }));
  const BAD_OURS = ['..', 'a/b', '.', '', 'Model', '%2e%2e', '../../../../tmp/x', 'a'.repeat(101)];
  const BAD_VENDORS = ['..', 'x/../../y'];
  const served = new Map<string, Uint8Array>([
    ['/v1/orders/ord-7/certificate', envelope([...BAD_OURS, 'model-1', 'cache.v2'])],
    ['/v1/orders/ord-7/vendors/model-1/certificate.json', envelope([...BAD_VENDORS, 'inner-a'])],
    ['/v1/orders/ord-7/vendors/model-1/trust.json', new TextEncoder().encode('{}')],
    ['/v1/orders/ord-7/vendors/model-1/vendors%2Finner-a%2Fcertificate.json', envelope([])],
    ['/v1/orders/ord-7/vendors/cache.v2/certificate.json', envelope(['/etc'])],
  ]);
  before(() => {
    Object.defineProperty(globalThis, 'location', { value: { origin: 'http://console.test' }, configurable: true, writable: true });
    Object.defineProperty(globalThis, 'sessionStorage', { value: { getItem: () => null }, configurable: true, writable: true });
    globalThis.fetch = (async (url: URL | string) => {
      const u = new URL(url);
      requests.push(u.pathname);
      const b = served.get(u.pathname);
      if (b) return new Response(b.slice(), { status: 200 });
      // A server that answers whatever it is asked, as one that is not ours might: only the walk keeps bad names out.
      if (/^\/v1\/orders\/ord-7\/vendors\/[^/]+\/certificate\.json$/.test(u.pathname)) return new Response(envelope([]).slice(), { status: 200 });
      return new Response(JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, code: 'NOT_FOUND' }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
    }) as typeof fetch;
  });
  after(() => {
    globalThis.fetch = saved.fetch;
    for (const k of ['location', 'sessionStorage'] as const) {
      if (saved[k]) Object.defineProperty(globalThis, k, saved[k]);
      else delete (globalThis as Record<string, unknown>)[k];
    }
  });

  it('fetches the vendors\' bundles whose names are artifact names, skips every other with a sentence, and asks for no path made of one', async () => {
    const b = await fetchBundle('ord-7');
    assert.deepEqual([...b.files.keys()].sort(), ['certificate.json', 'vendors/cache.v2/certificate.json', 'vendors/model-1/certificate.json', 'vendors/model-1/trust.json', 'vendors/model-1/vendors/inner-a/certificate.json']);
    for (const path of b.files.keys()) if (path !== 'certificate.json') assert.equal(vendorBundlePathProblem(path), undefined, path);
    const says = (where: string, name: string) => `${where}certificate.json names ${JSON.stringify(name)} as an artifact held by a vendor: that is not an artifact name (${ARTIFACT_NAME_RULE}), so its vendor's bundle is not fetched`;
    assert.deepEqual(b.skipped, [...BAD_OURS.map((n) => says('', n)), ...BAD_VENDORS.map((n) => says('vendors/model-1/', n)), says('vendors/cache.v2/', '/etc')]);
    assert.match(b.skipped[0]!, /^certificate\.json names "\.\." as an artifact held by a vendor: that is not an artifact name \(1-100 characters: lowercase letters, digits, and \. _ - not first\), so its vendor's bundle is not fetched$/);
    // Every request for a vendor's file names an artifact that is one, and a file path of the bundle.
    const vendorRequests = requests.filter((r) => r.includes('/vendors/'));
    assert.ok(vendorRequests.length > 0);
    for (const r of vendorRequests) {
      const [, artifact, file] = /^\/v1\/orders\/ord-7\/vendors\/([^/]+)\/([^/]+)$/.exec(r)!;
      assert.match(decodeURIComponent(artifact!), ARTIFACT_NAME_RE, r);
      assert.equal(vendorBundlePathProblem(`vendors/${decodeURIComponent(artifact!)}/${decodeURIComponent(file!)}`), undefined, r);
    }
    assert.deepEqual(b.input.vendors.map((v) => [v.artifact, v.bundle.vendors.map((w) => w.artifact)]), [['model-1', ['inner-a']], ['cache.v2', []]]);
    // And the bundle's tar holds nothing outside its directory.
    const archive = Buffer.from(await tar(ROOT, b.files).arrayBuffer());
    for (const h of headersOf(archive)) assert.ok(`${h.prefix.toString()}/${h.name.toString()}`.replace(/^\//, '').startsWith(`${ROOT}/`));
  });

  it('the artifact name rule is one: the core\'s, which the server\'s own checks use', () => {
    assert.equal(ARTIFACT_NAME_RE.source, ARTIFACT_NAME.source);
    // What the API's document said before the rule moved to the core, character for character.
    assert.equal(VENDOR_BUNDLE_PATH_PATTERN, String.raw`^(vendors/[a-z0-9][a-z0-9._-]{0,99}/){0,3}(certificate\.json|records\.ndjson|retained\.ndjson|exceptions\.ndjson|rescan\.ndjson|order\.json|trust\.json|public-key\.pem|receipt\.tlog-proof)$`);
    assert.equal(vendorBundlePathProblem('vendors/../certificate.json'), 'has a .. segment: a path stays inside the bundle');
    assert.equal(vendorBundlePathProblem('vendors/Model/certificate.json'), 'has "Model" in vendors/, not an artifact name (1-100 characters: lowercase letters, digits, and . _ - not first)');
    for (const bad of ['..', '.', 'a/b', '', 'A', '-x', 'a'.repeat(101), 'é']) assert.doesNotMatch(bad, ARTIFACT_NAME_RE, bad);
    for (const good of ['a', 'model-1', 'cache.v2', 'x_y', 'a'.repeat(100), '0..1']) assert.match(good, ARTIFACT_NAME_RE, good);
  });
});
