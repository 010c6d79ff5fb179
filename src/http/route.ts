// One table describes every API route: method, path, who may call it, the
// schemas of its parameters, query, body and responses, and its handler.
// mount() turns the table into express routes (authentication, role check,
// validation, audit, metrics); openapi.ts turns the same table into the
// OpenAPI 3.1 document; the authorization matrix test walks it.
import type { Readable } from 'node:stream';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Role } from '../app/ports/access.js';
import type { ApiContext } from './context.js';
import { HttpProblem, parsePart } from './problem.js';
import { Problem } from './schemas.js';
import { presentedTokenId, type Principal } from '../app/tokens.js';
import type { FailureKey } from './auth-failures.js';
import { principalOf, setPrincipal } from './principal.js';

export type Method = 'get' | 'post' | 'put' | 'delete';

/**
 * An OpenAPI link (3.1, section 4.8.20): how a value of this response feeds
 * another operation, as a runtime expression such as `$response.body#/id`.
 * Clients and test generators (schemathesis's stateful phase) follow them.
 */
export interface ResponseLink {
  operationId: string;
  parameters?: Record<string, string>;
  requestBody?: unknown;
  description?: string;
}

export interface ResponseSpec {
  description: string;
  /** JSON schema of the body; absent with contentType for non-JSON bodies. */
  schema?: z.ZodType;
  contentType?: string;
  links?: Record<string, ResponseLink>;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** With rawBody: the body as it arrives, in chunks, never parsed or buffered whole (413 past its limit). */
  raw: AsyncIterable<Buffer> | undefined;
  principal: Principal | undefined;
  req: Request;
  res: Response;
}

export interface Route<P = any, Q = any, B = any> {
  method: Method;
  /** Express path syntax (/v1/orders/:id). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** 'public' needs no token; otherwise the roles allowed. */
  auth: 'public' | readonly Role[];
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** The use case validates the body itself (with this schema and more rules); the route only documents it. */
  bodyValidatedBy?: 'use-case';
  /**
   * A body the handler reads itself, as a stream (a manifest of millions of
   * lines): no JSON parser; 415 for another content type; 413 once more than
   * limitBytes arrived, or at once when Content-Length declares more. Not
   * with `body`.
   */
  rawBody?: RawBodySpec;
  /** A body the client may leave out (plan, execute). */
  bodyOptional?: boolean;
  /** A valid body, shown in the OpenAPI document (and sent first by schemathesis's examples phase). */
  bodyExample?: unknown;
  successStatus?: number;
  responses: Record<number, ResponseSpec>;
  /**
   * Returns the JSON to send with successStatus, or undefined when the
   * handler wrote the response itself (streams, PEM, HTML).
   */
  handler(ctx: ApiContext, input: RouteInput<P, Q, B>): unknown;
}

export interface RawBodySpec {
  /** The one media type taken, such as application/x-ndjson (parameters such as charset are allowed). */
  contentType: string;
  /** The largest body taken, in bytes: enforced while it streams. */
  limitBytes: number;
  /** What the body is, for the OpenAPI document (which shows it as a string of that media type). */
  description: string;
  example?: string;
}

/** The roles every authenticated route allows to read. */
export const ANY_ROLE: readonly Role[] = ['operator', 'approver', 'auditor', 'admin'];

export function defineRoute<P = undefined, Q = undefined, B = undefined>(r: Route<P, Q, B>): Route<P, Q, B> {
  return r;
}

/** The problem+json responses a route can give, for the OpenAPI document. */
export const problems = (...codes: number[]): Record<number, ResponseSpec> =>
  Object.fromEntries(
    codes.map((c) => [
      c,
      {
        description: {
          400: 'Invalid request: each bad field is named in errors[]',
          401: 'No valid bearer token',
          403: 'The token\'s role may not do this',
          404: 'No such order',
          409: 'The order\'s state or the two-person rule does not allow this (code says which)',
          413: 'Body too large',
          415: 'Body is not JSON',
          429: 'Too many failed authentications with this token id (or, without one, from this address)',
          431: 'The request line and headers exceed 16 KiB',
        }[c]!,
        schema: Problem,
        contentType: 'application/problem+json',
      },
    ]),
  );

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function bearer(req: Request): string | undefined {
  const h = req.get('authorization');
  if (!h) return undefined;
  const m = /^Bearer +([^\s]+) *$/i.exec(h);
  return m ? m[1] : '';
}

/** Only for routes that need a token: the rate limit on failures, the token, the role, and the audit hook for writes. */
function authStep(ctx: ApiContext, route: Route): RequestHandler {
  const roles = route.auth === 'public' ? [] : route.auth;
  return (req, res, next) => {
    const presented = bearer(req);
    // Failures count against the token id that was presented, or the address when there is none (garbage):
    // a valid token keeps working from an address where someone else keeps failing.
    const presentedId = presented ? presentedTokenId(presented) : undefined;
    const key: FailureKey = presentedId ? { tokenId: presentedId } : { address: req.ip ?? 'unknown' };
    const wait = ctx.authFailures.retryAfter(key);
    if (wait > 0) {
      const what = presentedId ? `with the token ${presentedId}` : 'without a token from this address';
      return next(
        new HttpProblem(429, 'TOO_MANY_AUTH_FAILURES', 'Too many failed authentications', `more than ${ctx.authFailures.limit} failed authentications ${what} in a minute; try again in ${wait} s`, undefined, {
          'Retry-After': String(wait),
        }),
      );
    }
    const now = ctx.engine.clock.now();
    const fail = (why: string, tokenId?: string) => {
      ctx.authFailures.fail(key);
      ctx.audit.authFailed(req, why, tokenId);
      const challenge = presented === undefined ? 'Bearer realm="shredproof"' : 'Bearer realm="shredproof", error="invalid_token"';
      next(new HttpProblem(401, 'UNAUTHENTICATED', 'Authentication required', presented === undefined ? 'send Authorization: Bearer <token>' : 'the token is not valid', undefined, { 'WWW-Authenticate': challenge }));
    };
    if (!presented) return fail(presented === undefined ? 'NO_TOKEN' : 'MALFORMED');
    const r = ctx.tokens.authenticate(presented, now);
    if (!r.ok) return fail(r.reason, r.tokenId);
    setPrincipal(req, r.principal);
    if (WRITES.has(req.method)) ctx.audit.onWriteFinished(req, res, r.principal, route.operationId);
    if (!roles.includes(r.principal.role)) {
      return next(new HttpProblem(403, 'FORBIDDEN', 'Not allowed for this role', `${route.operationId} needs the role ${roles.join(' or ')}; this token's role is ${r.principal.role}`));
    }
    next();
  };
}

/**
 * Refuses a declared body over the limit at once, before a byte of it is read:
 * the body parser would read (and throw away) the whole body first, and only
 * then answer 413. The connection is closed after the answer, so that the
 * server does not go on reading what the client still sends.
 */
function declaredSizeStep(limit: number): RequestHandler {
  return (req, _res, next) => {
    const declared = req.get('content-length');
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit) {
      return next(new HttpProblem(413, 'BODY_TOO_LARGE', 'The request body is too large', `the body is declared as ${declared} bytes; the limit is ${limit} bytes`, undefined, { Connection: 'close' }));
    }
    next();
  };
}

/**
 * For a route with rawBody: the content type (415) and the declared size
 * (413, at once, like declaredSizeStep) before a byte is read. A client that
 * waits for `100 Continue` was not told to send a body over the JSON limit
 * (http-server.ts cannot know this route's own limit): it is told here.
 */
function rawBodyStep(ctx: ApiContext, spec: RawBodySpec): RequestHandler {
  const size = declaredSizeStep(spec.limitBytes);
  return (req, res, next) => {
    if (req.is(spec.contentType) !== spec.contentType) {
      // The body is not read: the connection is closed after the answer (see declaredSizeStep).
      return next(new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', `The body must be ${spec.contentType}`, `send Content-Type: ${spec.contentType}`, undefined, { Connection: 'close' }));
    }
    size(req, res, (e?: unknown) => {
      if (e) return next(e);
      // http-server.ts asked for the body already unless its declared size is over the JSON limit.
      const declared = req.get('content-length');
      const notAsked = declared !== undefined && /^\d+$/.test(declared) && Number(declared) > ctx.http.bodyLimitBytes;
      if (notAsked && req.get('expect')?.toLowerCase() === '100-continue') res.writeContinue();
      next();
    });
  };
}

/**
 * The body of a rawBody route as it arrives, refused with 413 once more than
 * `limit` bytes came. The stream is read without being destroyed when the
 * reader stops early (a bad line): destroying a request destroys its socket,
 * and the answer that says what was wrong would never leave.
 */
export async function* limitedBody(req: Readable, limit: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen > limit) throw new HttpProblem(413, 'BODY_TOO_LARGE', 'The request body is too large', `the body exceeds the limit of ${limit} bytes`, undefined, { Connection: 'close' });
    yield chunk;
  }
}

function handle(ctx: ApiContext, route: Route): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const params = route.params ? parsePart(route.params, req.params, 'path') : undefined;
      const query = route.query ? parsePart(route.query, req.query, 'query') : undefined;
      let body: unknown;
      if (route.body) {
        const sent = !isEmptyBody(req);
        if (sent && !req.is('application/json')) {
          throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'The body must be JSON', 'send Content-Type: application/json');
        }
        if (!sent && !route.bodyOptional) {
          throw new HttpProblem(400, 'INVALID_REQUEST', 'The request is not valid', 'this request needs a JSON body', [{ in: 'body', path: '$', problem: 'is missing' }]);
        }
        body = sent ? (route.bodyValidatedBy === 'use-case' ? req.body : parsePart(route.body, req.body, 'body')) : undefined;
      }
      const raw = route.rawBody ? limitedBody(req, route.rawBody.limitBytes) : undefined;
      const out = await route.handler(ctx, { params, query, body, raw, principal: principalOf(req), req, res });
      if (out !== undefined && !res.headersSent) res.status(route.successStatus ?? 200).json(out);
    } catch (e) {
      // A streamed body refused before its end: the rest is not read (it may be gigabytes); the connection is closed after the answer.
      if (route.rawBody && !req.complete && !res.headersSent) res.set('Connection', 'close');
      next(e);
    }
  };
}

function isEmptyBody(req: Request): boolean {
  const len = req.get('content-length');
  return (len === undefined || len === '0') && req.get('transfer-encoding') === undefined;
}

export function mount(app: Express, ctx: ApiContext, routes: readonly Route[], jsonBody: RequestHandler): void {
  const allowed = new Map<string, string[]>();
  for (const route of routes) {
    const guard: RequestHandler[] = route.auth === 'public' ? [] : [authStep(ctx, route)];
    const parse: RequestHandler[] = route.rawBody ? [rawBodyStep(ctx, route.rawBody)] : route.body ? [declaredSizeStep(ctx.http.bodyLimitBytes), jsonBody] : [];
    app[route.method](route.path, ctx.metrics.httpTimer(route.path), ...guard, ...parse, handle(ctx, route));
    allowed.set(route.path, [...(allowed.get(route.path) ?? []), route.method.toUpperCase()]);
  }
  for (const [path, methods] of allowed) {
    const allow = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
    app.all(path, (req, _res, next) => next(new HttpProblem(405, 'METHOD_NOT_ALLOWED', 'Method not allowed', `${req.method} is not allowed here; use ${allow.join(', ')}`, undefined, { Allow: allow.join(', ') })));
  }
}
