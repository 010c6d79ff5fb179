// Every error the API returns is an RFC 9457 problem document
// (application/problem+json). Known errors map to a status and a stable
// `code`; anything else is a 500 that says only "internal error" and carries
// an id to find the logged details: no stack trace or internals ever leave.
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Response } from 'express';
import { z } from 'zod';
import { type FieldProblem, ValidationError, VerificationError } from '../core/errors.js';
import { NotFoundError, RuleError } from '../engine/engine-deps.js';
import { StateConflictError } from '../ledger/ledger.js';
import type { Logger } from '../log.js';
import { zodProblems } from '../orders/order-document.js';

/** Problem types are URNs: stable names that claim no web address. docs/API.md lists them. */
export const PROBLEM_TYPE_BASE = 'urn:shredproof:problem:';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  /** One entry per bad field: JSONPath into the request part named by `in`. */
  errors?: Array<{ in: 'body' | 'query' | 'path' | 'header'; path: string; problem: string }>;
  /** For a 500: the id under which the server logged what happened. */
  errorId?: string;
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: ProblemBody['errors'],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

/** A request part failed its schema: 400 with every bad field named. */
export function invalidRequest(where: 'body' | 'query' | 'path', fields: readonly FieldProblem[]): HttpProblem {
  return new HttpProblem(
    400,
    'INVALID_REQUEST',
    'The request is not valid',
    fields.map((f) => `${where} ${f.path}: ${f.problem}`).join('; '),
    fields.map((f) => ({ in: where, path: f.path, problem: f.problem })),
  );
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

function fromError(e: unknown): HttpProblem | undefined {
  if (e instanceof HttpProblem) return e;
  if (e instanceof ValidationError) {
    return new HttpProblem(400, 'INVALID_REQUEST', 'The request is not valid', e.message, e.fields.map((f) => ({ in: 'body', path: f.path, problem: f.problem })));
  }
  if (e instanceof NotFoundError) return new HttpProblem(404, 'NOT_FOUND', 'Not found', e.message);
  if (e instanceof RuleError) return new HttpProblem(409, e.code, 'The order is not in a state that allows this', e.message);
  if (e instanceof StateConflictError) return new HttpProblem(409, e.code, 'The order is not in a state that allows this', e.message);
  if (e instanceof VerificationError) return new HttpProblem(422, e.code, 'Verification failed', e.message);
  // Errors raised by express's body parser carry a status and a type.
  const b = e as { status?: number; type?: string; expose?: boolean; message?: string; limit?: number };
  if (b?.type === 'entity.too.large') return new HttpProblem(413, 'BODY_TOO_LARGE', 'The request body is too large', `the limit is ${b.limit} bytes`);
  if (b?.type === 'entity.parse.failed') return new HttpProblem(400, 'MALFORMED_JSON', 'The request body is not valid JSON', 'the body could not be parsed as JSON');
  if (b?.type === 'encoding.unsupported' || b?.type === 'charset.unsupported') return new HttpProblem(415, 'UNSUPPORTED_ENCODING', 'Unsupported body encoding', b.message);
  if (b?.status === 404) return new HttpProblem(404, 'NOT_FOUND', 'Not found', 'no such file');
  if (typeof b?.status === 'number' && b.status >= 400 && b.status < 500 && b.expose) return new HttpProblem(b.status, 'BAD_REQUEST', 'Bad request', b.message);
  return undefined;
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
      sendProblem(res, { title: p.title, status: p.status, code: p.code, instance: req.originalUrl, ...(p.detail ? { detail: p.detail } : {}), ...(p.errors ? { errors: p.errors } : {}) }, p.headers);
      return;
    }
    const errorId = randomUUID();
    log.error({ errorId, method: req.method, path: req.path, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'unhandled error in a request');
    sendProblem(res, { title: 'Internal error', status: 500, code: 'INTERNAL', detail: 'the server could not complete the request; give the errorId to its operator', errorId, instance: req.originalUrl });
  };
}
