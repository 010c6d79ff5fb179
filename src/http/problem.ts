// Every error the API returns is an RFC 9457 problem document
// (application/problem+json). Known errors map to a status and a stable
// `code`; anything else is a 500 that says only "internal error" and carries
// an id to find the logged details: no stack trace or internals ever leave.
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Response } from 'express';
import { z } from 'zod';
import { type FieldProblem, ValidationError, type VerificationCode, VerificationError } from '@shredproof/verify';
import { AppError, BackendUnavailableError } from '../app/errors.js';
import type { Logger } from '../log.js';
import { zodProblems } from '../app/order-document.js';
import { PROBLEMS, type ProblemCode, type StatusOf } from './problem-codes.js';

export { PROBLEMS, type ProblemCode } from './problem-codes.js';

/** Problem types are URNs: stable names that claim no web address. docs/API.md lists them. */
export const PROBLEM_TYPE_BASE = 'urn:shredproof:problem:';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  /** A code of the table (./problem-codes.ts), or a verification code of the core (422). */
  code: ProblemCode | VerificationCode;
  detail?: string;
  instance?: string;
  /** One entry per bad field: JSONPath into the request part named by `in`. */
  errors?: Array<{ in: 'body' | 'query' | 'path' | 'header'; path: string; problem: string }>;
  /** For a 500: the id under which the server logged what happened. */
  errorId?: string;
}

/** A problem with its code; the status must be the one the table gives the code (a type error otherwise). */
export class HttpProblem<C extends ProblemCode | VerificationCode = ProblemCode | VerificationCode> extends Error {
  readonly status: number;
  constructor(
    status: StatusOf<C>,
    readonly code: C,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: ProblemBody['errors'],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.status = status;
  }
}

/**
 * At most this many bad fields are listed in errors[], and the first few in
 * the detail: a body of thousands of bad entries (a megabyte of repeated
 * holds) got an answer larger than itself, listing every one.
 */
export const MAX_LISTED_PROBLEMS = 100;
const DETAIL_PROBLEMS = 10;

function fieldsProblem(prefix: string | undefined, where: 'body' | 'query' | 'path', fields: readonly FieldProblem[]): HttpProblem {
  const shown = fields.slice(0, DETAIL_PROBLEMS).map((f) => (prefix === undefined ? `${where} ${f.path}: ${f.problem}` : `${f.path}: ${f.problem}`));
  let detail = shown.join('; ');
  if (fields.length > DETAIL_PROBLEMS) detail += `; and ${fields.length - DETAIL_PROBLEMS} more`;
  if (fields.length > MAX_LISTED_PROBLEMS) detail += ` (errors lists the first ${MAX_LISTED_PROBLEMS} of ${fields.length})`;
  return new HttpProblem(
    400,
    'INVALID_REQUEST',
    'The request is not valid',
    prefix === undefined ? detail : `${prefix}: ${detail}`,
    fields.slice(0, MAX_LISTED_PROBLEMS).map((f) => ({ in: where, path: f.path, problem: f.problem })),
  );
}

/** A request part failed its schema: 400 naming each bad field (up to MAX_LISTED_PROBLEMS). */
export function invalidRequest(where: 'body' | 'query' | 'path', fields: readonly FieldProblem[]): HttpProblem {
  return fieldsProblem(undefined, where, fields);
}

/** A use case refused the body: its message without the list of fields that ValidationError appends, then the list, bounded. */
function validationProblem(e: ValidationError): HttpProblem {
  if (e.fields.length === 0) return new HttpProblem(400, 'INVALID_REQUEST', 'The request is not valid', e.message);
  const all = e.fields.map((f) => `${f.path}: ${f.problem}`).join('; ');
  const prefix = e.message.endsWith(`: ${all}`) ? e.message.slice(0, -all.length - 2) : e.message;
  return fieldsProblem(prefix, 'body', e.fields);
}

/** Parses one part of a request with its schema, or throws the 400 that names each bad field. */
export function parsePart<T extends z.ZodType>(schema: T, value: unknown, where: 'body' | 'query' | 'path'): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw invalidRequest(where, zodProblems(r.error));
  return r.data;
}

export function sendProblem(res: Response, p: Omit<ProblemBody, 'type'> & { type?: string }, headers: Record<string, string> = {}): void {
  const body: ProblemBody = { type: p.type ?? PROBLEM_TYPE_BASE + p.code.toLowerCase().replace(/_/g, '-'), ...p };
  res.status(p.status).set(headers).type('application/problem+json').send(JSON.stringify(body));
}

/** The problem for a code of the table, with the table's status and title. */
export function problemFor<C extends ProblemCode>(code: C, detail?: string): HttpProblem<C> {
  const p = PROBLEMS[code];
  return new HttpProblem(p.status as StatusOf<C>, code, p.title, detail);
}

/** A use case's error: its code says the status (every code of src/app/errors.ts has a row, or this does not compile). */
function appProblem(e: AppError): HttpProblem {
  if (e instanceof BackendUnavailableError) {
    // The cause stays in the log (under the errorId): it may name hosts and users.
    return problemFor(e.code, `the backend ${e.backend} could not be reached to check the order's scope; nothing was created: try again later, or give the errorId to the server's operator`);
  }
  return problemFor(e.code, e.message);
}

/** The problem for a known error, or undefined for an internal one. Exported for the tests of the table. */
export function fromError(e: unknown): HttpProblem | undefined {
  if (e instanceof HttpProblem) return e;
  if (e instanceof ValidationError) return validationProblem(e);
  if (e instanceof AppError) return appProblem(e);
  if (e instanceof VerificationError) return new HttpProblem(422, e.code, 'Verification failed', e.message);
  // The router could not decode a path parameter (%E0%A4%A): the client's mistake, not an internal error.
  if (e instanceof URIError && (e as { status?: number }).status === 400) {
    return new HttpProblem(400, 'INVALID_REQUEST', 'The request is not valid', 'the path is not valid percent-encoding (RFC 3986, section 2.1)', [{ in: 'path', path: '$', problem: 'is not valid percent-encoding' }]);
  }
  // Errors raised by express's body parser carry a status and a type.
  const b = e as { status?: number; type?: string; expose?: boolean; message?: string; limit?: number };
  if (b?.type === 'entity.too.large') return problemFor('BODY_TOO_LARGE', `the limit is ${b.limit} bytes`);
  if (b?.type === 'entity.parse.failed') return problemFor('MALFORMED_JSON', 'the body could not be parsed as JSON');
  if (b?.type === 'encoding.unsupported' || b?.type === 'charset.unsupported') return problemFor('UNSUPPORTED_ENCODING', b.message);
  if (b?.status === 404) return problemFor('NOT_FOUND', 'no such file');
  // BAD_REQUEST carries the 4xx status that the body parser chose (docs/API.md).
  if (typeof b?.status === 'number' && b.status >= 400 && b.status < 500 && b.expose) return new HttpProblem(b.status, 'BAD_REQUEST', 'Bad request', b.message);
  return undefined;
}

/** An error's message and those of its causes, for the log. */
function causes(e: unknown): string {
  const out: string[] = [];
  for (let c: unknown = e; c !== undefined && out.length < 5; c = (c as { cause?: unknown })?.cause) out.push(c instanceof Error ? c.message : String(c));
  return out.join(': caused by: ');
}

export function problemHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const p = fromError(err);
    if (res.headersSent) {
      // A stream (records, SSE) broke after it started: nothing more can be said to the client.
      log.warn({ path: req.path, err: (err as Error)?.message }, 'response failed after it started');
      res.destroy();
      return;
    }
    if (p) {
      // A known 5xx (a backend down) is the operator's to look into: logged under an id the answer gives, without a stack.
      const errorId = p.status >= 500 ? randomUUID() : undefined;
      if (errorId) log.warn({ errorId, method: req.method, path: req.path, code: p.code, err: causes(err) }, 'request failed');
      sendProblem(
        res,
        { title: p.title, status: p.status, code: p.code, instance: req.originalUrl, ...(p.detail ? { detail: p.detail } : {}), ...(p.errors ? { errors: p.errors } : {}), ...(errorId ? { errorId } : {}) },
        p.headers,
      );
      return;
    }
    const errorId = randomUUID();
    log.error({ errorId, method: req.method, path: req.path, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'unhandled error in a request');
    const { title, status, code } = PROBLEMS.INTERNAL;
    sendProblem(res, { title, status, code, detail: 'the server could not complete the request; give the errorId to its operator', errorId, instance: req.originalUrl });
  };
}
