// Tests for mutants of the core json part that survived Stryker's run and that an input can tell
// from the original (docs/coverage/json-survivors.md, "not killed, could be"). Each was planted by
// hand in packages/verify/src/core, this file run and seen to fail, and the file restored.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalize } from '../../packages/verify/src/core/canonical-json.js';
import { ValidationError } from '../../packages/verify/src/core/errors.js';
import { personKey } from '../../packages/verify/src/core/person.js';

function assertRejects(fn: () => unknown, paths: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ValidationError, `expected ValidationError, got ${String(err)}`);
    assert.deepEqual(err.fields.map((f) => f.path), paths);
    return true;
  });
}

describe('canonicalize: the fast path writes ordinary arrays', () => {
  it("reads an array's length once: the checked path would read it once per element and once more", () => {
    // Output cannot show which path wrote the text (both write the same); a Proxy can. A fast
    // path that quietly gave up on every array or object (canonical-json-fast.ts:29 and :31)
    // would still be right, only slower.
    let lengthReads = 0;
    const plain = [1, 'a', [2], { b: 3 }];
    const counted = new Proxy(plain, {
      get(target, key, receiver) {
        if (key === 'length') lengthReads++;
        return Reflect.get(target, key, receiver);
      },
    });
    assert.equal(canonicalize(counted), '[1,"a",[2],{"b":3}]');
    assert.equal(lengthReads, 1);
  });
});

describe('canonicalize refuses functions whatever their prototype', () => {
  // A function whose prototype is null or Object.prototype has no own enumerable members, so
  // the object code would write it as {} (canonical-json.ts:119-121 send functions there only
  // if their case is lost).
  const bare = Object.setPrototypeOf(() => 1, null) as unknown;
  const plainProto = Object.setPrototypeOf(function named() {}, Object.prototype) as unknown;
  it('at the root', () => {
    assertRejects(() => canonicalize(bare), ['$']);
    assertRejects(() => canonicalize(plainProto), ['$']);
  });
  it('as a member and as an element', () => {
    assertRejects(() => canonicalize({ f: bare, g: [plainProto] }), ['$.f', '$.g[0]']);
  });
});

describe('canonicalize and the getters it reaches while naming a refused object', () => {
  it("an error thrown by the class's name propagates unchanged, like one thrown by a member's getter (edge-cases.test.ts)", () => {
    // kindOf (canonical-json.ts:177) reads the prototype's constructor and its name to word the
    // problem; a value's own code runs there, and what it throws is not turned into a refusal.
    const boom = new Error('name getter failed');
    class Named {
      x = 1;
    }
    Object.defineProperty(Named, 'name', {
      get(): string {
        throw boom;
      },
    });
    assert.throws(() => canonicalize(new Named()), (e) => e === boom);
    assert.throws(() => canonicalize({ a: [new Named()] }), (e) => e === boom);
    const proto = Object.defineProperty({}, 'constructor', {
      get(): unknown {
        throw boom;
      },
    });
    assert.throws(() => canonicalize(Object.create(proto)), (e) => e === boom);
  });
});

describe('personKey', () => {
  it('spells the key in lower case: the ledger stores it (people.person_key, with a unique index), so its spelling must not change', () => {
    assert.equal(personKey('Alice'), 'alice');
    assert.equal(personKey('ALICE.'), 'alice');
    assert.equal(personKey('Strauß'), 'strauss');
    assert.equal(personKey('STRAU\u1e9e'), 'strauss');
  });
});
