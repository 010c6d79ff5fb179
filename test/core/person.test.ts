// The two-person rule compares people, not spellings (packages/verify/src/core/person.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { personKey, samePerson } from '../../packages/verify/src/core/person.js';

describe('samePerson', () => {
  it('folds case, compatibility forms, punctuation, separators and invisible characters', () => {
    for (const alias of ['alice', 'ALICE', 'Alice', 'alice.', 'a.l-i_c e', '\uff41\uff4c\uff49\uff43\uff45', 'al\u200bice', 'ali\u00adce', 'alice\u0000']) {
      assert.ok(samePerson('alice', alias), JSON.stringify(alias));
    }
    assert.ok(samePerson('Strauß', 'STRAUSS'));
    // capital sharp s (U+1E9E), which lower-cases to ß: still the same person as ss and ß
    for (const alias of ['STRAU\u1e9e', 'strau\u1e9e', 'Strauss']) assert.ok(samePerson('Strauß', alias), alias);
    assert.equal(personKey('STRAU\u1e9e'), personKey('strauss'));
  });

  it('keeps different people apart', () => {
    for (const other of ['alicia', 'alice2', 'bob', 'alíce']) assert.ok(!samePerson('alice', other), other);
    assert.equal(personKey('...'), '');
  });
});
