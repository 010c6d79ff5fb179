// An order's derived artifacts at a vendor (docs/ORDERS.md section 7;
// docs/API.md "Derived artifacts in orders"): the vendor's certificate bundle,
// uploaded a file at a time (each streamed to disk under DATA_DIR, never held
// in memory) and then attached, verified as a regulator would verify it; and
// the approver's signed disposition. The use cases
// (src/app/vendor-certificates.ts, src/app/dispositions.ts) decide every
// rule; these handlers translate HTTP and keep the staged files.
//
// Staging: DATA_DIR/vendor-uploads/<order>/<artifact>/<file>, where <file> is
// a path in the bundle (vendors/<artifact>/... for the vendor's own vendors,
// directories made as needed). Each upload is written to a temporary file
// beside the artifacts' directories (a name no artifact can have: they never
// start with '.') and renamed into place once whole. An attempt to attach
// first renames the artifact's directory away, so that the files verified are
// the files kept, whatever is uploaded meanwhile; the attempt's files are
// removed afterwards, accepted or refused.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { disposeArtifact, openArtifact } from '../../app/dispositions.js';
import { RuleError } from '../../app/errors.js';
import {
  attachVendorCertificateWithStatus,
  MAX_VENDOR_LEVELS,
  VENDOR_BUNDLE_FILES,
  VENDOR_BUNDLE_PATH_PATTERN,
  vendorBundleEntries,
  vendorBundlePathProblem,
} from '../../app/vendor-certificates.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { defineRoute, problems, type ResponseSpec, type Route } from '../route.js';
import { DerivedArtifactParams, DispositionBody, EmptyBody, Order, Problem, VendorBundleUpload, VendorCertificate, VendorStatus } from '../schemas.js';
import { getOrderOr404, orderView } from './orders.js';

/** The largest file of a vendor's bundle taken (its records.ndjson): enforced while it streams. */
export const VENDOR_FILE_LIMIT_BYTES = 2 * 1024 ** 3;
export const OCTET_STREAM = 'application/octet-stream';

const problem = (description: string): ResponseSpec => ({ description, schema: Problem, contentType: 'application/problem+json' });
const NOT_FOUND = { 404: problem('No such order, or its plan reached no such derived artifact') };
const NOT_OPEN = 'the order is past its certificate, or the artifact is not at a vendor: the order destroys it itself (VENDOR_CERTIFICATE_REFUSED)';

/**
 * {file}: a path in the vendor's bundle. One path segment of the URL, its /
 * percent-encoded (%2F), as OpenAPI clients send a parameter with a / in it;
 * express decodes it. The path is attacker controlled and becomes a path on
 * disk: vendorBundlePathProblem takes only a file of a bundle under
 * vendors/<artifact>/ directories, so that it names nothing outside the
 * artifact's staging directory.
 */
const VendorPathParams = DerivedArtifactParams.extend({
  file: z
    .string()
    .superRefine((path, ctx) => {
      const problem = vendorBundlePathProblem(path);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({
      description: `A file of the vendor's certificate bundle (docs/FORMAT.md section 10), by its path in the bundle: one of ${VENDOR_BUNDLE_FILES.join(', ')}, or the same in the bundle of one of the vendor's own vendors, vendors/<artifact>/ (up to ${MAX_VENDOR_LEVELS} levels: vendors/<artifact>/vendors/<artifact>/...). Each / is sent percent-encoded, %2F: vendors%2Flabels-at-acme%2Fcertificate.json. No .., no empty segment, no backslash, not absolute.`,
      pattern: VENDOR_BUNDLE_PATH_PATTERN,
      examples: ['certificate.json', 'vendors/labels-at-acme/certificate.json'],
    }),
});

/** The answer to an attach: the evidence, and what the vendor's certificate says of its run. */
const AttachedVendorCertificate = VendorCertificate.extend({ vendorStatus: VendorStatus }).meta({ id: 'AttachedVendorCertificate' });

/** Every file staged in `dir` (an artifact's), by its path in the bundle; none when the directory is gone (an attach took it). */
function stagedFiles(dir: string): string[] {
  try {
    return vendorBundleEntries(dir).files.sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Where an order's vendor bundles are staged, one directory per artifact. */
export function vendorUploadsDir(dataDir: string, orderId: string): string {
  return join(dataDir, 'vendor-uploads', orderId);
}

/** The planned artifact at a vendor, of an order that may still take its certificate: 404 or 409 otherwise. */
function openAt(ctx: ApiContext, id: string, artifact: string): void {
  openArtifact(getOrderOr404(ctx, id), artifact);
}

/** Streams the body to `to` (created, never replaced: a fresh name), counting and hashing it; refused if the client stopped before its end. */
async function receive(raw: AsyncIterable<Buffer>, complete: () => boolean, to: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(Readable.from(raw), count, createWriteStream(to, { flags: 'wx' }));
  if (!complete()) throw new HttpProblem(400, 'BAD_REQUEST', 'Bad request', 'the body ended before the length the request declared');
  return { size, sha256: hash.digest('hex') };
}

/** A file the bundle needs that was not uploaded: the verifier reads it and finds none. */
function missingFile(e: unknown, dir: string, artifact: string): RuleError | undefined {
  const err = e as NodeJS.ErrnoException;
  if (err?.code !== 'ENOENT' || typeof err.path !== 'string' || !err.path.startsWith(dir)) return undefined;
  const file = relative(dir, err.path).split(sep).join('/');
  return new RuleError('VENDOR_CERTIFICATE_REFUSED', `the vendor certificate for ${artifact} is refused: its bundle has no ${file}; upload every file of the bundle (PUT .../vendor-bundle/{file}), then attach again`);
}

export const derivedRoutes: Route[] = [
  defineRoute({
    method: 'put',
    path: '/v1/orders/:id/derived/:artifact/vendor-bundle/:file',
    operationId: 'uploadVendorBundleFile',
    tag: 'orders',
    summary: 'Stage one file of a vendor\'s certificate bundle for a derived artifact at that vendor, its vendors\' bundles included (streamed, up to 2 GiB)',
    description:
      `The bytes of one file of the vendor's bundle (docs/FORMAT.md section 10), exactly as the vendor issued it. {file} is its path in the bundle, each / percent-encoded: one of ${VENDOR_BUNDLE_FILES.join(', ')}, or such a file of the bundle of one of the vendor's own vendors, vendors/<artifact>/ followed by such a path (at most ${MAX_VENDOR_LEVELS} levels of vendors/; each <artifact> an artifact name); 400 naming the problem otherwise (.., an empty segment, a backslash, an absolute path, another directory or file, too deep), and nothing is staged. The file is staged on the server under that path, replacing one staged there before; nothing is checked until POST .../vendor-certificate, which takes every file staged for the artifact. Only for an artifact of the plan that is at a vendor, between the plan and the certificate.`,
    auth: ['operator'],
    params: VendorPathParams,
    rawBody: { contentType: OCTET_STREAM, limitBytes: VENDOR_FILE_LIMIT_BYTES, description: 'The file, byte for byte' },
    responses: {
      200: { description: 'Staged: its path, its size and SHA-256 as received, and every file staged for the artifact so far (paths in the bundle)', schema: VendorBundleUpload },
      ...problems(400, 401, 403, 429),
      ...NOT_FOUND,
      409: problem(NOT_OPEN),
      413: problem('The file exceeds 2 GiB'),
      415: problem('The body is not application/octet-stream'),
    },
    async handler(ctx, { params, raw, req }) {
      openAt(ctx, params.id, params.artifact);
      const root = vendorUploadsDir(ctx.engine.dataDir, params.id);
      mkdirSync(root, { recursive: true });
      const part = join(root, `.part-${randomUUID()}`);
      try {
        const got = await receive(raw!, () => req.complete, part);
        const dir = join(root, params.artifact);
        const to = join(dir, ...params.file.split('/'));
        // An attach may take the artifact's directory away between the mkdir and the rename: made again, then.
        for (let attempt = 1; ; attempt++) {
          mkdirSync(dirname(to), { recursive: true });
          try {
            renameSync(part, to);
            break;
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 3) throw e;
          }
        }
        return { artifact: params.artifact, file: params.file, ...got, staged: stagedFiles(dir) };
      } finally {
        rmSync(part, { force: true });
      }
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/orders/:id/derived/:artifact/vendor-certificate',
    operationId: 'attachVendorCertificate',
    tag: 'orders',
    summary: 'Attach the vendor\'s certificate staged for a derived artifact: verified against the vendor\'s pinned trust root, then kept with the order',
    description:
      'Takes every file staged for the artifact (PUT .../vendor-bundle/{file}) and accepts them only if the vendor is pinned on the server (`shredproof vendor add`), the bundle\'s trust.json is the pinned one, the bundle verifies as a regulator would verify it (its vendors\' bundles under vendors/ included), and it certifies an order whose reference names this one. Accepted: 200 with the evidence, which replaces an earlier certificate (and a held-by-vendor disposition made over it), and vendorStatus, what the vendor\'s certificate says of its own run (its status and counts: kept with the order for the approver, not in our certificate). Refused: 409 VENDOR_CERTIFICATE_REFUSED saying why, and nothing changes. Either way the staged files are then removed: the next attempt uploads them again.',
    auth: ['operator'],
    params: DerivedArtifactParams,
    body: EmptyBody,
    bodyOptional: true,
    responses: {
      200: { description: 'Attached: the vendor\'s certificate as the order now holds it, and what it says of the vendor\'s run', schema: AttachedVendorCertificate },
      ...problems(400, 401, 403, 413, 415, 429),
      ...NOT_FOUND,
      409: problem(`Refused (VENDOR_CERTIFICATE_REFUSED, with the reason: nothing staged, the vendor not pinned or pinned to another trust root, a bundle that does not verify or certifies another order), or ${NOT_OPEN}`),
    },
    async handler(ctx, { params, principal }) {
      openAt(ctx, params.id, params.artifact);
      const root = vendorUploadsDir(ctx.engine.dataDir, params.id);
      const attempt = join(root, `.attempt-${randomUUID()}`);
      try {
        renameSync(join(root, params.artifact), attempt);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        throw new RuleError('VENDOR_CERTIFICATE_REFUSED', `the vendor certificate for ${params.artifact} is refused: no file of its bundle is staged; upload them first (PUT /v1/orders/${params.id}/derived/${params.artifact}/vendor-bundle/{file}: certificate.json, trust.json, records.ndjson and the list files at least)`);
      }
      try {
        const { evidence, vendorStatus } = await attachVendorCertificateWithStatus(ctx.engine, params.id, params.artifact, attempt, principal!.name);
        return { ...evidence, vendorStatus };
      } catch (e) {
        throw missingFile(e, attempt, params.artifact) ?? e;
      } finally {
        rmSync(attempt, { recursive: true, force: true });
      }
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/orders/:id/derived/:artifact/disposition',
    operationId: 'disposeArtifact',
    tag: 'orders',
    summary: 'Decide what became of a derived artifact at a vendor, or retain one the plan found here before execution; signed with the approver\'s own key (never the order\'s creator)',
    description:
      'retained-with-justification (with the reason) or held-by-vendor (once the vendor\'s certificate is attached). An artifact the plan found here (its target derived:<name>) takes only retained-with-justification, and only while the order is planned or approved: its objects are then kept under the hold derived.<name>, listed in the certificate\'s retained.ndjson, and none is destroyed. The signature is by the approver\'s registered personal key over this order, this artifact and exactly this decision (docs/FORMAT.md section 5.10; `shredproof order dispose --key` makes it); the certificate carries it. Refused with DISPOSITION_REFUSED: by the order\'s creator, held-by-vendor for an artifact that is not at a vendor, retaining one found here once execution has started, held-by-vendor without a vendor certificate, outside the plan-to-certificate window, or a signature that does not hold. An order waiting in finalizing for this disposition is certified once it is given.',
    auth: ['approver'],
    params: DerivedArtifactParams,
    body: DispositionBody,
    bodyExample: {
      disposition: 'retained-with-justification',
      justification: 'Acme keeps the labelled copies under the 2025 processing agreement until its own deletion run',
      signature: { keyid: 'a6dcd1b4c9e4b9f0e1a4fd1d3f4f2c65e1b3a0f4d3f2a1b0c9d8e7f6a5b4c3d2', signedAt: '2026-11-20T09:29:58.000Z', signature: `${'A'.repeat(86)}==` },
    },
    responses: {
      200: { description: 'Decided: the order, with the disposition in plan.derived', schema: Order },
      ...problems(400, 401, 403, 413, 415, 429),
      ...NOT_FOUND,
      409: problem('Refused (DISPOSITION_REFUSED, with the reason)'),
    },
    handler(ctx, { params, body, principal }) {
      return orderView(ctx, disposeArtifact(ctx.engine, params.id, params.artifact, principal!.name, body));
    },
  }),
];
