// Every field of a certificate statement is checked, and a bad one is named by
// its exact path: the paths are what a verifier reports and the API returns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError, validateStatement } from '../../packages/verify/src/core/index.js';
import { buildExample } from '../../scripts/example-certificate.js';

function paths(value: unknown): string[] {
  try {
    validateStatement(value);
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.fields.map((p) => p.path).sort();
  }
  assert.fail('the statement was accepted');
}

describe('statement fields, one at a time', () => {
  const { statement } = buildExample();

  it('a certificate id with anything before or after a valid id is refused at $.certificateId', () => {
    for (const id of [` ${statement.certificateId}`, `${statement.certificateId}/x`, `-${statement.certificateId}`]) {
      const bad = structuredClone(statement) as { certificateId: string };
      bad.certificateId = id;
      assert.deepEqual(paths(bad), ['$.certificateId'], id);
    }
  });
});
