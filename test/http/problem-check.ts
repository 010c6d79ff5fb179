// The checks every problem answer of the API must pass (RFC 9457), for the tests of test/http.
import assert from 'node:assert/strict';

/** Asserts an RFC 9457 answer with this status and code that leaks nothing, and returns its document. */
export async function problem(res: Response, status: number, code: string): Promise<Record<string, any>> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  const p = JSON.parse(text);
  assert.equal(p.status, status);
  assert.equal(p.code, code);
  assert.match(p.type, /^urn:shredproof:problem:/);
  assert.ok(p.title);
  // No stack traces, file paths or library internals in any answer.
  assert.doesNotMatch(text, /\bat .*\(.*:\d+:\d+\)|node_modules|\/src\/|\.ts\b|Error:/);
  return p;
}
