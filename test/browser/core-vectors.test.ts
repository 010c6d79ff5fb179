// Issue 6, deliverable 4, for the core's own vectors: every Merkle vector
// (test/vectors/merkle) and the RFC 8785 vectors (test/vectors/canonical-json)
// give the same answers in Chromium, bundled with the verifier page's esbuild
// settings, as in Node, through the same check functions.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { MerkleVector } from '../core/merkle-vector-runner.js';
import { type ChecksPage, openChecksPage } from '../helpers/browser.js';
import { type CoreVectorChecks, coreVectorChecks } from './core-vector-checks.js';

const VECTORS = fileURLToPath(new URL('../vectors/', import.meta.url));
const utf8 = (path: string) => new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : []))
    .sort();
}

describe('core vectors: the same answers in Chromium as in Node', () => {
  let checks: ChecksPage<CoreVectorChecks>;
  before(async () => {
    checks = await openChecksPage('core vectors', new URL('./core-vectors-browser.ts', import.meta.url), 'coreVectorChecks');
  });
  after(() => checks?.close());

  it('Merkle inclusion, consistency and roots', async () => {
    const vectors = walk(join(VECTORS, 'merkle')).map((f) => JSON.parse(readFileSync(f, 'utf8')) as MerkleVector);
    assert.ok(vectors.length > 500, `${vectors.length} vectors`);
    const node = coreVectorChecks.merkleVectors(vectors);
    assert.deepEqual(node, vectors.map(() => 'ok'), 'every vector holds in Node');
    assert.deepEqual(await checks.call('merkleVectors', vectors), node);
  });

  it('RFC 8785: the reference inputs canonicalize to the reference bytes', async () => {
    const dir = join(VECTORS, 'canonical-json');
    const names = readdirSync(join(dir, 'input')).sort();
    const inputs = names.map((n) => utf8(join(dir, 'input', n)));
    const want = names.map((n) => readFileSync(join(dir, 'output', n)).toString('hex'));
    const node = coreVectorChecks.canonicalHex(inputs);
    assert.deepEqual(node, want);
    assert.deepEqual(await checks.call('canonicalHex', inputs), node);
  });

  it('RFC 8785: parseCanonical accepts, flags and rejects the same texts', async () => {
    const dir = join(VECTORS, 'canonical-json', 'parse-canonical');
    const cases = readdirSync(dir).sort().map((n) => JSON.parse(utf8(join(dir, n))) as { text: string; canonical?: boolean; error?: { path: string } });
    const node = coreVectorChecks.parseCanonicalTexts(cases.map((c) => c.text));
    cases.forEach((c, i) => assert.deepEqual(node[i], c.error ? { rejected: [c.error.path] } : { ...node[i], canonical: c.canonical }));
    assert.deepEqual(await checks.call('parseCanonicalTexts', cases.map((c) => c.text)), node);
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(checks.networkRequests(), []);
    assert.deepEqual(checks.pageErrors, []);
  });
});
