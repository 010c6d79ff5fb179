// The built page, read as text (no browser): one file with everything
// inline, nothing that could reach a network, no Node module, and a CSP
// whose hashes are those of the inline script and style. A Node built-in
// anywhere in the bundle fails the build; a missing Chromium fails the
// browser tests instead of skipping them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildVerifierPage, bundleForBrowser } from '../../src/verifier-page/build.js';
import { requireChromium } from '../helpers/browser.js';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-page-build-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sha256b64 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');

function inline(html: string, tag: 'script' | 'style'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);
}

describe('verifier page build', () => {
  it('is one self-contained file: inline script and style, no external reference', async () => {
    const html = await buildVerifierPage();
    assert.equal(inline(html, 'script').length, 1);
    assert.equal(inline(html, 'style').length, 1);
    assert.doesNotMatch(html, /<script[^>]*\ssrc=|<link\b|<img\b|<iframe\b|<object\b|<embed\b|<base\b|<form\b/i);
    assert.doesNotMatch(html, /https?:\/\//i, 'no http(s) URL anywhere in the page');
    assert.doesNotMatch(html, /\bwss?:\/\//i);
  });

  it('has no network API call and no Node module in its code', async () => {
    const [script] = inline(await buildVerifierPage(), 'script');
    for (const api of [/\bfetch\s*\(/, /XMLHttpRequest/, /\bWebSocket\b/, /\bEventSource\b/, /sendBeacon/, /importScripts/, /\bimport\s*\(/]) {
      assert.doesNotMatch(script!, api, `uses ${api}`);
    }
    assert.doesNotMatch(script!, /["']node:|\brequire\s*\(/, 'no node: module and no require()');
    assert.doesNotMatch(script!, /\bBuffer\.|\bprocess\.(env|versions|platform)/);
  });

  it('allows exactly its own inline bytes and a blob: worker, and nothing else', async () => {
    const html = await buildVerifierPage();
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.ok(csp, 'a CSP meta tag');
    assert.ok(html.indexOf(csp) < html.indexOf('<script>'), 'the CSP comes before the script');
    const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1).join(' ')]));
    assert.equal(directives.get('default-src'), "'none'");
    assert.equal(directives.get('script-src'), `'sha256-${sha256b64(inline(html, 'script')[0]!)}'`);
    assert.equal(directives.get('style-src'), `'sha256-${sha256b64(inline(html, 'style')[0]!)}'`);
    assert.equal(directives.get('worker-src'), 'blob:');
    assert.equal(directives.get('base-uri'), "'none'");
    assert.equal(directives.get('form-action'), "'none'");
    assert.equal(directives.size, 6, csp);
    assert.doesNotMatch(csp, /unsafe|data:|\*/);
  });

  it('is built once per process', () => {
    assert.equal(buildVerifierPage(), buildVerifierPage());
  });

  it('`shredproof verifier-page --out FILE` writes it and prints its SHA-256', async () => {
    const out = join(dir, 'verify.html');
    const r = await runCli('verifier-page', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    const written = readFileSync(out, 'utf8');
    assert.equal(written, await buildVerifierPage());
    assert.match(r.stdout, new RegExp(`^sha256 ${createHash('sha256').update(written).digest('hex')}$`, 'm'));
  });

  it('a missing Chromium fails the browser tests with how to install it, rather than skipping them', () => {
    assert.throws(() => requireChromium(join(dir, 'no-chromium-here')), /Chromium is not installed at .*apt-get install -y chromium/);
  });

  it('fails to build a bundle that imports a Node built-in', async () => {
    for (const [name, source] of [
      ['prefixed.ts', "import { readFileSync } from 'node:fs';\nconsole.log(readFileSync);\n"],
      ['bare.ts', "import { createHash } from 'crypto';\nconsole.log(createHash);\n"],
    ] as const) {
      const entry = join(dir, name);
      writeFileSync(entry, source);
      await assert.rejects(bundleForBrowser(entry), /is a Node built-in, imported by .*the verifier page runs in a browser/);
    }
  });
});
