// The transparency log's public HTTP face (docs/FORMAT.md section 12.6,
// docs/API.md "The transparency log"): C2SP tlog-tiles under /log/, so that
// anyone can mirror and check the log without a token, the newest receipt of
// a certificate, and the door through which witnesses hand back their
// cosignatures. Outside the token-checked route table: what it serves is
// public by design (hashes, signed checkpoints, entries that name no
// person), and a cosignature is authenticated by its own signature.
import express, { type Express } from 'express';
import { parseTilePath } from '@shredproof/verify';
import type { ApiContext } from './context.js';
import { HttpProblem } from './problem.js';
import { acceptCosignatures, receiptFor, servedCheckpoint, tileBytes } from '../app/transparency-log.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A checkpoint with 100 cosignatures is under 20 KB. */
const COSIGNATURE_LIMIT = '64kb';
const CERTIFICATE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function mountLog(app: Express, ctx: ApiContext): void {
  const store = () => ctx.engine.ledger.tlog;
  const text = (res: express.Response, body: string, cache: string) => void res.status(200).type('text/plain; charset=utf-8').set('Cache-Control', cache).send(body);
  const notFound = (detail: string) => new HttpProblem(404, 'NOT_FOUND', 'Not found', detail);

  app.get('/log/checkpoint', (_req, res) => {
    const cp = servedCheckpoint(store());
    if (cp === undefined) throw notFound('the log has no checkpoint yet: it signs one when its first entry is logged');
    text(res, cp, 'no-cache');
  });

  app.use('/log/tile/', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = `tile${req.path}`;
    const coord = parseTilePath(path);
    if (typeof coord === 'string') throw notFound(coord);
    const bytes = tileBytes(store(), coord);
    if (!bytes) throw notFound(`the log has no ${path} at its newest checkpoint`);
    res.status(200).type('application/octet-stream').set('Cache-Control', IMMUTABLE).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });

  app.get('/log/proof/:certificate', (req, res) => {
    const id = req.params.certificate;
    if (!CERTIFICATE_ID.test(id)) throw new HttpProblem(400, 'INVALID_REQUEST', 'Invalid request', 'not a certificate id', [{ in: 'path', path: '$.certificate', problem: 'must be a certificate id (letters, digits, . _ -)' }]);
    const receipt = receiptFor(store(), id);
    if (receipt === undefined) throw notFound(`no receipt for ${id}: not in the log, or no checkpoint covers it yet`);
    // A newer checkpoint, or a cosignature, gives a newer receipt.
    text(res, receipt, 'no-cache');
  });

  app.post('/log/cosignature', express.text({ type: () => true, limit: COSIGNATURE_LIMIT }), (req, res) => {
    if (typeof req.body !== 'string' || req.body.length === 0) {
      throw new HttpProblem(400, 'INVALID_REQUEST', 'Invalid request', 'the body is a checkpoint this log signed, with the witness\'s cosignature lines', [{ in: 'body', path: '$', problem: 'is empty' }]);
    }
    // Refused: LOG_REFUSED (409), saying why; nothing is kept.
    res.status(200).json({ accepted: acceptCosignatures(ctx.engine, req.body) });
  });
}
