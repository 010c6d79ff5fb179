import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { documentWithExample, FORMAT_PATH } from '../../scripts/format-example.js';
import { buildExample } from '../../scripts/example-certificate.js';

describe('docs/FORMAT.md', () => {
  it('holds the worked example exactly as generated from real bytes (run scripts/format-example.ts --write after a change)', () => {
    const doc = readFileSync(FORMAT_PATH, 'utf8');
    assert.equal(doc, documentWithExample(doc));
  });

  it('names every member that the example statement has', () => {
    const doc = readFileSync(FORMAT_PATH, 'utf8');
    const spec = doc.slice(0, doc.indexOf('## 9.'));
    const walk = (o: unknown, prefix: string): string[] =>
      typeof o !== 'object' || o === null || Array.isArray(o)
        ? []
        : Object.entries(o).flatMap(([k, v]) => [prefix + k, ...walk(v, `${prefix}${k}.`)]);
    const { statement } = buildExample();
    for (const path of walk(statement, '')) {
      const leaf = path.split('.').pop()!;
      assert.ok(spec.includes('`' + path) || spec.includes('`' + leaf) || spec.includes(`${leaf}\``), `FORMAT.md does not mention ${path}`);
    }
  });
});
