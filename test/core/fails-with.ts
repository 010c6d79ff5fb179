// The one assertion the core's tests make of a refusal: a VerificationError
// with this code, whose message names what a person must look at.
import assert from 'node:assert/strict';
import { VerificationError } from '../../packages/verify/src/core/errors.js';

/** The VerificationError that `f` throws (anything else, or nothing, fails the test). */
export function failure(f: () => unknown): VerificationError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof VerificationError, String(e));
    return e;
  }
  assert.fail('accepted');
}

/** 'ok' when `f` returns, else the code of the VerificationError it throws (anything else fails the test). */
export function codeOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof VerificationError, String(e));
    return e.code;
  }
}

/** `f` fails with `code`, and its message names every one of `mentions` (field paths, times). */
export function assertFails(f: () => unknown, code: string, ...mentions: string[]): void {
  const e = failure(f);
  assert.equal(e.code, code, e.message);
  for (const m of mentions) assert.ok(e.message.includes(m), `${JSON.stringify(e.message)} does not name ${m}`);
}
