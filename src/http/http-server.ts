// What express never sees, answered on the http.Server itself: the errors of
// Node's HTTP parser, raised before a request exists (headers over 16 KiB, a
// request that is not HTTP, a request that took too long), and the
// `Expect: 100-continue` handshake. Left to Node, the first get a bare status
// line with no body (not problem+json), and the second asks the client for
// its body at once, whatever size it declares, so that a 413 came only after
// the whole body had been sent. And the access log of every request
// (pino-http), which app.ts mounts first.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, maxHeaderSize, type RequestListener, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Express, Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../log.js';
import { PROBLEM_TYPE_BASE, type ProblemBody } from './problem.js';
import { principalOf } from './principal.js';

export type Problem = Pick<ProblemBody, 'status' | 'code' | 'title' | 'detail'>;

/** The problem for an error of Node's parser, with the status Node itself would answer. */
export function parserProblem(errorCode: string | undefined): Problem {
  switch (errorCode) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'HEADERS_TOO_LARGE', title: 'The request headers are too large', detail: `the request line and headers exceed ${maxHeaderSize} bytes` };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'BODY_TOO_LARGE', title: 'The request body is too large', detail: 'the chunk extensions of the body are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', title: 'The request took too long', detail: 'the request was not received in time' };
    default:
      return { status: 400, code: 'BAD_REQUEST', title: 'Bad request', detail: 'the request is not valid HTTP/1.1' };
  }
}

function problemJson(p: Problem & { instance?: string }): string {
  return JSON.stringify({ type: PROBLEM_TYPE_BASE + p.code.toLowerCase().replace(/_/g, '-'), ...p });
}

/** Answers with a problem document where express is not there to do it (parser errors, start-up, the scrape listener). */
export function sendProblem(res: ServerResponse, p: Problem & { instance?: string }, headers: Record<string, string> = {}): void {
  const body = problemJson(p);
  res
    .writeHead(p.status, { 'Content-Type': 'application/problem+json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', ...headers })
    .end(body);
}

/** Answers the parser's errors as problem+json; the connection cannot be used again after one, so it is closed. */
function onClientError(err: NodeJS.ErrnoException, socket: Socket & { _httpMessage?: { headersSent?: boolean } }): void {
  // A reset connection cannot be answered; nor can one whose response has already begun.
  if (err.code !== 'ECONNRESET' && socket.writable && !socket._httpMessage?.headersSent) {
    const p = parserProblem(err.code);
    const body = problemJson(p);
    socket.write(
      `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * `Expect: 100-continue`: the body is asked for only when its declared size is
 * within the limit. Otherwise the app answers without it (401 for a bad token,
 * 413 once authenticated), and Node closes the connection after that answer,
 * since the client was never told to send the body.
 */
function onCheckContinue(server: Server, bodyLimitBytes: number) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const declared = req.headers['content-length'];
    if (!(declared !== undefined && /^\d+$/.test(declared) && Number(declared) > bodyLimitBytes)) res.writeContinue();
    server.emit('request', req, res);
  };
}

/** Any other expectation than 100-continue (RFC 9110, section 10.1.1). */
function onCheckExpectation(req: IncomingMessage, res: ServerResponse): void {
  const detail = 'the only expectation this server meets is Expect: 100-continue';
  sendProblem(res, { status: 417, code: 'EXPECTATION_FAILED', title: 'Expectation failed', detail, ...(req.url === undefined ? {} : { instance: req.url }) }, { Connection: 'close' });
}

/** Makes the app's http.Server with the handlers above (`app`: the express app, or what answers before it exists). */
export function createHttpServer(app: RequestListener, opts: { bodyLimitBytes: number }): Server {
  const server = createServer(app);
  server.on('clientError', onClientError);
  server.on('checkContinue', onCheckContinue(server, opts.bodyLimitBytes));
  server.on('checkExpectation', onCheckExpectation);
  return server;
}

/**
 * A replacement for express's app.listen that listens on createHttpServer's
 * server, with express 5's contract: a callback given last also receives a
 * listen error (EADDRINUSE...).
 */
export function listenWithHandlers(app: Express, opts: { bodyLimitBytes: number }): Express['listen'] {
  return ((...args: unknown[]) => {
    const server = createHttpServer(app, opts);
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      let called = false;
      const done = (...a: unknown[]) => {
        if (called) return;
        called = true;
        (last as (...x: unknown[]) => void)(...a);
      };
      args[args.length - 1] = done;
      server.once('error', done);
    }
    return (server.listen as (...a: unknown[]) => Server)(...args);
  }) as Express['listen'];
}

/** A request id the client sent (X-Request-Id) is kept when it looks like one; it is attacker controlled, so nothing else is. */
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The access log, one line per request when its response ends: request id,
 * method, path (never the query), remote address, status, responseTime (ms)
 * and the token's holder once authenticated. No header is logged at all, so no
 * Authorization, cookie or token can reach the log. Reads log at debug (status
 * polls would drown everything else), writes at info, 5xx and broken
 * responses at warn.
 */
export function requestLogger(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log,
    genReqId(req) {
      const sent = req.headers['x-request-id'];
      return typeof sent === 'string' && REQUEST_ID_RE.test(sent) ? sent : randomUUID();
    },
    customLogLevel(req, res, err) {
      if (err || res.statusCode >= 500) return 'warn';
      return req.method === 'GET' || req.method === 'HEAD' ? 'debug' : 'info';
    },
    // The serializers below receive pino's own view of req and res; only these fields leave them.
    serializers: {
      req: (r: { id: unknown; method: string; url: string; remoteAddress?: string; raw: Request }) => ({
        id: r.id,
        method: r.method,
        path: (r.raw.originalUrl ?? r.url).split('?')[0],
        remote: r.raw.ip ?? r.remoteAddress,
      }),
      res: (r: { statusCode: number }) => ({ statusCode: r.statusCode }),
      err: (e: Error) => ({ message: e.message }),
    },
    customProps(req) {
      const who = principalOf(req as Request);
      return who ? { actor: who.name } : {};
    },
  });
}
