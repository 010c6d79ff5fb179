// The one table of problem codes (src/http/problem-codes.ts): every code maps
// to exactly one status, every code of the use cases (src/app/errors.ts) has
// its row, each error of a use case answers its row's status, and a code that
// is not in the closed set does not compile (the @ts-expect-error lines below
// fail `tsc --noEmit` the day they would compile).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError, VerificationError } from '@shredproof/verify';
import {
  APP_ERROR_CODES,
  type AppErrorCode,
  type AppErrorKind,
  BackendUnavailableError,
  NotFoundError,
  RuleError,
  type RuleCode,
  StateConflictError,
} from '../../src/app/errors.js';
import { PROBLEM_TABLE, PROBLEMS } from '../../src/http/problem-codes.js';
import { fromError, HttpProblem, problemFor } from '../../src/http/problem.js';

/** The status each kind of use-case error answers with (docs/API.md). */
const STATUS_OF_KIND: Record<AppErrorKind, number> = { 'not-found': 404, conflict: 409, rule: 409, unavailable: 503 };

function appError(code: AppErrorCode): Error {
  switch (code) {
    case 'NOT_FOUND':
      return new NotFoundError('no order ord-x');
    case 'STATE_CONFLICT':
      return new StateConflictError('order ord-x is planned; this needs draft', 'planned');
    case 'BACKEND_UNAVAILABLE':
      return new BackendUnavailableError('photos', new Error('connect ECONNREFUSED 10.0.0.7:5432'));
    default:
      return new RuleError(code as RuleCode, `rule ${code} refused`);
  }
}

describe('problem codes', () => {
  it('lists each code once, with one status in 400-599 and a title', () => {
    const codes = PROBLEM_TABLE.map((r) => r.code);
    assert.equal(new Set(codes).size, codes.length, `a code listed twice: ${codes.filter((c, i) => codes.indexOf(c) !== i).join(', ')}`);
    assert.deepEqual(Object.keys(PROBLEMS).sort(), [...codes].sort());
    for (const row of PROBLEM_TABLE) {
      assert.ok(Number.isInteger(row.status) && row.status >= 400 && row.status <= 599, `${row.code}: ${row.status}`);
      assert.ok(/^[A-Z][A-Z_]*$/.test(row.code), row.code);
      assert.ok(row.title.length > 0, row.code);
      assert.equal(PROBLEMS[row.code], row);
    }
  });

  it('has a row for every code of the use cases, with the status of its kind', () => {
    const kinds = Object.entries(APP_ERROR_CODES) as Array<[AppErrorCode, AppErrorKind]>;
    assert.ok(kinds.length >= 11, `${kinds.length} codes`);
    for (const [code, kind] of kinds) assert.equal(PROBLEMS[code].status, STATUS_OF_KIND[kind], code);
  });

  it('answers every error of a use case with its code, its row\'s status and title', () => {
    for (const code of Object.keys(APP_ERROR_CODES) as AppErrorCode[]) {
      const e = appError(code);
      assert.equal((e as { code?: string }).code, code);
      const p = fromError(e);
      assert.ok(p, code);
      assert.deepEqual([p.status, p.code, p.title], [PROBLEMS[code].status, code, PROBLEMS[code].title], code);
    }
    // The backend's own words (hosts, users) stay in the log.
    assert.doesNotMatch(fromError(appError('BACKEND_UNAVAILABLE'))!.detail!, /ECONNREFUSED|10\.0\.0\.7/);
    assert.equal(fromError(appError('NOT_PLANNED'))!.detail, 'rule NOT_PLANNED refused');
  });

  it('answers the core\'s errors and unknown ones as before', () => {
    assert.deepEqual(
      (({ status, code }) => ({ status, code }))(fromError(new ValidationError('invalid order', [{ path: '$.reference', problem: 'must not be empty' }]))!),
      { status: 400, code: 'INVALID_REQUEST' },
    );
    const v = fromError(new VerificationError('SIGNATURE_INVALID', 'bad signature'))!;
    assert.deepEqual([v.status, v.code], [422, 'SIGNATURE_INVALID']);
    assert.equal(fromError(new Error('something internal')), undefined, 'an unknown error is a 500 with no detail');
    assert.equal(fromError(new TypeError('x')), undefined);
  });

  it('builds a problem from the table: problemFor and HttpProblem agree', () => {
    for (const row of PROBLEM_TABLE) {
      const p = problemFor(row.code, 'detail');
      assert.ok(p instanceof HttpProblem);
      assert.deepEqual([p.status, p.code, p.title, p.detail], [row.status, row.code, row.title, 'detail']);
    }
  });

  it('refuses, at compile time, a code outside the closed set or a status other than its own', () => {
    // Never called: the type checker reads it (tsc --noEmit over test/).
    const compileOnly = () => {
      // @ts-expect-error: not a rule code
      new RuleError('NOT_A_CODE', 'x');
      // @ts-expect-error: a code of another kind is not a rule code
      new RuleError('NOT_FOUND', 'x');
      // @ts-expect-error: not a problem code
      new HttpProblem(400, 'NOT_A_CODE', 'x');
      // @ts-expect-error: NOT_FOUND answers 404, not 409
      new HttpProblem(409, 'NOT_FOUND', 'x');
      // @ts-expect-error: not a problem code
      problemFor('NOT_A_CODE');
      // the table's own pairs compile
      new HttpProblem(404, 'NOT_FOUND', 'x');
      new HttpProblem(422, 'SIGNATURE_INVALID', 'x');
      new RuleError('SELF_APPROVAL', 'x');
    };
    assert.equal(typeof compileOnly, 'function');
  });
});
