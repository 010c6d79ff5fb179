// What `shredproof artifact ...` run (./artifact.ts declares them). register
// checks its options, hashes --manifest-dir (sorted as the filesystem backend
// walks it), registers the artifact with the manifest's tree, then uploads
// the manifest's lines; the server checks them against that tree.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dirent } from 'node:fs';
import { manifestLine, manifestTree } from '../../app/artifacts.js';
import type { ManifestEntry } from '../../app/ports/artifacts.js';
import { locatorProblem } from '../../adapters/storage/filesystem/locator.js';
import { ApiError, type ArtifactView, type ShredproofClient } from '../../client/api-client.js';
import { CliExit, type CliContext, EXIT_USAGE } from '../context.js';
import { type Common, print, run } from './order/shared.js';

export type ArtifactCommon = Common;
export interface ManifestOptions extends Common {
  manifestDir?: string;
  manifestBackend?: string;
  manifestPrefix?: string;
}
export interface RegisterOptions extends ManifestOptions {
  name: string;
  kind: string;
  description: string;
  backend?: string;
  scopeJson?: string;
  vendor?: string;
  vendorDescription?: string;
  fromArtifact: string[];
  fromScopeJson: string[];
}

const usage = (cmd: string, msg: string) => new CliExit(EXIT_USAGE, `artifact ${cmd}: ${msg}`);

/** order/shared.ts's run, with its messages naming this command. */
async function runArtifact(cmd: string, opts: Common, ctx: CliContext, body: (client: ShredproofClient) => Promise<void>): Promise<void> {
  try {
    await run(cmd, opts, ctx, body);
  } catch (e) {
    if (e instanceof CliExit && e.message.startsWith(`order ${cmd}: `)) throw new CliExit(e.exitCode, `artifact ${e.message.slice('order '.length)}`, e.reason);
    throw e;
  }
}

function jsonObject(cmd: string, option: string, text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw usage(cmd, `${option} is not JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw usage(cmd, `${option} must be a JSON object, got ${text.slice(0, 80)}`);
  return v as Record<string, unknown>;
}

/** The regular files under `dir` with their locators, in the order the filesystem backend lists them: depth first, names sorted by their bytes. */
async function filesUnder(cmd: string, root: string, prefix: string, ctx: CliContext): Promise<Array<{ path: string; locator: string }>> {
  const out: Array<{ path: string; locator: string }> = [];
  const walk = async (rel: string): Promise<void> => {
    let entries: Dirent<Buffer>[];
    try {
      entries = (await readdir(join(root, rel), { withFileTypes: true, encoding: 'buffer' })) as unknown as Dirent<Buffer>[];
    } catch (e) {
      throw usage(cmd, `--manifest-dir: cannot read ${join(root, rel)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const d of entries) {
      const name = d.name.toString('utf8');
      const path = rel === '' ? name : `${rel}/${name}`;
      if (!Buffer.from(name, 'utf8').equals(d.name)) throw usage(cmd, `--manifest-dir: ${JSON.stringify(join(root, path))} has a name that is not UTF-8: no locator can name it`);
      if (d.isDirectory()) await walk(path);
      else if (d.isFile()) {
        const locator = prefix + path;
        const problem = locatorProblem(locator);
        if (problem !== undefined) throw usage(cmd, `--manifest-prefix: the locator ${JSON.stringify(locator)} is ${problem}`);
        out.push({ path: join(root, path), locator });
      } else ctx.err(`artifact ${cmd}: skipped ${join(root, path)}: not a regular file (a backend never lists it either)`);
    }
  };
  await walk('');
  return out;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The manifest of --manifest-dir: each regular file, its locator and the SHA-256 of its content (8 files at a time). */
async function manifestOf(cmd: string, opts: ManifestOptions, ctx: CliContext): Promise<ManifestEntry[]> {
  const dir = opts.manifestDir!;
  const backend = opts.manifestBackend!;
  const st = await lstat(dir).catch((e: NodeJS.ErrnoException) => {
    throw usage(cmd, `--manifest-dir: cannot read ${dir}: ${e.code ?? String(e)}`);
  });
  if (!st.isDirectory()) throw usage(cmd, `--manifest-dir: ${dir} is not a directory`);
  const files = await filesUnder(cmd, dir, opts.manifestPrefix ?? '', ctx);
  if (files.length === 0) throw usage(cmd, `--manifest-dir: ${dir} holds no regular file; a manifest names at least one input`);
  const entries = new Array<ManifestEntry>(files.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const f = files[i]!;
      try {
        entries[i] = { backend, locator: f.locator, sha256: await sha256File(f.path) };
      } catch (e) {
        throw usage(cmd, `--manifest-dir: cannot read ${f.path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, files.length) }, worker));
  return entries;
}

function checkManifestOptions(cmd: string, opts: ManifestOptions, required: boolean): boolean {
  if (opts.manifestDir === undefined && opts.manifestBackend === undefined && opts.manifestPrefix === undefined && !required) return false;
  if (opts.manifestDir === undefined) {
    const given = opts.manifestBackend !== undefined ? '--manifest-backend' : opts.manifestPrefix !== undefined ? '--manifest-prefix' : undefined;
    throw usage(cmd, given ? `${given} goes with --manifest-dir, the directory of the input files` : 'give --manifest-dir (the directory of the input files) and --manifest-backend');
  }
  if (opts.manifestBackend === undefined) throw usage(cmd, '--manifest-dir needs --manifest-backend: the configured backend that holds those files');
  return true;
}

/** The option that gave each field the server names ($.inputs[i] is the i-th input, in the order register builds them). */
function optionOf(path: string, inputs: readonly string[]): string | undefined {
  const input = /^\$\.inputs\[(\d+)\]/.exec(path);
  if (input) return inputs[Number(input[1])];
  const fixed: Array<[RegExp, string]> = [
    [/^\$\.name\b/, '--name'],
    [/^\$\.kind\b/, '--kind'],
    [/^\$\.description\b/, '--description'],
    [/^\$\.location\.backend\b/, '--backend'],
    [/^\$\.location\.scope\b/, '--scope-json'],
    [/^\$\.location\.vendor\b/, '--vendor'],
    [/^\$\.location\.description\b/, '--vendor-description'],
    [/^\$\.location\b/, '--backend/--scope-json or --vendor/--vendor-description'],
    [/^\$\.inputs\b/, '--from-artifact, --from-scope-json or --manifest-dir'],
  ];
  return fixed.find(([re]) => re.test(path))?.[1];
}

const where = (a: ArtifactView) => ('backend' in a.location ? `backend ${a.location.backend}, scope ${JSON.stringify(a.location.scope)}` : `vendor ${a.location.vendor}: ${a.location.description}`);

async function upload(cmd: string, client: ShredproofClient, name: string, entries: ManifestEntry[], opts: ManifestOptions, ctx: CliContext): Promise<ArtifactView> {
  try {
    return await client.uploadArtifactManifest(name, entries.map(manifestLine));
  } catch (e) {
    if (cmd === 'register') {
      const again = `shredproof artifact upload-manifest ${name} --manifest-dir ${opts.manifestDir} --manifest-backend ${opts.manifestBackend}${opts.manifestPrefix ? ` --manifest-prefix ${opts.manifestPrefix}` : ''}`;
      ctx.err(`artifact register: ${name} is registered, but its manifest was not stored; once the cause below is fixed: ${again}`);
    }
    throw e;
  }
}

export async function artifactRegister(opts: RegisterOptions, ctx: CliContext): Promise<void> {
  await runArtifact('register', opts, ctx, async (client) => {
    const inBackend = opts.backend !== undefined || opts.scopeJson !== undefined;
    const atVendor = opts.vendor !== undefined || opts.vendorDescription !== undefined;
    if (inBackend === atVendor) throw usage('register', 'say where the artifact lives: --backend with --scope-json, or --vendor with --vendor-description (one of the two)');
    if (inBackend && (opts.backend === undefined || opts.scopeJson === undefined)) throw usage('register', opts.backend === undefined ? '--scope-json goes with --backend' : '--backend needs --scope-json: the artifact\'s scope in that backend');
    if (atVendor && (opts.vendor === undefined || opts.vendorDescription === undefined)) throw usage('register', opts.vendor === undefined ? '--vendor-description goes with --vendor' : '--vendor needs --vendor-description: what the vendor holds');
    const location = inBackend ? { backend: opts.backend, scope: jsonObject('register', '--scope-json', opts.scopeJson!) } : { vendor: opts.vendor, description: opts.vendorDescription };
    const inputs: unknown[] = [];
    const sources: string[] = [];
    for (const a of opts.fromArtifact) {
      inputs.push({ artifact: a });
      sources.push(`--from-artifact ${a}`);
    }
    opts.fromScopeJson.forEach((text, i) => {
      const option = `--from-scope-json (the ${ordinal(i + 1)})`;
      inputs.push({ scope: jsonObject('register', option, text) });
      sources.push(option);
    });
    const withManifest = checkManifestOptions('register', opts, false);
    if (inputs.length === 0 && !withManifest) throw usage('register', 'say what the artifact was derived from: --from-artifact, --from-scope-json or --manifest-dir (repeatable, at least one)');
    const entries = withManifest ? await manifestOf('register', opts, ctx) : [];
    if (withManifest) {
      inputs.push({ manifest: manifestTree(entries) });
      sources.push('--manifest-dir');
    }
    let artifact: ArtifactView;
    try {
      artifact = await client.registerArtifact({ name: opts.name, kind: opts.kind, description: opts.description, location, inputs });
    } catch (e) {
      // Each field the server names is shown with the option that gave it (the --json document is the server's, as sent).
      if (e instanceof ApiError && !opts.json) for (const f of e.problem?.errors ?? []) f.path = `${f.path}${optionOf(f.path, sources) ? ` (${optionOf(f.path, sources)})` : ''}`;
      throw e;
    }
    if (withManifest) artifact = await upload('register', client, artifact.name, entries, opts, ctx);
    print(ctx, opts, artifact, () => [
      `registered ${artifact.kind} ${artifact.name} at ${where(artifact)}, from ${artifact.inputs.length} input(s)`,
      ...(artifact.manifest ? [`manifest: ${artifact.manifest.treeSize} file(s), root ${artifact.manifest.rootHash}, stored ${artifact.manifest.uploadedAt}`] : []),
    ]);
  });
}

const ordinal = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;

export async function artifactUploadManifest(name: string, opts: ManifestOptions, ctx: CliContext): Promise<void> {
  await runArtifact('upload-manifest', opts, ctx, async (client) => {
    checkManifestOptions('upload-manifest', opts, true);
    const artifact = await upload('upload-manifest', client, name, await manifestOf('upload-manifest', opts, ctx), opts, ctx);
    print(ctx, opts, artifact, () => [`manifest of ${name}: ${artifact.manifest!.treeSize} file(s), root ${artifact.manifest!.rootHash}, stored ${artifact.manifest!.uploadedAt}`]);
  });
}

function manifestState(a: ArtifactView): string {
  if (!a.manifest) return 'no manifest';
  return `manifest of ${a.manifest.treeSize} (root ${a.manifest.rootHash.slice(0, 16)}…, ${a.manifest.uploadedAt ? 'stored' : 'NOT UPLOADED'})`;
}

export async function artifactList(opts: ArtifactCommon, ctx: CliContext): Promise<void> {
  await runArtifact('list', opts, ctx, async (client) => {
    const all: ArtifactView[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = await client.listArtifacts({ limit: 500, ...(cursor ? { cursor } : {}) });
      all.push(...page.artifacts);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    print(ctx, opts, { artifacts: all }, () => all.map((a) => `${a.name}  ${a.kind}  registered ${a.registeredAt} by ${a.registeredBy}  ${a.inputs.length} input(s)  ${manifestState(a)}`));
  });
}

export async function artifactShow(name: string, opts: ArtifactCommon, ctx: CliContext): Promise<void> {
  await runArtifact('show', opts, ctx, async (client) => {
    const l = await client.getArtifact(name);
    const a = l.artifact;
    const input = (i: ArtifactView['inputs'][number]) =>
      'artifact' in i ? `artifact ${i.artifact}` : 'scope' in i ? `data in backend ${i.scope.backend}, scope ${JSON.stringify(i.scope.scope)}` : `manifest: ${i.manifest.treeSize} input(s), root ${i.manifest.rootHash}`;
    print(ctx, opts, l, () => [
      `${a.name} (${a.kind}): ${a.description}`,
      `  at ${where(a)}`,
      `  registered ${a.registeredAt} by ${a.registeredBy}`,
      '  derived from:',
      ...a.inputs.map((i) => `    ${input(i)}`),
      ...(a.manifest ? [`  manifest ${a.manifest.uploadedAt ? `stored ${a.manifest.uploadedAt} (shredproof artifact manifest ${a.name})` : 'NOT UPLOADED: shredproof artifact upload-manifest'}`] : []),
      `  used by: ${l.usedBy.length ? l.usedBy.join(', ') : 'nothing registered'}`,
    ]);
  });
}

export async function artifactManifest(name: string, opts: ArtifactCommon, ctx: CliContext): Promise<void> {
  await runArtifact('manifest', opts, ctx, async (client) => {
    const body = await client.artifactManifest(name);
    const decoder = new TextDecoder();
    let rest = '';
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
      rest = lines.pop()!;
      for (const line of lines) ctx.out(line);
    }
    rest += decoder.decode();
    if (rest) ctx.out(rest);
  });
}
