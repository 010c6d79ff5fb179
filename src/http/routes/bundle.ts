// The rest of a certificate bundle (docs/FORMAT.md section 10) beside the
// certificate and records: the order as approved, whose bytes the statement's
// order.sha256 is, the list files of a version 2 certificate, and the bundle
// of each vendor that holds a derived artifact (vendors/<artifact>/).
import { dirname, join } from 'node:path';
import { LIST_NAMES, vendorBundleDir } from '@shredproof/verify';
import { z } from 'zod';
import { trustRootFile } from '../../app/trust-root.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { sendFile, sendNdjsonFile } from '../stream-file.js';
import { ANY_ROLE, defineRoute, problems, type Route } from '../route.js';
import { OrderIdParams, VendorFileParams } from '../schemas.js';
import { listPath } from '../list-proofs.js';
import { certified } from './certificates.js';
import { getOrderOr404 } from './orders.js';

const ListParams = OrderIdParams.extend({ list: z.enum(LIST_NAMES) });

export const bundleRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/v1/trust.json',
    operationId: 'getTrustRoot',
    tag: 'keys',
    summary: 'The issuer\'s trust root: every certificate key with when it may sign (docs/FORMAT.md section 5.7)',
    description: 'Public, and always current. A trust root served by the same server proves nothing on its own: compare its SHA-256 (or a key id in it) with one published out of band, then verify with --trust.',
    auth: 'public',
    responses: { 200: { description: 'trust.json, the exact bytes whose SHA-256 a regulator pins', contentType: 'application/json' } },
    handler(ctx: ApiContext, { res }) {
      res.status(200).type('application/json').set('Cache-Control', 'no-cache').send(trustRootFile(ctx.engine));
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/orders/:id/order.json',
    operationId: 'getOrderDocument',
    tag: 'certificates',
    summary: 'The order document as approved: the exact bytes whose SHA-256 is the certificate\'s order.sha256',
    auth: ANY_ROLE,
    params: OrderIdParams,
    responses: { 200: { description: 'order.json (RFC 8785 bytes, no final newline)', contentType: 'application/json' }, ...problems(400, 401, 404, 429) },
    handler(ctx: ApiContext, { params, res }) {
      const order = getOrderOr404(ctx, params.id);
      // The stored canonical text, never re-serialized: a reformatted copy would hash differently.
      res.status(200).type('application/json').set('Content-Disposition', `attachment; filename="order-${params.id}.json"`).send(order.document);
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/orders/:id/lists/:list',
    operationId: 'getListFile',
    tag: 'certificates',
    summary: 'A list file of a version 2 certificate (retained, exceptions or rescan), streamed: one salted entry per line',
    auth: ANY_ROLE,
    params: ListParams,
    responses: {
      200: { description: 'retained.ndjson, exceptions.ndjson or rescan.ndjson', contentType: 'application/x-ndjson' },
      ...problems(400, 401, 429),
      404: { description: 'No such order, no certificate yet, or a version 1 certificate (code NO_LIST), whose statement holds its lists', schema: problems(404)[404]!.schema!, contentType: 'application/problem+json' },
    },
    async handler(ctx: ApiContext, { params, res }) {
      const cert = certified(ctx, params.id);
      return sendNdjsonFile(res, listPath(cert.recordsPath, params.list), `${params.list}-${params.id}.ndjson`, () =>
        new HttpProblem(404, 'NO_LIST', 'This certificate has no such list', `certificate ${cert.certificateId} is of version 1: its ${params.list} list is inside the signed statement`),
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/orders/:id/vendors/:artifact/:file',
    operationId: 'getVendorBundleFile',
    tag: 'certificates',
    summary: 'A file of a vendor\'s certificate bundle that the certificate carries (vendors/{artifact}/{file}), byte for byte, streamed',
    description:
      'A certified order whose derived artifact is held by a vendor carries the vendor\'s own certificate bundle, as it was attached and verified; the statement binds its certificate.json and trust.json by SHA-256 (docs/FORMAT.md section 5.10). 404 NOT_FOUND when the certificate carries no such file (the artifact was not held by a vendor, or the vendor\'s bundle has no such file: order.json and public-key.pem are optional).',
    auth: ANY_ROLE,
    params: VendorFileParams,
    responses: {
      200: { description: 'The file, the exact bytes of the vendor\'s bundle', contentType: 'application/octet-stream' },
      ...problems(400, 401, 429),
      404: { description: 'No such order, no certificate yet (NO_CERTIFICATE), or no such file in the certificate\'s vendors/ (NOT_FOUND)', schema: problems(404)[404]!.schema!, contentType: 'application/problem+json' },
    },
    async handler(ctx: ApiContext, { params, res }) {
      const cert = certified(ctx, params.id);
      // Both parameters passed their schemas: an artifact name and a bundle file's name, neither with '/' nor '..'.
      const path = join(dirname(cert.recordsPath), vendorBundleDir(params.artifact), params.file);
      return sendFile(res, path, 'application/octet-stream', `${params.artifact}-${params.file}`, () =>
        new HttpProblem(404, 'NOT_FOUND', 'Not found', `certificate ${cert.certificateId} of order ${params.id} carries no ${vendorBundleDir(params.artifact)}/${params.file}: the artifact is not held by a vendor, or its vendor's bundle has no such file`),
      );
    },
  }),
];
