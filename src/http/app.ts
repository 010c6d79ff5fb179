// The HTTP app. createApp builds it and never listens (src/main/serve.ts does).
// Order of concerns: security headers, CORS (off unless configured), body
// limits, the route table (auth, roles, validation, audit), then one
// problem+json error handler for everything, including unknown paths;
// http-server.ts answers what never reaches express (parser errors).
import { createRequire } from 'node:module';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { EngineDeps } from '../app/deps.js';
import { type ApiContext, createApiContext, DEFAULT_HTTP, type HttpSettings } from './context.js';
import { listenWithHandlers, requestLogger } from './http-server.js';
import type { ConsoleAssets } from '../console/build.js';
import { mountConsole } from './console-routes.js';
import { mountLog } from './log-routes.js';
import { buildOpenApi } from './openapi.js';
import { HttpProblem, problemHandler } from './problem.js';
import { mount, type Route } from './route.js';
import { adminRoutes } from './routes/admin.js';
import { artifactRoutes } from './routes/artifacts.js';
import { bundleRoutes } from './routes/bundle.js';
import { certificateRoutes } from './routes/certificates.js';
import { derivedRoutes } from './routes/derived.js';
import { orderRoutes } from './routes/orders.js';
import { streamOrderProgress } from './routes/progress-stream.js';
import { receiptRoutes } from './routes/receipts.js';
import { refuseRoute } from './routes/refuse.js';
import { systemRoutes } from './routes/system.js';
import { packageVersion } from '../version.js';

const require = createRequire(import.meta.url);
export const API_VERSION = packageVersion();

/** Every route of the API, in the order the OpenAPI document lists them. */
export const ROUTES: readonly Route[] = [...orderRoutes, refuseRoute, ...derivedRoutes, streamOrderProgress, ...certificateRoutes, ...receiptRoutes, ...bundleRoutes, ...artifactRoutes, ...adminRoutes, ...systemRoutes(openApiDocument)];

let openapiCache: unknown;
export function openApiDocument(): unknown {
  return (openapiCache ??= buildOpenApi(ROUTES, { version: API_VERSION }));
}

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>shredproof API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"><link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: false });`;

function cors(origins: readonly string[]): express.RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin && origins.includes(origin)) {
      res.vary('Origin');
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE',
        'Access-Control-Max-Age': '600',
      });
      if (req.method === 'OPTIONS') return void res.status(204).end();
    }
    next();
  };
}

export function createApp(engine: EngineDeps, opts: { http?: Partial<HttpSettings>; verifierPage?: () => Promise<string>; console?: () => Promise<ConsoleAssets> } = {}): Express & { locals: { api: ApiContext } } {
  const http: HttpSettings = { ...DEFAULT_HTTP, ...opts.http };
  const ctx = createApiContext(engine, http, opts.verifierPage ? { verifierPage: opts.verifierPage } : {});
  const app = express();
  app.locals.api = ctx;
  app.disable('x-powered-by');
  app.set('trust proxy', http.trustProxy);
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use(requestLogger(engine.log));
  if (http.corsOrigins.length > 0) app.use(cors(http.corsOrigins));
  // Parsed per route, after authentication: a write with a bad body is still audited, and no one unauthenticated makes the server parse JSON.
  mount(app, ctx, ROUTES, express.json({ limit: http.bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] }));
  mountLog(app, ctx);
  if (opts.console) mountConsole(app, opts.console);
  app.get('/docs', (_req, res) => void res.type('text/html').send(DOCS_HTML));
  app.get('/docs/init.js', (_req, res) => void res.type('text/javascript').send(DOCS_INIT));
  app.use('/docs/assets', express.static(require('swagger-ui-dist').getAbsoluteFSPath() as string, { index: false, fallthrough: false }));
  app.use((req, _res, next) => next(new HttpProblem(404, 'NOT_FOUND', 'Not found', `no route ${req.method} ${req.path}`)));
  app.use(problemHandler(engine.log));
  // app.listen makes the http.Server: with these handlers, what express never sees (parser errors,
  // Expect: 100-continue) is answered as problem+json too, for `serve` and for every test alike.
  app.listen = listenWithHandlers(app, { bodyLimitBytes: http.bodyLimitBytes });
  return app as Express & { locals: { api: ApiContext } };
}
