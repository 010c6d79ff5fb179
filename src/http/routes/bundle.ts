// The rest of a certificate bundle (docs/FORMAT.md section 10) beside the
// certificate and records: the order as approved, whose bytes the statement's
// order.sha256 is, the list files of a version 2 certificate, and the bundle
// of each vendor that holds a derived artifact (vendors/<artifact>/), the
// bundles of its own vendors included (vendors/<artifact>/vendors/...).
import { constants } from 'node:fs';
import { type FileHandle, lstat, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LIST_NAMES, vendorBundleDir } from '@shredproof/verify';
import { z } from 'zod';
import { buildExhibit } from '../../adapters/exhibit/pdf-exhibit.js';
import { trustRootFile } from '../../app/trust-root.js';
import { MAX_VENDOR_LEVELS, VENDOR_BUNDLE_FILES } from '../../app/vendor-certificates.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { sendNdjsonFile } from '../stream-file.js';
import { ANY_ROLE, defineRoute, problems, type Route } from '../route.js';
import { OrderIdParams, VendorFileParams } from '../schemas.js';
import { listPath } from '../list-proofs.js';
import { certified } from './certificates.js';
import { getOrderOr404 } from './orders.js';

const ListParams = OrderIdParams.extend({ list: z.enum(LIST_NAMES) });
const ExhibitQuery = z.strictObject({ paper: z.enum(['letter', 'a4']).default('letter') });

/** What a missing file or directory makes open and lstat answer: the bundle carries no such file. */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'ELOOP']);
const absent = (e: unknown) => ABSENT.has((e as NodeJS.ErrnoException).code ?? '');

/** lstat, or undefined when there is nothing at `path`. */
async function lstatOrNone(path: string) {
  try {
    return await lstat(path);
  } catch (e) {
    if (absent(e)) return undefined;
    throw e;
  }
}

/**
 * Opens `file` (a path VendorFileParams took) of the vendor's bundle that our bundle in `dir` carries for
 * `artifact`, or undefined when it carries no such regular file. Each directory on the way, vendors/ and the
 * artifact's included, must be one and not a link, and the file is opened without following one: a bundle attached
 * from disk is copied with its links, and a link could lead out of vendors/<artifact>/.
 */
async function openVendorFile(dir: string, artifact: string, file: string): Promise<FileHandle | undefined> {
  const segments = [...vendorBundleDir(artifact).split('/'), ...file.split('/')];
  let at = dir;
  for (const s of segments.slice(0, -1)) {
    at = join(at, s);
    if ((await lstatOrNone(at))?.isDirectory() !== true) return undefined;
  }
  const path = join(at, segments.at(-1)!);
  // lstat where O_NOFOLLOW is unknown (Windows); O_NOFOLLOW where a link could replace the file after it.
  if ((await lstatOrNone(path))?.isFile() !== true) return undefined;
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    if (absent(e)) return undefined;
    throw e;
  }
  // Opened before any header is sent, so that a file that is not there is still a problem document, not a broken 200.
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    return undefined;
  }
  return handle;
}

export const bundleRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/v1/orders/:id/exhibit.pdf',
    operationId: 'getExhibit',
    tag: 'certificates',
    summary: 'The legal exhibit of the certificate: a PDF/A-3b in plain language that carries the bundle as attachments (docs/FORMAT.md section 13)',
    description:
      'Made on request from the certificate bundle the server keeps, after verifying it as a regulator would: the pages say what the signed statement says (order, systems, counts, re-scan, holds, derived artifacts, what persists, the NIST SP 800-88 Appendix G fields, the officer\'s declaration with a signature line, the verification block and a QR code), and the bundle\'s files are attached, records.ndjson only up to 50 MiB (above it the statement\'s records.sha256 stands for it). `shredproof verify --exhibit` checks it. `?paper=a4` for A4; Letter otherwise.',
    auth: ANY_ROLE,
    params: OrderIdParams,
    query: ExhibitQuery,
    responses: { 200: { description: 'the exhibit, application/pdf', contentType: 'application/pdf' }, ...problems(400, 401, 404, 429) },
    async handler(ctx: ApiContext, { params, query, res }) {
      const cert = certified(ctx, params.id);
      const made = await buildExhibit(dirname(cert.recordsPath), { paper: query.paper });
      res.status(200).type('application/pdf').set('Content-Disposition', `attachment; filename="exhibit-${params.id}.pdf"`).set('Cache-Control', 'no-store').send(made.pdf);
      return undefined;
    },
  }),
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
    summary: 'A file of a vendor\'s certificate bundle that the certificate carries (vendors/{artifact}/{file}), its vendors\' bundles included, byte for byte, streamed',
    description:
      `A certified order whose derived artifact is held by a vendor carries the vendor's own certificate bundle, as it was attached and verified, the bundles of the vendor's own vendors in it; the statement binds its certificate.json and trust.json by SHA-256, and each bundle's statement binds its vendors' (docs/FORMAT.md section 5.10). {file} is the file's path in the vendor's bundle, each / percent-encoded: one of ${VENDOR_BUNDLE_FILES.join(', ')}, or such a file of the bundle of one of the vendor's own vendors, vendors/<artifact>/ followed by such a path (at most ${MAX_VENDOR_LEVELS} levels of vendors/); 400 naming the problem otherwise (.., an empty segment, a backslash, an absolute path, another directory or file, too deep). 404 NOT_FOUND when the certificate carries no such file (the artifact was not held by a vendor, or the vendor's bundle has no such file: order.json and public-key.pem are optional).`,
    auth: ANY_ROLE,
    params: VendorFileParams,
    responses: {
      200: { description: 'The file, the exact bytes of the vendor\'s bundle', contentType: 'application/octet-stream' },
      ...problems(400, 401, 429),
      404: { description: 'No such order, no certificate yet (NO_CERTIFICATE), or no such file in the certificate\'s vendors/ (NOT_FOUND)', schema: problems(404)[404]!.schema!, contentType: 'application/problem+json' },
    },
    async handler(ctx: ApiContext, { params, res }) {
      const cert = certified(ctx, params.id);
      const file = await openVendorFile(dirname(cert.recordsPath), params.artifact, params.file);
      if (!file) {
        throw new HttpProblem(404, 'NOT_FOUND', 'Not found', `certificate ${cert.certificateId} of order ${params.id} carries no ${vendorBundleDir(params.artifact)}/${params.file}: the artifact is not held by a vendor, or its vendor's bundle has no such file`);
      }
      res.status(200).type('application/octet-stream').set('Content-Disposition', `attachment; filename="${params.artifact}-${params.file.replaceAll('/', '-')}"`);
      await pipeline(file.createReadStream(), res);
      return undefined;
    },
  }),
];
