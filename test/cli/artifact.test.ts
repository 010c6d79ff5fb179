// `shredproof artifact ...` (src/cli/commands/artifact*.ts) against a live
// in-process API, with real files: register with each kind of input, the
// manifest of a directory hashed by the CLI (its locators and order checked
// against the filesystem backend's own listing, its hashes against hashes
// computed here), list, show and manifest; usage errors (exit 2) and the
// server's refusals (exit 1) naming the option, the registry unchanged; and
// the training-hook example of examples/training-hook run as its README says.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

type Json = Record<string, any>;
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const line = (backend: string, locator: string, sha: string) => `{"backend":"${backend}","locator":"${locator}","sha256":"${sha}"}`;

describe('shredproof artifact (the lineage registry client)', () => {
  let api: ApiHarness;
  let dir: string;
  let as: (who: keyof ApiHarness['tokens'], ...args: string[]) => ReturnType<typeof runCli>;
  /** The files of the training set under the dataset's root, training/: locator -> content. */
  const training = new Map<string, Buffer>();

  const get = async (path: string) => (await (await api.call(path, { as: 'audrey' })).json()) as Json;
  const names = async () => ((await get('/v1/artifacts?limit=500')).artifacts as Json[]).map((a) => a.name);
  /** The locators the filesystem backend lists under a scope, in its order. */
  async function listed(include: string): Promise<string[]> {
    const session = await api.runtime.deps.backends.get('photos').openTarget({ include: [include] }, []);
    const out: string[] = [];
    for await (const page of session.list()) out.push(...page.map((o) => o.locator));
    await session.close();
    return out;
  }

  before(async () => {
    api = await startApiHarness({ objects: 30, worker: false, coordinator: false });
    dir = mkdtempSync(join(tmpdir(), 'sp-artifact-cli-'));
    as = (who, ...args) => runCli(...args, '--server', api.url, '--token', api.tokens[who]);
    // Names whose order differs between a depth-first walk and a sort of whole paths ('a.txt' < 'a/b' by bytes,
    // but the directory a comes first in the walk), upper case before lower, a space, a non-ASCII name, an empty
    // directory and a symlink (never listed by the backend).
    const files: Record<string, string> = { 'a/b.bin': 'b', 'a.txt': 'a text', 'A.bin': 'upper', 'b/c/d e.bin': 'deep', 'b/é.bin': 'accent', 'z.bin': '' };
    for (const [rel, content] of Object.entries(files)) {
      const path = join(api.dataset.root, 'training', rel);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content);
      training.set(`training/${rel}`, Buffer.from(content));
    }
    mkdirSync(join(api.dataset.root, 'training', 'empty'));
    symlinkSync(join(api.dataset.root, 'training', 'a.txt'), join(api.dataset.root, 'training', 'link.txt'));
  });
  after(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('register --manifest-dir hashes the files, named and ordered as the filesystem backend lists them, and stores the manifest', async () => {
    const trainingDir = join(api.dataset.root, 'training');
    const r = await as('alice', 'artifact', 'register', '--name', 'face-model-v1', '--kind', 'model', '--description', 'trained on the training set', '--backend', 'photos', '--scope-json', '{"include":["models/v1/**"]}', '--manifest-dir', trainingDir, '--manifest-backend', 'photos', '--manifest-prefix', 'training/');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^registered model face-model-v1 at backend photos, scope \{"include":\["models\/v1\/\*\*"\]\}, from 1 input\(s\)$/m);
    assert.match(r.stdout, /^manifest: 6 file\(s\), root [0-9a-f]{64}, stored \S+$/m);
    assert.match(r.stderr, /skipped .*link\.txt: not a regular file/);
    const order = await listed('training/**');
    assert.deepEqual(order, ['training/A.bin', 'training/a/b.bin', 'training/a.txt', 'training/b/c/d e.bin', 'training/b/é.bin', 'training/z.bin']);
    const expected = order.map((l) => line('photos', l, sha256(training.get(l)!)));
    const back = await as('audrey', 'artifact', 'manifest', 'face-model-v1');
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(back.stdout.split('\n'), expected);
    const a = (await get('/v1/artifacts/face-model-v1')).artifact;
    assert.equal(a.manifest.treeSize, 6);
    assert.ok(a.manifest.uploadedAt);
    assert.deepEqual(a.inputs, [{ manifest: { treeSize: 6, rootHash: a.manifest.rootHash } }]);
  });

  it('register takes every kind of input and a vendor location; list and show read them back', async () => {
    const scope = await as('alice', 'artifact', 'register', '--name', 'embeddings', '--kind', 'embeddings', '--description', 'face embeddings', '--backend', 'photos', '--scope-json', '{"include":["emb/**"]}', '--from-scope-json', '{"backend":"photos","scope":{"include":["users/**"]}}', '--from-artifact', 'face-model-v1', '--json');
    assert.equal(scope.code, 0, scope.stderr);
    assert.deepEqual(JSON.parse(scope.stdout).inputs, [{ artifact: 'face-model-v1' }, { scope: { backend: 'photos', scope: { include: ['users/**'] } } }]);
    const vendor = await as('olga', 'artifact', 'register', '--name', 'acme-copy', '--kind', 'vendor-copy', '--description', 'sent to Acme', '--vendor', 'Acme', '--vendor-description', 'bucket acme-eu/faces', '--from-artifact', 'embeddings');
    assert.equal(vendor.code, 0, vendor.stderr);
    assert.match(vendor.stdout, /^registered vendor-copy acme-copy at vendor Acme: bucket acme-eu\/faces, from 1 input\(s\)$/);

    const list = await as('bob', 'artifact', 'list');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.stdout.split('\n').map((l) => l.split('  ').slice(0, 2).join(' ')), ['face-model-v1 model', 'embeddings embeddings', 'acme-copy vendor-copy']);
    assert.match(list.stdout, /face-model-v1 .* manifest of 6 \(root [0-9a-f]{16}…, stored\)/);
    const json = await as('bob', 'artifact', 'list', '--json');
    assert.deepEqual(JSON.parse(json.stdout).artifacts.map((a: Json) => a.name), ['face-model-v1', 'embeddings', 'acme-copy']);

    const show = await as('audrey', 'artifact', 'show', 'embeddings');
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^embeddings \(embeddings\): face embeddings$/m);
    assert.match(show.stdout, /^ {4}artifact face-model-v1$/m);
    assert.match(show.stdout, /^ {4}data in backend photos, scope \{"include":\["users\/\*\*"\]\}$/m);
    assert.match(show.stdout, /^ {2}used by: acme-copy$/m);
    const showJson = JSON.parse((await as('audrey', 'artifact', 'show', 'face-model-v1', '--json')).stdout);
    assert.deepEqual([showJson.derivedFrom, showJson.usedBy], [[], ['embeddings']]);
  });

  it('exits 2 on usage errors, naming the option, before anything is sent', async () => {
    const base = ['artifact', 'register', '--name', 'x-1', '--kind', 'model', '--description', 'd'];
    const loc = ['--backend', 'photos', '--scope-json', '{"include":["m/**"]}'];
    const from = ['--from-artifact', 'face-model-v1'];
    const cases: Array<[string[], RegExp]> = [
      [[...base, ...from], /--backend with --scope-json, or --vendor with --vendor-description/],
      [[...base, ...loc, '--vendor', 'V', '--vendor-description', 'T', ...from], /one of the two/],
      [[...base, '--backend', 'photos', ...from], /--backend needs --scope-json/],
      [[...base, '--vendor', 'V', ...from], /--vendor needs --vendor-description/],
      [[...base, '--backend', 'photos', '--scope-json', '{nope', ...from], /--scope-json is not JSON/],
      [[...base, '--backend', 'photos', '--scope-json', '["m/**"]', ...from], /--scope-json must be a JSON object/],
      [[...base, ...loc, '--from-scope-json', '{"backend":"photos","scope":{}}', '--from-scope-json', '7'], /--from-scope-json \(the 2nd\) must be a JSON object/],
      [[...base, ...loc], /say what the artifact was derived from/],
      [[...base, ...loc, '--manifest-dir', dir], /--manifest-dir needs --manifest-backend/],
      [[...base, ...loc, '--manifest-prefix', 'p/', ...from], /--manifest-prefix goes with --manifest-dir/],
      [[...base, ...loc, '--manifest-dir', join(dir, 'missing'), '--manifest-backend', 'photos'], /--manifest-dir: cannot read .*missing: ENOENT/],
      [[...base, ...loc, '--manifest-dir', dir, '--manifest-backend', 'photos'], /--manifest-dir: .* holds no regular file/],
      [[...base, ...loc, '--manifest-dir', join(api.dataset.root, 'training'), '--manifest-backend', 'photos', '--manifest-prefix', '/abs/'], /--manifest-prefix: the locator "\/abs\/A.bin" is absolute/],
      [['artifact', 'register', '--kind', 'model', '--description', 'd', ...loc, ...from], /required option '--name <name>'/],
      [['artifact', 'register', ...base.slice(2), ...loc, '--from-artefact', 'x'], /unknown option '--from-artefact'/],
    ];
    const before = await names();
    for (const [args, message] of cases) {
      const r = await as('alice', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.match(r.stderr, /artifact register|error:/);
      assert.doesNotMatch(r.stderr, /order register/);
    }
    assert.deepEqual(await names(), before);
    const unreachable = await runCli('artifact', 'list', '--server', 'http://127.0.0.1:9', '--token', api.tokens.alice);
    assert.equal(unreachable.code, 2);
    assert.match(unreachable.stderr, /^artifact list: cannot reach the shredproof server at http:\/\/127\.0\.0\.1:9/);
  });

  it('exits 1 when the server refuses, each field with the option that gave it; nothing changes', async () => {
    const before = await names();
    const r = await as('alice', 'artifact', 'register', '--name', 'face-model-v1', '--kind', 'weights', '--description', 'd', '--backend', 'nope', '--scope-json', '{}', '--from-artifact', 'ghost', '--from-scope-json', '{"backend":"photos","scope":{"include":"users/**"}}');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^artifact register: refused by the server: 400 INVALID_REQUEST/);
    assert.match(r.stderr, /body \$\.kind \(--kind\): /);
    const fields = await as('alice', 'artifact', 'register', '--name', 'face-model-v1', '--kind', 'model', '--description', 'd', '--backend', 'nope', '--scope-json', '{}', '--from-artifact', 'ghost', '--from-scope-json', '{"backend":"photos","scope":{"include":"users/**"}}');
    assert.equal(fields.code, 1, fields.stderr);
    for (const named of [/\$\.name \(--name\): an artifact named face-model-v1 is registered already/, /\$\.location\.backend \(--backend\): no backend named "nope"/, /\$\.inputs\[0\]\.artifact \(--from-artifact ghost\): no artifact named ghost/, /\$\.inputs\[1\]\.scope\.scope\.include \(--from-scope-json \(the 1st\)\): /]) {
      assert.match(fields.stderr, named);
    }
    const json = await as('alice', 'artifact', 'register', '--name', 'face-model-v1', '--kind', 'model', '--description', 'd', '--vendor', 'V', '--vendor-description', 'T', '--from-artifact', 'embeddings', '--json');
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.stdout).errors.map((e: Json) => e.path), ['$.name'], 'the --json document is the server\'s');
    const auditor = await as('audrey', 'artifact', 'register', '--name', 'by-auditor', '--kind', 'model', '--description', 'd', '--vendor', 'V', '--vendor-description', 'T', '--from-artifact', 'embeddings');
    assert.equal(auditor.code, 1);
    assert.match(auditor.stderr, /403 FORBIDDEN/);
    assert.equal((await as('audrey', 'artifact', 'show', 'ghost')).code, 1);
    assert.deepEqual(await names(), before);
  });

  it('upload-manifest sends a manifest again from the directory; another directory is refused with MANIFEST_MISMATCH', async () => {
    // Registered over the API with the tree of three photos, as a job whose upload failed would leave it.
    const users = join(api.dataset.root, 'users', 'user-0001');
    const locators = (await listed('users/user-0001/**')).slice();
    const lines = locators.map((l) => line('photos', l, sha256(readFileSync(join(api.dataset.root, l)))));
    const { manifestTree } = await import('../../src/app/artifacts.js');
    const tree = manifestTree(lines.map((l) => JSON.parse(l)));
    const reg = await api.call('/v1/artifacts', { method: 'POST', json: { name: 'half-done', kind: 'checkpoint', description: 'its upload failed', location: { vendor: 'V', description: 'T' }, inputs: [{ manifest: tree }] } });
    assert.equal(reg.status, 201);
    const wrong = await as('alice', 'artifact', 'upload-manifest', 'half-done', '--manifest-dir', join(api.dataset.root, 'training'), '--manifest-backend', 'photos', '--manifest-prefix', 'training/');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^artifact upload-manifest: refused by the server: 409 MANIFEST_MISMATCH: the manifest sent has 6 lines/m);
    const ok = await as('alice', 'artifact', 'upload-manifest', 'half-done', '--manifest-dir', users, '--manifest-backend', 'photos', '--manifest-prefix', 'users/user-0001/');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`^manifest of half-done: ${lines.length} file\\(s\\), root ${tree.rootHash}, stored `));
    assert.deepEqual((await as('audrey', 'artifact', 'manifest', 'half-done')).stdout.split('\n'), lines);
    const none = await as('alice', 'artifact', 'upload-manifest', 'half-done');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^artifact upload-manifest: give --manifest-dir/);
  });

  it('the training-hook example runs as its README says, and leaves both models in the registry', { timeout: 240_000 }, async () => {
    const readme = readFileSync(join(ROOT, 'examples/training-hook/README.md'), 'utf8');
    const blocks = [...readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    // The variables the README tells the reader to set are the ones given here.
    const exported = [...blocks[0]!.matchAll(/\b([A-Z_]+)=/g)].map((m) => m[1]!).sort();
    assert.deepEqual(exported, ['PHOTOS_BACKEND', 'PHOTOS_DIR', 'PHOTOS_PREFIX', 'SHREDPROOF_SERVER', 'SHREDPROOF_TOKEN']);
    const hook = /<!-- hook:start -->\n```sh\n([\s\S]*?)```\n<!-- hook:end -->/.exec(readme)?.[1];
    assert.ok(hook, 'README.md has the hook block between <!-- hook:start --> and <!-- hook:end -->');
    const env: NodeJS.ProcessEnv = { ...process.env, SHREDPROOF_SERVER: api.url, SHREDPROOF_TOKEN: api.tokens.olga, PHOTOS_DIR: join(api.dataset.root, 'users'), PHOTOS_BACKEND: 'photos', PHOTOS_PREFIX: 'users/' };
    for (const k of ['MODELS_BACKEND', 'MODELS_PREFIX']) delete env[k];
    const child = spawn('bash', ['-euo', 'pipefail', '-c', hook], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /^registered model face-model-2025-06 at backend photos, scope \{"include":\["models\/face-model-2025-06\/\*\*"\]\}, from 1 input\(s\)$/m);
    assert.match(stdout, /^face-model-2025-06-finetuned \(model\): model face-model-2025-06-finetuned, fine-tuned from face-model-2025-06$/m);

    const base = await get('/v1/artifacts/face-model-2025-06');
    const tuned = await get('/v1/artifacts/face-model-2025-06-finetuned');
    assert.deepEqual([base.artifact.registeredBy, base.usedBy, tuned.derivedFrom], ['olga', ['face-model-2025-06-finetuned'], ['face-model-2025-06']]);
    assert.deepEqual(tuned.artifact.location, { backend: 'photos', scope: { include: ['models/face-model-2025-06-finetuned/**'] } });
    // Trained on exactly the users' photos: every one the backend lists, with the hash the dataset wrote.
    const photos = new Map([...api.dataset.inScope, ...api.dataset.held]);
    const order = await listed('users/**');
    assert.deepEqual([...order].sort(), [...photos.keys()].sort());
    const manifest = await (await api.call('/v1/artifacts/face-model-2025-06/manifest', { as: 'audrey' })).text();
    assert.equal(manifest, order.map((l) => `${line('photos', l, photos.get(l)!)}\n`).join(''));
    assert.equal(base.artifact.manifest.treeSize, photos.size);
  });
});
