// Every relative link in the README, examples/README.md and docs/ leads
// somewhere: a markdown link `[text](target)` to a file that exists (relative
// to the linking file) and, with `#anchor`, to a heading of that file; and
// every bare mention of a repository path (`docs/ORDERS.md`,
// `test/app/example-order.test.ts`, `src/http/routes/`, with `*` as a
// wildcard), which is how these documents mostly point at files, names a file
// or folder that exists, in prose and in code blocks alike.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/run-cli.js';

const DOCUMENTS = [
  'README.md',
  'examples/README.md',
  ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];

// Known broken, in a document this test's author may not edit: each entry is
// checked to be still there and still broken, so that it goes once fixed.
const KNOWN_BROKEN: Record<string, string[]> = {};

/** The document without its fenced code blocks, whose `#` lines are comments, not headings. */
function prose(text: string): string {
  return text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
}

/** GitHub's anchors for the headings of a markdown document. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(text).matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const base = m[1]!.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** A repository path, `*` matching any characters within one name. */
function pathExists(path: string): boolean {
  if (!path.includes('*')) return existsSync(join(ROOT, path));
  const dir = dirname(path);
  const name = new RegExp(`^${path.slice(dir.length + 1).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  return !dir.includes('*') && existsSync(join(ROOT, dir)) && readdirSync(join(ROOT, dir)).some((f) => name.test(f));
}

/** Bare mentions of repository paths: a top-level folder of the repository, a slash, and more. */
function mentionedPaths(text: string): string[] {
  // Code blocks too: `node bin/shredproof.js` in a shell block names a file.
  const found = text.matchAll(/(?<![\w./$~-])((?:bench|bin|docs|examples|scripts|src|test|workers)\/[\w./*-]*)/g);
  return [...found]
    .map((m) => m[1]!.replace(/[.,:;]+$/, ''))
    .filter((p) => !/\*\*/.test(p)); // `test/**`-style globs describe sets of files, not one
}

describe('links and path mentions in the documentation', () => {
  it('finds the documents and their links (the patterns still match)', () => {
    assert.ok(DOCUMENTS.includes('docs/ORDERS.md') && DOCUMENTS.includes('docs/backends/s3.md'));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.ok(mentionedPaths(readme).includes('docs/FORMAT.md'));
    assert.ok(anchors(readFileSync(join(ROOT, 'docs/ORDERS.md'), 'utf8')).has('5-the-lifecycle-and-who-may-do-what'));
  });

  for (const doc of DOCUMENTS) {
    it(`${doc}: every relative link and every repository path it names exists`, () => {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      const broken: string[] = [];
      for (const m of prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: ...
        const [file, anchor] = target.split('#') as [string, string | undefined];
        const path = file === '' ? doc : normalize(join(dirname(doc), decodeURIComponent(file)));
        if (!existsSync(join(ROOT, path))) broken.push(`link ${target}: no file ${path}`);
        else if (anchor !== undefined && path.endsWith('.md') && !anchors(readFileSync(join(ROOT, path), 'utf8')).has(anchor)) {
          broken.push(`link ${target}: no heading #${anchor} in ${path}`);
        }
      }
      for (const p of mentionedPaths(text)) if (!pathExists(p)) broken.push(`path ${p}`);
      const known = KNOWN_BROKEN[doc] ?? [];
      for (const k of known) assert.ok(broken.includes(`path ${k}`), `${k} in ${doc} is fixed (or gone): remove it from KNOWN_BROKEN`);
      assert.deepEqual([...new Set(broken)].filter((b) => !known.some((k) => b === `path ${k}`)), []);
    });
  }
});
