// `shredproof receipt` (issue 18, item 3): a receipt for one data subject on
// a version 2 bundle built here from real bytes, with many people's objects
// in three targets and in every list. Each status (destroyed, kept under a
// hold, not destroyed, found by the re-scan, not in this certificate) and
// each way to name an object (target:locator, a bare locator, a SHA-256, a
// file held); every proof taken out of the receipt verifies alone with
// `shredproof verify --proof`; the receipt's bytes hold no other person's
// locator, hash or salt (JSON, and the PDF's text and attachments); an
// ambiguous name and every bad input exit 2 naming the option and write
// nothing; a bundle that does not verify exits 1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  canonicalize,
  type DestructionRecord,
  type ExceptionEntry,
  ListBuilder,
  publicKeyToPem,
  type RescanEntry,
  type RetainedEntry,
  seedSigner,
  signCertificate,
  StatementBuilderV2,
} from '../../packages/verify/src/core/index.js';
import { buildExample } from '../../scripts/example-certificate.js';
import { trustRootFor, trustText } from '../../scripts/example-certificate-v2.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-receipt-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const salt = () => randomBytes(16).toString('hex');
const signer = seedSigner(new Uint8Array(32).fill(7));
const KEYID = signer.keyid;

/** Every entry of the bundle, by file, with what a receipt must not leak: its locator, content hash and salt. */
interface Planted {
  list: 'records' | 'retained' | 'exceptions' | 'rescan';
  target: string;
  locator: string;
  sha256?: string;
  salt: string;
  content?: string;
}

/** The data subject: u-07, whose objects meet every fate. */
const ME = {
  destroyed: 'users/u-07/a.jpg',
  held: 'users/u-07/b.jpg',
  failed: 'users/u-07/c.jpg',
  unplanned: 'users/u-07/d.jpg',
  recreated: 'users/u-07/e.jpg',
  row: 'public.users:{"id":7}',
};
const mine = (p: Planted) => p.locator.startsWith('users/u-07/') || p.locator === ME.row;

function buildBundle(out: string): Planted[] {
  const planted: Planted[] = [];
  const records: Array<Omit<DestructionRecord, 'index'>> = [];
  const destroy = (target: string, locator: string, content: string) => {
    const r = { target, locator, sha256: sha(content), size: content.length, destroyedAt: `2026-11-20T10:${String(records.length % 60).padStart(2, '0')}:00.000Z`, method: target === 'db' ? 'sql-delete' : 'unlink', salt: salt() };
    records.push(r);
    planted.push({ list: 'records', target, locator, sha256: r.sha256, salt: r.salt, content });
  };
  for (let u = 0; u < 12; u++) {
    const user = `u-${String(u).padStart(2, '0')}`;
    for (const f of u === 7 ? ['a.jpg', 'e.jpg'] : ['a.jpg', 'b.jpg', 'c.jpg']) destroy('photos', `users/${user}/${f}`, `photo ${user}/${f} ${randomBytes(8).toString('hex')}`);
    destroy('db', `public.users:{"id":${u}}`, `{"id":${u},"name":"person ${u}"}`);
  }
  // The same content destroyed in two places, and one locator in two targets: names that say nothing on their own.
  destroy('exports', 'shared/dup.bin', 'the same bytes twice');
  destroy('photos', 'shared/dup.bin', 'the same bytes twice');
  for (let k = 0; k < 6; k++) destroy('exports', `2026-10/faces-${k}.tar`, `training shard ${k} ${randomBytes(8).toString('hex')}`);
  const builder = new StatementBuilderV2();
  const recordLines = records.map((r, index) => builder.add({ index, ...r }));
  const lists = { retained: new ListBuilder('retained'), exceptions: new ListBuilder('exceptions'), rescan: new ListBuilder('rescan') };
  const lines: Record<string, string[]> = { retained: [], exceptions: [], rescan: [] };
  const hold = (target: string, locator: string, content: string, holdId: string) => {
    const e: RetainedEntry = { index: lines.retained!.length, target, locator, holdId, reason: `litigation hold ${holdId}`, salt: salt(), sha256: sha(content), size: content.length };
    lines.retained!.push(lists.retained.add(e));
    planted.push({ list: 'retained', target, locator, sha256: e.sha256!, salt: e.salt, content });
  };
  const fail = (target: string, locator: string) => {
    const e: ExceptionEntry = { index: lines.exceptions!.length, target, locator, code: 'EACCES', reason: 'permission denied on unlink', salt: salt() };
    lines.exceptions!.push(lists.exceptions.add(e));
    planted.push({ list: 'exceptions', target, locator, salt: e.salt });
  };
  const found = (target: string, locator: string, status: RescanEntry['status']) => {
    const e: RescanEntry = { index: lines.rescan!.length, target, locator, status, salt: salt() };
    lines.rescan!.push(lists.rescan.add(e));
    planted.push({ list: 'rescan', target, locator, salt: e.salt });
  };
  hold('photos', 'users/u-02/evidence.jpg', 'evidence of u-02', 'hold-2');
  hold('photos', ME.held, 'evidence of u-07', 'hold-7');
  hold('photos', 'users/u-09/evidence.jpg', 'evidence of u-09', 'hold-9');
  fail('photos', 'users/u-03/locked.jpg');
  fail('photos', ME.failed);
  fail('exports', '2026-10/locked.tar');
  for (const p of planted.filter((p) => p.list === 'retained')) found(p.target, p.locator, 'held');
  for (const p of planted.filter((p) => p.list === 'exceptions')) found(p.target, p.locator, 'exception');
  found('photos', ME.unplanned, 'unplanned');
  found('photos', ME.recreated, 'recreated');
  found('photos', 'users/u-05/new.jpg', 'unplanned');
  found('photos', 'users/u-04/a.jpg', 'recreated');
  const count = (list: string, t: string) => planted.filter((p) => p.list === list && p.target === t).length;
  const targets = ['photos', 'exports', 'db'].map((name) => ({
    name,
    kind: name === 'db' ? 'postgres' : 'filesystem',
    system: `${name}.example.com`,
    persistence: ['backups keep copies for 35 days'],
    planned: count('records', name) + count('retained', name) + count('exceptions', name),
    retained: count('retained', name),
    exceptions: count('exceptions', name),
  }));
  const planned = targets.reduce((a, t) => a + t.planned, 0);
  const v1 = buildExample().statement;
  const orderJson = canonicalize({ reference: 'Receipt test order', targets: [] });
  const statement = builder.build({
    certificateId: 'cert-receipt-test',
    issuedAt: '2026-11-20T11:00:00.000Z',
    issuer: { name: 'Example Corp compliance (TEST KEY)', keyid: KEYID },
    tool: { name: 'shredproof', version: '0.1.0' },
    order: { id: 'ord-receipt-test', reference: 'Receipt test order', sha256: sha(orderJson), createdBy: 'alice@example.com', approvedBy: 'bob@example.com', approvedAt: '2026-11-20T09:30:00.000Z' },
    inventory: { ...v1.inventory, treeSize: planned, bytes: 1 },
    execution: { startedAt: '2026-11-20T09:59:00.000Z', finishedAt: '2026-11-20T10:59:00.000Z' },
    targets,
    retained: lists.retained.head(),
    exceptions: lists.exceptions.head(),
    rescan: { completedAt: '2026-11-20T10:59:30.000Z', items: lists.rescan.head(), statuses: lists.rescan.countsByStatus() },
  });
  mkdirSync(out, { recursive: true });
  const ndjson = (ls: string[]) => ls.map((l) => l + '\n').join('');
  writeFileSync(join(out, 'certificate.json'), JSON.stringify(signCertificate(statement, signer), null, 2) + '\n');
  writeFileSync(join(out, 'records.ndjson'), ndjson(recordLines));
  for (const l of ['retained', 'exceptions', 'rescan']) writeFileSync(join(out, `${l}.ndjson`), ndjson(lines[l]!));
  writeFileSync(join(out, 'order.json'), orderJson);
  writeFileSync(join(out, 'trust.json'), trustText(trustRootFor(signer.publicKey, KEYID)));
  writeFileSync(join(out, 'public-key.pem'), publicKeyToPem(signer.publicKey));
  return planted;
}

const bundle = join(dir, 'bundle');
let planted: Planted[] = [];
const P = (f: string) => join(dir, f);
const receipt = (...args: string[]) => runCli('receipt', '--bundle', bundle, ...args);
const contentOf = (locator: string) => planted.find((p) => p.locator === locator && p.content !== undefined)!.content!;

/** The strings of every entry that is not the person's, that a receipt must not hold; and the person's own, that it should. */
function leaks(bytes: string, isMine: (p: Planted) => boolean): string[] {
  const found: string[] = [];
  for (const p of planted.filter((x) => !isMine(x))) {
    for (const [what, s] of [['locator', p.locator], ['sha256', p.sha256], ['salt', p.salt]] as const) {
      // A locator is searched for as it appears in JSON text, and as it is.
      if (s !== undefined && (bytes.includes(s) || bytes.includes(JSON.stringify(s).slice(1, -1)))) found.push(`${p.list} ${p.target}:${p.locator} ${what}`);
    }
  }
  return found;
}

/** Runs `shredproof verify --proof` on one proof, pinned by the key id. */
async function verifyProof(proof: unknown, name: string, pem = join(bundle, 'public-key.pem')): Promise<{ code: number; json: any; stdout: string }> {
  const path = P(`${name}.json`);
  writeFileSync(path, JSON.stringify(proof, null, 2));
  const r = await runCli('verify', '--proof', path, '--public-key', pem, '--keyid', KEYID, '--json');
  return { code: r.code, json: r.stdout ? JSON.parse(r.stdout) : undefined, stdout: r.stdout + r.stderr };
}

before(() => {
  planted = buildBundle(bundle);
  writeFileSync(P('my-photo.jpg'), contentOf(ME.destroyed));
  writeFileSync(P('not-theirs.jpg'), 'a photo nobody destroyed');
});

describe('shredproof receipt: the JSON form', () => {
  const ALL = [
    '--locator', `photos:${ME.destroyed}`,
    '--locator', ME.held,
    '--locator', ME.failed,
    '--locator', ME.unplanned,
    '--locator', `db:${ME.row}`,
    '--locator', ME.row,
    '--locator', 'users/u-07/never.jpg',
    '--sha256', contentOfLater(ME.recreated),
    '--sha256', 'ab'.repeat(32),
    '--file', P('my-photo.jpg'),
    '--file', P('not-theirs.jpg'),
  ];
  /** Resolved in before(): the content is random. */
  function contentOfLater(locator: string): string {
    return `@sha256-of:${locator}`;
  }
  const args = () => ALL.map((a) => (a.startsWith('@sha256-of:') ? sha(contentOf(a.slice('@sha256-of:'.length))) : a));

  it('names each object with its fate, in the order asked; every proof in it verifies alone with verify --proof', async () => {
    const out = P('all.json');
    const r = await receipt(...args(), '--out', out);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(Object.keys(doc).sort(), ['certificate', 'certificateId', 'issuedAt', 'issuer', 'objects', 'order', 'type', 'version']);
    assert.equal(doc.type, 'shredproof.receipt');
    assert.equal(doc.version, 1);
    assert.equal(doc.certificateId, 'cert-receipt-test');
    assert.deepEqual(doc.issuer, { name: 'Example Corp compliance (TEST KEY)', keyid: KEYID });
    assert.deepEqual(doc.order, { id: 'ord-receipt-test', reference: 'Receipt test order' });
    assert.deepEqual(
      doc.objects.map((o: any) => [o.status, o.proof?.list, o.proof ? JSON.parse(o.proof.entry).locator : null, o.rescan ? JSON.parse(o.rescan.entry).status : null]),
      [
        ['destroyed', 'records', ME.destroyed, null],
        ['retained', 'retained', ME.held, 'held'],
        ['exception', 'exceptions', ME.failed, 'exception'],
        ['found-by-rescan', 'rescan', ME.unplanned, null],
        ['destroyed', 'records', ME.row, null],
        ['destroyed', 'records', ME.row, null],
        ['not-in-certificate', undefined, null, null],
        ['destroyed', 'records', ME.recreated, 'recreated'],
        ['not-in-certificate', undefined, null, null],
        ['destroyed', 'records', ME.destroyed, null],
        ['not-in-certificate', undefined, null, null],
      ],
    );
    assert.deepEqual(doc.objects[0].query, { locator: `photos:${ME.destroyed}` });
    assert.deepEqual(doc.objects[8].query, { sha256: 'ab'.repeat(32) });
    assert.deepEqual(doc.objects[9].query, { file: 'my-photo.jpg', sha256: sha(contentOf(ME.destroyed)) });
    assert.deepEqual(Object.keys(doc.objects[6]).sort(), ['query', 'status']);
    // The report names each object and what became of it, and the file written.
    assert.match(r.stdout, /^certificate cert-receipt-test of order "Receipt test order" verified with key [0-9a-f]{64}; its records and lists match it$/m);
    assert.match(r.stdout, /^1\. locator photos:users\/u-07\/a\.jpg: DESTROYED: photos:users\/u-07\/a\.jpg at 2026-11-20T10:\d\d:00\.000Z$/m);
    assert.match(r.stdout, /^7\. locator users\/u-07\/never\.jpg: NOT IN THIS CERTIFICATE \(it says nothing about this object\)$/m);
    assert.match(r.stdout, new RegExp(`wrote ${out.replaceAll('.', '\\.')}: 11 object\\(s\\), 8 with a proof`));
    // Every proof, and every re-scan proof, is a standard per-object proof of version 2 that verifies on its own.
    const proofs = doc.objects.flatMap((o: any, k: number) => [o.proof && [`p${k}`, o.proof], o.rescan && [`p${k}-rescan`, o.rescan]].filter(Boolean));
    assert.equal(proofs.length, 11);
    for (const [name, proof] of proofs) {
      assert.deepEqual(Object.keys(proof).sort(), ['auditPath', 'certificate', 'entry', 'leafIndex', 'list', 'treeSize', 'type', 'version']);
      assert.equal(proof.version, 2);
      const v = await verifyProof(proof, name);
      assert.equal(v.code, 0, `${name}: ${v.stdout}`);
      assert.equal(v.json.valid, true);
      assert.equal(v.json.pinned, true);
      assert.equal(v.json.entry.locator, JSON.parse(proof.entry).locator);
      assert.deepEqual(proof.certificate, doc.certificate);
    }
  });

  it('reveals nothing about anyone else: no other entry\'s locator, content hash or salt is in its bytes', async () => {
    // One person, one object, in a bundle of many: the test the issue asks for, byte for byte.
    const out = P('one.json');
    assert.equal((await receipt('--locator', ME.destroyed, '--out', out)).code, 0);
    const one = readFileSync(out, 'utf8');
    const self = planted.find((p) => p.list === 'records' && p.locator === ME.destroyed)!;
    assert.deepEqual(leaks(one, (p) => p === self), []);
    // The search can find what is there: the person's own locator, hash and salt are in it.
    for (const s of [self.locator, self.sha256!, self.salt]) assert.ok(one.includes(s), s);
    assert.ok(planted.length > 50, `${planted.length} entries in the bundle`);
    // Every object of u-07 at once, and nobody else's.
    const all = await receipt(...args(), '--out', P('all-privacy.json'));
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(leaks(readFileSync(P('all-privacy.json'), 'utf8'), mine), []);
  });
});

describe('shredproof receipt: the PDF form', () => {
  it('one or two pages in plain language, DejaVu Sans embedded, the proofs, the receipt and the key attached; nothing of anyone else', async () => {
    const pdf = P('receipt.pdf');
    const json = P('receipt-same.json');
    const args = ['--locator', ME.destroyed, '--locator', ME.held, '--locator', ME.failed, '--locator', ME.recreated, '--file', P('not-theirs.jpg')];
    const r = await receipt(...args, '--out', pdf);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((await receipt(...args, '--out', json)).code, 0);
    assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
    const pages = Number(/^Pages:\s+(\d+)$/m.exec(spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout)?.[1]);
    assert.ok(pages >= 1 && pages <= 2, `${pages} pages`);
    const fonts = spawnSync('pdffonts', [pdf], { encoding: 'utf8' }).stdout;
    assert.match(fonts, /DejaVuSans\s.*\byes\s+yes\b/, fonts);
    assert.doesNotMatch(fonts, /Helvetica/);
    const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    for (const s of ['Receipt: what became of your data', 'cert-receipt-test', 'Example Corp compliance (TEST KEY)', 'Receipt test order', ME.destroyed, ME.held, ME.failed, ME.recreated, 'not-theirs.jpg']) assert.ok(text.includes(s), s);
    const destroyed = planted.find((p) => p.locator === ME.destroyed)!;
    assert.match(text, /1\. The object “users\/u-07\/a\.jpg” DESTROYED on 20 November 2026, 10:\d\d:00 UTC/);
    assert.match(text, /2\. The object “users\/u-07\/b\.jpg” KEPT, NOT DESTROYED: under a legal hold .* legal hold hold-7: litigation hold hold-7/);
    assert.match(text, /3\. The object “users\/u-07\/c\.jpg” NOT DESTROYED .*permission denied on unlink \(code EACCES\)/);
    assert.match(text, /re-created after it had been destroyed/);
    assert.match(text, /5\. Your file “not-theirs\.jpg” .* NOT IN THIS CERTIFICATE .*does not say that the object exists, or that it was destroyed/);
    assert.match(text, new RegExp(`shredproof verify --proof proof-1\\.json --public-key public-key\\.pem \\\\ --keyid ${KEYID} `));
    assert.deepEqual(leaks(text, mine), []);
    assert.ok(!text.includes(destroyed.salt));
    // The attachments: each proof verifies alone with the attached key; receipt.json is the JSON form.
    const list = spawnSync('pdfdetach', ['-list', pdf], { encoding: 'utf8' }).stdout;
    const names = [...list.matchAll(/^\d+: (.+)$/gm)].map((m) => m[1]!);
    assert.deepEqual(names.sort(), ['proof-1.json', 'proof-2-rescan.json', 'proof-2.json', 'proof-3-rescan.json', 'proof-3.json', 'proof-4-rescan.json', 'proof-4.json', 'public-key.pem', 'receipt.json']);
    const att = P('attached');
    mkdirSync(att);
    assert.equal(spawnSync('pdfdetach', ['-saveall', '-o', att, pdf]).status, 0);
    assert.equal(readFileSync(join(att, 'receipt.json'), 'utf8'), readFileSync(json, 'utf8'));
    for (const f of readdirSync(att).filter((f) => f.startsWith('proof-'))) {
      const v = await verifyProof(JSON.parse(readFileSync(join(att, f), 'utf8')), `attached-${f}`, join(att, 'public-key.pem'));
      assert.equal(v.code, 0, `${f}: ${v.stdout}`);
    }
    for (const f of readdirSync(att)) assert.deepEqual(leaks(readFileSync(join(att, f), 'utf8'), mine), [], f);
    // As the person runs it: the installed command, on the files saved from the PDF.
    const real = spawnCli(['verify', '--proof', join(att, 'proof-1.json'), '--public-key', join(att, 'public-key.pem'), '--keyid', KEYID]);
    assert.equal(real.code, 0, real.stdout + real.stderr);
    assert.match(real.stdout, /^VALID \(inclusion of photos:users\/u-07\/a\.jpg /);
    assert.match(real.stdout, /^key pinned: yes/m);
  });
});

describe('shredproof receipt: what it refuses', () => {
  const out = P('refused.json');
  const refused = async (args: string[], code: number, message: RegExp) => {
    const r = await runCli('receipt', ...args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.ok(!existsSync(out), `${args.join(' ')} wrote ${out}`);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.refused')), [], 'no temporary file left');
  };

  it('a name that fits several objects: exit 2 naming the option and the candidates, nothing written', async () => {
    await refused(['--bundle', bundle, '--locator', ME.destroyed, '--locator', 'shared/dup.bin', '--out', out], 2, /^receipt: --locator #2: names 2 objects of this certificate \((exports|photos):shared\/dup\.bin, (photos|exports):shared\/dup\.bin\); name the one meant as target:locator$/m);
    await refused(['--bundle', bundle, '--sha256', sha('the same bytes twice'), '--out', out], 2, /^receipt: --sha256 #1: names 2 objects of this certificate/m);
    // Named as target:locator, it is one object.
    const r = await receipt('--locator', 'exports:shared/dup.bin', '--out', P('dup.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(JSON.parse(readFileSync(P('dup.json'), 'utf8')).objects[0].proof.entry).target, 'exports');
  });

  it('bad options: exit 2, each bad one named with its problem, all at once, nothing written', async () => {
    const b = ['--bundle', bundle];
    await refused([...b, '--out', out], 2, /^receipt: no object named: give at least one --locator, --sha256 or --file$/m);
    await refused([...b, '--sha256', 'xyz', '--out', out], 2, /^receipt: --sha256 #1: must be 64 hex digits, got "xyz"$/m);
    await refused([...b, '--sha256', 'a'.repeat(63), '--out', out], 2, /--sha256 #1: must be 64 hex digits/);
    await refused([...b, '--locator', '', '--out', out], 2, /^receipt: --locator #1: is empty$/m);
    await refused([...b, '--locator', 'x'.repeat(4354), '--out', out], 2, /--locator #1: is 4354 characters, at most 4353/);
    await refused([...b, '--locator', ME.destroyed, '--out', P('refused.txt')], 2, /^receipt: --out: must end in \.json or \.pdf, got ".*refused\.txt"$/m);
    await refused(['--locator', ME.destroyed], 2, /^receipt: --bundle: is required; --out: is required \(F\.json or F\.pdf\)$/m);
    await refused([...b, '--locator', ME.destroyed, '--keyid', 'nope', '--out', out], 2, /^receipt: --keyid: must be 64 hex digits, got "nope"$/m);
    const many = Array.from({ length: 101 }, (_, i) => ['--locator', `users/u-${i}/x.jpg`]).flat();
    await refused([...b, ...many, '--out', out], 2, /^receipt: --locator #101: is object 101 of 101: a receipt names at most 100 objects$/m);
    await refused([...b, '--sha256', 'xyz', '--locator', '', '--out', P('r.txt')], 2, /^receipt: --out: must end in \.json or \.pdf, got ".*"; --locator #1: is empty; --sha256 #1: must be 64 hex digits, got "xyz"$/m);
    await refused([...b, '--file', P('no-such-file.jpg'), '--out', out], 2, /^receipt: --file #1: cannot read .*no-such-file\.jpg: ENOENT$/m);
    await refused(['--bundle', P('no-such-bundle'), '--locator', ME.destroyed, '--out', out], 2, /^receipt: --bundle: cannot read the directory .*no-such-bundle: ENOENT$/m);
    await refused(['--bundle', bundle, '--locator', ME.destroyed, '--trust', P('my-photo.jpg'), '--out', out], 2, /^receipt: --trust: unusable trust root: /m);
    await refused(['--bundle', bundle, '--locator', ME.destroyed, '--out', join(dir, 'no-such-dir', 'r.json')], 2, /^receipt: --out: cannot write .*r\.json: ENOENT$/m);
    // An unknown option is commander's own error, with a suggestion.
    const typo = await runCli('receipt', ...b, '--locater', ME.destroyed, '--out', out);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown option '--locater'/);
  });

  it('a bundle that does not verify: exit 1 with the code; a list it needs that is missing: exit 2; nothing written', async () => {
    const copy = (name: string, change: (d: string) => void) => {
      const d = P(name);
      mkdirSync(d);
      for (const f of readdirSync(bundle)) writeFileSync(join(d, f), readFileSync(join(bundle, f)));
      change(d);
      return d;
    };
    const tampered = copy('tampered', (d) => writeFileSync(join(d, 'records.ndjson'), readFileSync(join(d, 'records.ndjson'), 'utf8').replace('users/u-03/a.jpg', 'users/u-03/z.jpg')));
    await refused(['--bundle', tampered, '--locator', ME.destroyed, '--out', out], 1, /^receipt: INVALID MERKLE_ROOT_MISMATCH: /m);
    const list = copy('bad-list', (d) => writeFileSync(join(d, 'retained.ndjson'), readFileSync(join(d, 'retained.ndjson'), 'utf8').replace('hold-9', 'hold-8')));
    await refused(['--bundle', list, '--locator', ME.destroyed, '--out', out], 1, /^receipt: INVALID MERKLE_ROOT_MISMATCH: /m);
    await refused(['--bundle', bundle, '--locator', ME.destroyed, '--keyid', '0'.repeat(64), '--out', out], 1, /^receipt: INVALID PIN_MISMATCH: /m);
    const missing = copy('missing-list', (d) => rmSync(join(d, 'exceptions.ndjson')));
    await refused(['--bundle', missing, '--locator', ME.destroyed, '--out', out], 2, /^receipt: --bundle: .* has no exceptions\.ndjson, and the certificate's exceptions\.ndjson holds 3 entries/m);
    // A version 1 certificate lists other people's retained objects in its statement: no receipt from it.
    const v1 = P('v1');
    mkdirSync(v1);
    const ex = buildExample();
    writeFileSync(join(v1, 'certificate.json'), JSON.stringify(ex.envelope));
    writeFileSync(join(v1, 'records.ndjson'), ex.lines.map((l) => l + '\n').join(''));
    writeFileSync(join(v1, 'public-key.pem'), ex.publicKeyPem);
    await refused(['--bundle', v1, '--locator', 'user-1041/beach.jpg', '--out', out], 1, /^receipt: INVALID VERSION_UNSUPPORTED: a receipt needs a version 2 certificate/m);
  });

  it('runs as the installed command, with --help naming every option', () => {
    const r = spawnCli(['receipt', '--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const o of ['--bundle', '--locator', '--sha256', '--file', '--out', '--trust', '--keyid']) assert.ok(r.stdout.includes(o), o);
  });
});
