// GET /v1/orders/{id}/receipt: a per-person receipt (src/app/receipts.ts)
// for an auditor answering a data subject: for each object named, what
// became of it, with a per-object proof of version 2 that `shredproof
// verify --proof` checks alone, and nothing about anyone else. The
// certificate is verified with the server's keys, the records file against
// its root (once per cache load, src/http/proofs.ts) and the lists against
// their heads (per request: they are short), before anything is looked up.
import { readFile } from 'node:fs/promises';
import { type DsseEnvelope, LIST_NAMES, type ListName, publicKeyFromPem, trustedKey, verifyCertificate } from '@shredproof/verify';
import { makeReceipt, ReceiptError, type ReceiptRequest, receiptStatement } from '../../app/receipts.js';
import type { ApiContext } from '../context.js';
import { listPath } from '../list-proofs.js';
import { HttpProblem } from '../problem.js';
import { defineRoute, problems, type Route } from '../route.js';
import { OrderIdParams, Problem, Receipt, ReceiptQuery } from '../schemas.js';
import { certified } from './certificates.js';

export const receiptRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/v1/orders/:id/receipt',
    operationId: 'getReceipt',
    tag: 'certificates',
    summary: 'A receipt for one data subject: what became of each object they name, each with its per-object proof, and nothing about anyone else',
    description:
      'Name each object by `locator` (`target:locator`, or a bare locator that only one target holds) or by the `sha256` of its content; both repeat, at most 100 objects together. ' +
      'Each object comes back in the order asked (locators first, then hashes) as destroyed (a record), retained (kept under a legal hold), exception (not destroyed), found-by-rescan (found in scope after execution), or not-in-certificate (the certificate says nothing about it), ' +
      'with a version 2 per-object proof (docs/FORMAT.md section 7.1) for each one found. A name that fits several objects is 409 AMBIGUOUS: name it as target:locator. Version 2 certificates only (422 VERSION_UNSUPPORTED for version 1, whose statement lists retained objects).',
    auth: ['auditor'],
    params: OrderIdParams,
    query: ReceiptQuery,
    responses: {
      200: { description: 'The receipt, in its JSON form', schema: Receipt },
      // 100 locators of up to 4,353 characters do not fit in Node's 16 KiB request line: 431.
      ...problems(400, 401, 403, 429, 431),
      404: { description: 'No such order, or no certificate yet', schema: problems(404)[404]!.schema!, contentType: 'application/problem+json' },
      409: { description: 'A locator or hash fits several objects (code AMBIGUOUS)', schema: problems(409)[409]!.schema!, contentType: 'application/problem+json' },
      422: { description: 'The server\'s own files do not verify, or the certificate is of version 1 (code: the verification code)', schema: Problem, contentType: 'application/problem+json' },
    },
    async handler(ctx: ApiContext, { params, query }) {
      const cert = certified(ctx, params.id);
      const keys = ctx.publicKeys().map((k) => trustedKey(publicKeyFromPem(k.pem)));
      const envelope = JSON.parse(cert.envelope) as DsseEnvelope;
      const verified = verifyCertificate(envelope, keys);
      const statement = receiptStatement(verified.statement);
      const records = await ctx.proofs.index(cert.certificateId, cert.recordsPath, () => statement);
      const lists = {} as Record<ListName, Uint8Array>;
      for (const l of LIST_NAMES) lists[l] = await readFile(listPath(cert.recordsPath, l));
      const requests: ReceiptRequest[] = [
        ...(query.locator ?? []).map((locator, i) => ({ field: `locator[${i}]`, locator })),
        ...(query.sha256 ?? []).map((sha256, i) => ({ field: `sha256[${i}]`, sha256 })),
      ];
      try {
        return await makeReceipt({ envelope, statement, keys: keys.filter((k) => k.keyid === verified.keyid), records, lists }, requests);
      } catch (e) {
        if (e instanceof ReceiptError) throw new HttpProblem(409, 'AMBIGUOUS', 'Several records match', e.message);
        throw e;
      }
    },
  }),
];
