// Issue 6, deliverable 4, for the core's own vectors: every Merkle vector
// (test/vectors/merkle) and the RFC 8785 vectors (test/vectors/canonical-json)
// give the same answers in Chromium, bundled with the verifier page's esbuild
// settings, as in Node, through the same check functions.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { bundleForBrowser } from '../../src/verifier-page/build.js';
import type { MerkleVector } from '../core/merkle-vector-runner.js';
import { openVerifierPage, type VerifierPage } from '../helpers/browser.js';
import { type CoreVectorChecks, coreVectorChecks } from './core-vector-checks.js';

const VECTORS = fileURLToPath(new URL('../vectors/', import.meta.url));
const utf8 = (path: string) => new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : []))
    .sort();
}

/**
 * Calls one check in the page. Arguments and results cross as JSON text:
 * JSON.stringify escapes lone surrogates, which a vector may hold and which
 * the bridge to the browser would otherwise replace.
 */
async function inBrowser<K extends keyof CoreVectorChecks>(page: Page, name: K, input: Parameters<CoreVectorChecks[K]>[0]): Promise<ReturnType<CoreVectorChecks[K]>> {
  const out = await page.evaluate(
    ([fn, json]) => JSON.stringify((globalThis as unknown as { coreVectorChecks: Record<string, (x: unknown) => unknown> }).coreVectorChecks[fn]!(JSON.parse(json))),
    [name, JSON.stringify(input)] as const,
  );
  return JSON.parse(out) as ReturnType<CoreVectorChecks[K]>;
}

describe('core vectors: the same answers in Chromium as in Node', () => {
  let p: VerifierPage;
  let page: Page;
  const pageErrors: string[] = [];
  before(async () => {
    p = await openVerifierPage();
    page = await p.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.setContent('<!doctype html><title>core vectors</title>');
    await page.addScriptTag({ content: await bundleForBrowser(fileURLToPath(new URL('./core-vectors-browser.ts', import.meta.url))) });
  });
  after(() => p?.close());

  it('Merkle inclusion, consistency and roots', async () => {
    const vectors = walk(join(VECTORS, 'merkle')).map((f) => JSON.parse(readFileSync(f, 'utf8')) as MerkleVector);
    assert.ok(vectors.length > 500, `${vectors.length} vectors`);
    const node = coreVectorChecks.merkleVectors(vectors);
    assert.deepEqual(node, vectors.map(() => 'ok'), 'every vector holds in Node');
    assert.deepEqual(await inBrowser(page, 'merkleVectors', vectors), node);
  });

  it('RFC 8785: the reference inputs canonicalize to the reference bytes', async () => {
    const dir = join(VECTORS, 'canonical-json');
    const names = readdirSync(join(dir, 'input')).sort();
    const inputs = names.map((n) => utf8(join(dir, 'input', n)));
    const want = names.map((n) => readFileSync(join(dir, 'output', n)).toString('hex'));
    const node = coreVectorChecks.canonicalHex(inputs);
    assert.deepEqual(node, want);
    assert.deepEqual(await inBrowser(page, 'canonicalHex', inputs), node);
  });

  it('RFC 8785: parseCanonical accepts, flags and rejects the same texts', async () => {
    const dir = join(VECTORS, 'canonical-json', 'parse-canonical');
    const cases = readdirSync(dir).sort().map((n) => JSON.parse(utf8(join(dir, n))) as { text: string; canonical?: boolean; error?: { path: string } });
    const node = coreVectorChecks.parseCanonicalTexts(cases.map((c) => c.text));
    cases.forEach((c, i) => assert.deepEqual(node[i], c.error ? { rejected: [c.error.path] } : { ...node[i], canonical: c.canonical }));
    assert.deepEqual(await inBrowser(page, 'parseCanonicalTexts', cases.map((c) => c.text)), node);
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(pageErrors, []);
  });
});
