// The HTTP app. createApp builds it and never listens (src/server.ts does).
// This version serves health and readiness; the order API with bearer-token
// auth, roles and two-person approval is issue 5.
import express, { type Express } from 'express';
import type { EngineDeps } from '../engine/engine-deps.js';

export function createApp(deps: Pick<EngineDeps, 'ledger' | 'queue'>): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    try {
      deps.ledger.listOrders({ limit: 1 });
      checks.ledger = 'ok';
    } catch {
      checks.ledger = 'unavailable';
    }
    try {
      await deps.queue.depth();
      checks.redis = 'ok';
    } catch {
      checks.redis = 'unavailable';
    }
    const ok = Object.values(checks).every((v) => v === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
  });
  return app;
}
