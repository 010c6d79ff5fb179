// escapeForDisplay and jsonForDisplay (packages/verify/src/core/display-text.ts), code point
// by code point against the set docs/FORMAT.md section 8 names: C0, DEL, C1,
// U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069, U+2028, U+2029. Every
// one of them, and nothing else, is shown as its \uXXXX escape (the neighbours
// of each range included), and jsonForDisplay stays JSON with the same value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeForDisplay, jsonForDisplay } from '../../packages/verify/src/core/index.js';

/** FORMAT.md section 8's list, written out as code point ranges. */
const UNSAFE_RANGES: Array<[number, number]> = [
  [0x00, 0x1f],
  [0x7f, 0x9f],
  [0x61c, 0x61c],
  [0x200e, 0x200f],
  [0x2028, 0x2029],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
];
const unsafe = (cp: number) => UNSAFE_RANGES.some(([a, b]) => cp >= a && cp <= b);
const escaped = (cp: number) => `\\u${cp.toString(16).padStart(4, '0')}`;

/** Every code point of the Basic Multilingual Plane up to U+3000 (past every range), and some beyond. */
const CODE_POINTS = [...Array.from({ length: 0x3000 }, (_, i) => i), 0xfeff, 0xfffd, 0x1f600, 0x10ffff];

describe('escapeForDisplay', () => {
  it('escapes exactly the unsafe code points, each as its own \\uXXXX', () => {
    const wrong: string[] = [];
    for (const cp of CODE_POINTS) {
      const ch = String.fromCodePoint(cp);
      const want = unsafe(cp) ? escaped(cp) : ch;
      if (escapeForDisplay(ch) !== want) wrong.push(`U+${cp.toString(16).padStart(4, '0')}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('escapes every occurrence, keeps the text around them and leaves backslashes alone', () => {
    assert.equal(escapeForDisplay('a\u001b[1Ab\u202ec\\d\u0085\u2029e\u0000'), 'a\\u001b[1Ab\\u202ec\\d\\u0085\\u2029e\\u0000');
    assert.equal(escapeForDisplay(''), '');
    assert.equal(escapeForDisplay('users/4711/photo.jpg'), 'users/4711/photo.jpg');
  });
});

describe('jsonForDisplay', () => {
  it('is JSON with the same value, with every unsafe code point escaped and nothing else touched', () => {
    const wrong: string[] = [];
    for (const cp of CODE_POINTS) {
      const ch = String.fromCodePoint(cp);
      const out = jsonForDisplay({ s: ch });
      assert.deepEqual(JSON.parse(out), { s: ch });
      // JSON.stringify already escapes C0 (some as \n, \t...): the rest of the set is escaped here.
      const plain = JSON.stringify({ s: ch });
      const want = unsafe(cp) && cp >= 0x7f ? `{"s":"${escaped(cp)}"}` : plain;
      if (out !== want) wrong.push(`U+${cp.toString(16).padStart(4, '0')}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('lays out with `space` and escapes inside every string, names included', () => {
    const value = { 'key\u202e': ['a\u009bb', 'c\u2028'], n: 1 };
    const out = jsonForDisplay(value, 2);
    assert.equal(out, '{\n  "key\\u202e": [\n    "a\\u009bb",\n    "c\\u2028"\n  ],\n  "n": 1\n}');
    assert.deepEqual(JSON.parse(out), value);
    assert.equal(jsonForDisplay([1, 'x']), '[1,"x"]');
  });
});
