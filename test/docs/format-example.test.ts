import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { documentWithExample, documentWithExampleV2, FORMAT_PATH } from '../../scripts/format-example.js';
import { buildExample } from '../../scripts/example-certificate.js';
import { buildExampleV2 } from '../../scripts/example-certificate-v2.js';

/** Every member path of a statement: `issuer.keyid`, `rescan.statuses.held`, ... (array items are not walked). */
const walk = (o: unknown, prefix: string): string[] =>
  typeof o !== 'object' || o === null || Array.isArray(o)
    ? []
    : Object.entries(o).flatMap(([k, v]) => [prefix + k, ...walk(v, `${prefix}${k}.`)]);

/** Asserts that the specification (sections 1 to 8) names every member of `statement`. */
function assertNamesEveryMember(statement: unknown): void {
  const doc = readFileSync(FORMAT_PATH, 'utf8');
  const spec = doc.slice(0, doc.indexOf('## 9.'));
  for (const path of walk(statement, '')) {
    const leaf = path.split('.').pop()!;
    assert.ok(spec.includes('`' + path) || spec.includes('`' + leaf) || spec.includes(`${leaf}\``), `FORMAT.md does not mention ${path}`);
  }
}

describe('docs/FORMAT.md', () => {
  it('holds the worked example exactly as generated from real bytes (run scripts/format-example.ts --write after a change)', () => {
    const doc = readFileSync(FORMAT_PATH, 'utf8');
    assert.equal(doc, documentWithExample(doc));
  });

  it('holds the version 2 worked example, section 11, exactly as generated from real bytes', () => {
    const doc = readFileSync(FORMAT_PATH, 'utf8');
    assert.equal(doc, documentWithExampleV2(doc));
    const section = doc.slice(doc.indexOf('## 11. Worked example, version 2'));
    assert.ok(section.includes('<!-- BEGIN GENERATED EXAMPLE V2 -->'), 'section 11 holds the generated example');
    // A changed example is a changed section: the test cannot pass on a stale document.
    const stale = doc.replace(buildExampleV2().statement.retained.rootHash, '0'.repeat(64));
    assert.notEqual(stale, doc);
    assert.notEqual(documentWithExampleV2(stale), stale);
  });

  it('names every member that the example statement has', () => {
    assertNamesEveryMember(buildExample().statement);
  });

  it('names every member that the version 2 example statement has', () => {
    assertNamesEveryMember(buildExampleV2().statement);
  });
});
