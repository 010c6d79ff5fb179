// The one table of problem codes: every code the API answers (the use cases'
// codes of src/app/errors.ts and the HTTP layer's own), with its status and
// title. A use case's code without a row here does not compile (problem.ts,
// appProblem). docs/API.md lists the same table; test/docs/readme-api.test.ts reads
// this file to check it. A verification failure of the server's own files
// answers 422 with the core's VerificationCode instead (docs/FORMAT.md).
import type { VerificationCode } from '@shredproof/verify';

const RULE = 'The order is not in a state that allows this';

export const PROBLEM_TABLE = [
  { status: 400, code: 'INVALID_REQUEST', title: 'The request is not valid' },
  { status: 400, code: 'MALFORMED_JSON', title: 'The request body is not valid JSON' },
  // The body parser's other refusals keep the 4xx status it chose (HttpProblem allows it for this code).
  { status: 400, code: 'BAD_REQUEST', title: 'Bad request' },
  { status: 401, code: 'UNAUTHENTICATED', title: 'Authentication required' },
  { status: 403, code: 'FORBIDDEN', title: 'Not allowed for this role' },
  { status: 404, code: 'NOT_FOUND', title: 'Not found' },
  { status: 404, code: 'NO_CERTIFICATE', title: 'No certificate yet' },
  { status: 404, code: 'NOT_DESTROYED', title: 'No destroyed object matches' },
  { status: 404, code: 'NO_LIST', title: 'This certificate has no such list' },
  { status: 405, code: 'METHOD_NOT_ALLOWED', title: 'Method not allowed' },
  { status: 408, code: 'REQUEST_TIMEOUT', title: 'The request took too long' },
  { status: 409, code: 'NOT_PLANNABLE', title: RULE },
  { status: 409, code: 'PLAN_IN_PROGRESS', title: RULE },
  { status: 409, code: 'NOT_PLANNED', title: RULE },
  { status: 409, code: 'SELF_APPROVAL', title: RULE },
  { status: 409, code: 'STALE_PLAN', title: RULE },
  { status: 409, code: 'APPROVAL_REFUSED', title: RULE },
  { status: 409, code: 'MANIFEST_MISMATCH', title: RULE },
  { status: 409, code: 'DISPOSITION_MISSING', title: RULE },
  { status: 409, code: 'DISPOSITION_REFUSED', title: RULE },
  { status: 409, code: 'VENDOR_CERTIFICATE_REFUSED', title: RULE },
  { status: 409, code: 'LOG_REFUSED', title: RULE },
  { status: 409, code: 'NOT_APPROVED', title: RULE },
  { status: 409, code: 'ALREADY_EXECUTED', title: RULE },
  { status: 409, code: 'NOT_CANCELLABLE', title: RULE },
  { status: 409, code: 'STATE_CONFLICT', title: RULE },
  { status: 409, code: 'AMBIGUOUS', title: 'Several records match' },
  { status: 413, code: 'BODY_TOO_LARGE', title: 'The request body is too large' },
  { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', title: 'The body must be JSON' },
  { status: 415, code: 'UNSUPPORTED_ENCODING', title: 'Unsupported body encoding' },
  { status: 417, code: 'EXPECTATION_FAILED', title: 'Expectation failed' },
  { status: 429, code: 'TOO_MANY_AUTH_FAILURES', title: 'Too many failed authentications' },
  { status: 431, code: 'HEADERS_TOO_LARGE', title: 'The request headers are too large' },
  { status: 500, code: 'INTERNAL', title: 'Internal error' },
  { status: 503, code: 'BACKEND_UNAVAILABLE', title: 'A storage backend is unavailable' },
  { status: 503, code: 'STARTING', title: 'The server is starting' },
] as const;

type Row = (typeof PROBLEM_TABLE)[number];

/** The closed set of problem codes outside the core. */
export type ProblemCode = Row['code'];

/** The status a code answers with: the table's; the core's verification codes answer 422; BAD_REQUEST passes the parser's 4xx on. */
export type StatusOf<C extends ProblemCode | VerificationCode> = C extends 'BAD_REQUEST'
  ? number
  : C extends ProblemCode
    ? Extract<Row, { code: C }>['status']
    : 422;

/** The table by code. Built once; a code listed twice stops the server at start. */
export const PROBLEMS: { readonly [C in ProblemCode]: Extract<Row, { code: C }> } = (() => {
  const byCode: Record<string, Row> = {};
  for (const row of PROBLEM_TABLE) {
    if (byCode[row.code]) throw new Error(`problem code ${row.code} is listed twice`);
    byCode[row.code] = row;
  }
  return byCode as { readonly [C in ProblemCode]: Extract<Row, { code: C }> };
})();
