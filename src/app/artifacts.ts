// The lineage registry's use cases (issue 16; docs/ORDERS.md "Derived
// artifacts"): register what was derived from the data (a training job runs
// `shredproof artifact register`), upload the manifest of its inputs, and
// read an artifact's lineage. Every registration is audited. An input must be
// registered before the artifact that names it, so the lineage is acyclic by
// construction; an artifact naming itself is refused as a cycle.
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ARTIFACT_NAME_RE, bytesToHex, canonicalize, type FieldProblem, MerkleRootBuilder, utf8Encode, ValidationError } from '@shredproof/verify';
import { nodeHasher } from '@shredproof/verify/node';
import { z } from 'zod';
import type { EngineDeps } from './deps.js';
import { BackendUnavailableError, NotFoundError, RuleError } from './errors.js';
import { NAME, zodProblems } from './order-document.js';
import { ARTIFACT_KINDS, type ArtifactInput, type ArtifactRow, type ManifestEntry } from './ports/artifacts.js';

type ArtifactDeps = Pick<EngineDeps, 'ledger' | 'clock' | 'backends'>;

/** An artifact's name: lowercase letters, digits, and . _ - (not first); safe in paths and URLs. The core's rule, which verifiers apply to statements. */
export const ARTIFACT_NAME = ARTIFACT_NAME_RE;
const HEX64 = /^[0-9a-f]{64}$/;
const Scope = z.record(z.string(), z.unknown());
const Backend = z.string().regex(NAME, 'must be a configured backend name (lowercase letters, digits, _ and -)');

export const ArtifactSchema = z.strictObject({
  name: z.string().regex(ARTIFACT_NAME, 'must be 1-100 characters: lowercase letters, digits, and . _ - (not first)'),
  kind: z.enum(ARTIFACT_KINDS),
  description: z.string().trim().min(1, 'must not be empty').max(2000),
  location: z.union([
    z.strictObject({ backend: Backend, scope: Scope }),
    z.strictObject({ vendor: z.string().trim().min(1).max(200), description: z.string().trim().min(1).max(2000) }),
  ]),
  inputs: z
    .array(
      z.union([
        z.strictObject({ scope: z.strictObject({ backend: Backend, scope: Scope }) }),
        z.strictObject({ artifact: z.string().regex(ARTIFACT_NAME, 'must be an artifact name') }),
        z.strictObject({ manifest: z.strictObject({ treeSize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), rootHash: z.string().regex(HEX64, 'must be 64 lowercase hex digits') }) }),
      ]),
    )
    .min(1, 'an artifact is derived from something: give at least one input')
    .max(1000),
});
export type ArtifactInputDocument = z.infer<typeof ArtifactSchema>;

/** Asks the backend whether a scope is one it can list; its problems are named under `path`. */
async function scopeProblems(deps: ArtifactDeps, backend: string, scope: unknown, path: string, problems: FieldProblem[]): Promise<void> {
  if (!deps.backends.names().has(backend)) {
    problems.push({ path: `${path}.backend`, problem: `no backend named ${JSON.stringify(backend)} is configured (known: ${[...deps.backends.names()].sort().join(', ') || 'none'})` });
    return;
  }
  try {
    const session = await deps.backends.get(backend).openTarget(scope, []);
    await session.close();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw new BackendUnavailableError(backend, e);
    for (const f of e.fields) problems.push({ path: f.path.replace(/^\$/, path), problem: f.problem });
  }
}

/**
 * Registers an artifact: shape, then every rule across fields (the backends
 * and scopes, inputs registered before it, one manifest at most, a new name).
 * ValidationError listing every problem; nothing changes then.
 */
export async function registerArtifact(deps: ArtifactDeps, input: unknown, actor: string): Promise<ArtifactRow> {
  const r = ArtifactSchema.safeParse(input);
  if (!r.success) throw new ValidationError('invalid artifact', zodProblems(r.error));
  const a = r.data;
  const problems: FieldProblem[] = [];
  if (deps.ledger.artifacts.artifact(a.name)) problems.push({ path: '$.name', problem: `an artifact named ${a.name} is registered already; a new version is a new artifact with its own name` });
  if ('backend' in a.location) await scopeProblems(deps, a.location.backend, a.location.scope, '$.location', problems);
  let manifests = 0;
  for (const [i, inp] of a.inputs.entries()) {
    const at = `$.inputs[${i}]`;
    if ('artifact' in inp) {
      if (inp.artifact === a.name) problems.push({ path: `${at}.artifact`, problem: 'names the artifact itself: lineage cannot be a cycle' });
      else if (!deps.ledger.artifacts.artifact(inp.artifact)) problems.push({ path: `${at}.artifact`, problem: `no artifact named ${inp.artifact} is registered: register what it was derived from first` });
    } else if ('scope' in inp) {
      await scopeProblems(deps, inp.scope.backend, inp.scope.scope, `${at}.scope`, problems);
    } else if (++manifests > 1) {
      problems.push({ path: `${at}.manifest`, problem: 'an artifact has one manifest at most: put every input in it' });
    }
  }
  const seen = new Set<string>();
  a.inputs.forEach((inp, i) => {
    const key = canonicalize(inp);
    if (seen.has(key)) problems.push({ path: `$.inputs[${i}]`, problem: 'repeats an earlier input' });
    seen.add(key);
  });
  if (problems.length > 0) throw new ValidationError('invalid artifact', problems);
  const at = deps.clock.now().toISOString();
  const doc = JSON.parse(canonicalize(a)) as ArtifactInputDocument;
  return deps.ledger.atomically(() => {
    const row = deps.ledger.artifacts.addArtifact({ ...doc, location: doc.location as ArtifactRow['location'], inputs: doc.inputs as ArtifactInput[], registeredAt: at, registeredBy: actor });
    const where = 'backend' in doc.location ? `backend ${doc.location.backend}` : `vendor ${doc.location.vendor}`;
    deps.ledger.access.appendAudit({ at, actor, action: 'artifact.register', detail: `${doc.kind} ${doc.name} at ${where}, from ${doc.inputs.length} input(s)` });
    return row;
  });
}

/** The leaf of a manifest line (docs/ORDERS.md): RFC 8785 JSON of {backend, locator, sha256}. */
export function manifestLine(e: ManifestEntry): string {
  return canonicalize({ backend: e.backend, locator: e.locator, sha256: e.sha256 });
}

/** The RFC 6962 tree over a manifest's lines, as `shredproof artifact register` computes it before sending them. */
export function manifestTree(entries: Iterable<ManifestEntry>): { treeSize: number; rootHash: string } {
  const tree = new MerkleRootBuilder(nodeHasher);
  let n = 0;
  for (const e of entries) {
    tree.addLeaf(utf8Encode(manifestLine(e)));
    n++;
  }
  return { treeSize: n, rootHash: bytesToHex(tree.root()) };
}

/** Longest manifest line: a locator of a few KiB and its hash. */
const MAX_LINE = 16 * 1024;

function parseManifestLine(line: string, index: number): ManifestEntry {
  const bad = (problem: string) => new ValidationError('invalid manifest', [{ path: `line ${index}`, problem }]);
  if (line.length > MAX_LINE) throw bad(`longer than ${MAX_LINE} characters`);
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw bad('is not JSON');
  }
  const o = v as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad('must be a JSON object {"backend", "locator", "sha256"}');
  const keys = Object.keys(o).sort().join(',');
  if (keys !== 'backend,locator,sha256') throw bad(`must have exactly the members backend, locator and sha256, not ${keys || 'none'}`);
  if (typeof o.backend !== 'string' || !NAME.test(o.backend)) throw bad('backend must be a backend name');
  if (typeof o.locator !== 'string' || o.locator.length === 0) throw bad('locator must be a non-empty string');
  if (typeof o.sha256 !== 'string' || !HEX64.test(o.sha256)) throw bad('sha256 must be 64 lowercase hex digits');
  const e = { backend: o.backend, locator: o.locator, sha256: o.sha256 };
  if (manifestLine(e) !== line) throw bad('is not in RFC 8785 canonical form (members sorted, no spaces)');
  return e;
}

/**
 * Uploads an artifact's manifest: its lines (NDJSON, each the RFC 8785 form
 * of {backend, locator, sha256}) are read as they come, hashed into an RFC
 * 6962 tree and kept in a temporary file; only when the tree is the one the
 * artifact declared are they stored, in one transaction. Otherwise nothing
 * changes: MANIFEST_MISMATCH, or ValidationError naming the bad line.
 */
export async function uploadManifest(deps: ArtifactDeps, name: string, lines: AsyncIterable<string>, actor: string): Promise<ArtifactRow> {
  const artifact = deps.ledger.artifacts.artifact(name);
  if (!artifact) throw new NotFoundError(`no artifact ${name}`);
  if (!artifact.manifest) throw new RuleError('MANIFEST_MISMATCH', `artifact ${name} declares no manifest input; register it with {"manifest": {"treeSize", "rootHash"}} among its inputs`);
  const dir = mkdtempSync(join(tmpdir(), 'shredproof-manifest-'));
  try {
    const file = join(dir, 'manifest.ndjson');
    const out = createWriteStream(file);
    // An error of the file itself (a full disk) surfaces at end(); one emitted after a refusal below must not
    // go unheard: with no listener it would be an uncaught exception, and the server would stop.
    let writeError: Error | undefined;
    out.on('error', (e) => (writeError ??= e));
    const tree = new MerkleRootBuilder(nodeHasher);
    let n = 0;
    try {
      for await (const line of lines) {
        if (line === '') continue; // a final newline, or blank lines: not inputs
        parseManifestLine(line, n);
        tree.addLeaf(utf8Encode(line));
        n++;
        if (!out.write(line + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      }
    } catch (e) {
      // A bad line, a body over its limit, a client gone: close the file before its directory goes.
      await new Promise<void>((r) => {
        out.once('close', () => r());
        out.destroy();
      });
      throw e;
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    if (writeError) throw writeError;
    const got = { treeSize: n, rootHash: bytesToHex(tree.root()) };
    const want = artifact.manifest;
    if (got.treeSize !== want.treeSize || got.rootHash !== want.rootHash) {
      throw new RuleError('MANIFEST_MISMATCH', `the manifest sent has ${got.treeSize} lines and root ${got.rootHash}; artifact ${name} was registered with ${want.treeSize} lines and root ${want.rootHash}`);
    }
    const entries: ManifestEntry[] = [];
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) entries.push(JSON.parse(line) as ManifestEntry);
    const at = deps.clock.now().toISOString();
    deps.ledger.atomically(() => {
      deps.ledger.artifacts.storeManifest(name, entries, at);
      deps.ledger.access.appendAudit({ at, actor, action: 'artifact.manifest', detail: `manifest of ${name}: ${got.treeSize} inputs, root ${got.rootHash}` });
    });
    return deps.ledger.artifacts.artifact(name)!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An artifact with what it was derived from and what was derived from it, for people to read. */
export interface ArtifactLineage {
  artifact: ArtifactRow;
  /** The artifacts it names as inputs, directly. */
  derivedFrom: string[];
  /** The artifacts that name it as an input, directly. */
  usedBy: string[];
}

export function artifactLineage(deps: Pick<EngineDeps, 'ledger'>, name: string): ArtifactLineage {
  const artifact = deps.ledger.artifacts.artifact(name);
  if (!artifact) throw new NotFoundError(`no artifact ${name}`);
  const derivedFrom = artifact.inputs.flatMap((i) => ('artifact' in i ? [i.artifact] : []));
  const usedBy = deps.ledger.artifacts
    .artifacts()
    .filter((a) => a.inputs.some((i) => 'artifact' in i && i.artifact === name))
    .map((a) => a.name);
  return { artifact, derivedFrom, usedBy };
}
