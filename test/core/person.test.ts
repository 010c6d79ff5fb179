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
  });

  it('keeps different people apart', () => {
    for (const other of ['alicia', 'alice2', 'bob', 'alíce']) assert.ok(!samePerson('alice', other), other);
    assert.equal(personKey('...'), '');
  });
});
