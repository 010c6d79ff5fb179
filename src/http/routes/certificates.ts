// What a certified order hands over: the signed certificate, its records
// file (streamed), per-object proofs, and the public key to check them with.
import { z } from 'zod';
import { publicKeyFromPem, trustedKey, verifyCertificate } from '@shredproof/verify';
import type { ApiContext } from '../context.js';
import { listEntryProof } from '../list-proofs.js';
import { HttpProblem } from '../problem.js';
import { sendNdjsonFile } from '../stream-file.js';
import { ANY_ROLE, defineRoute, problems, type Route } from '../route.js';
import { Envelope, KeyParams, ObjectProof, OrderIdParams, ProofQuery, PublicKey } from '../schemas.js';
import { getOrderOr404 } from './orders.js';

/** How many leaf indices an AMBIGUOUS answer lists. */
const AMBIGUOUS_LISTED = 20;

/** The order's certificate row, or 404 (no order, or no certificate yet). */
export function certified(ctx: ApiContext, id: string) {
  const order = getOrderOr404(ctx, id);
  const cert = ctx.engine.ledger.certificate(id);
  if (!cert) throw new HttpProblem(404, 'NO_CERTIFICATE', 'No certificate yet', `order ${id} is ${order.state}; a certificate exists once it is certified, certified-with-exceptions, or cancelled during execution`);
  return cert;
}

export const certificateRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/v1/orders/:id/certificate',
    operationId: 'getCertificate',
    tag: 'certificates',
    summary: 'The signed destruction certificate (a DSSE envelope, docs/FORMAT.md)',
    auth: ANY_ROLE,
    params: OrderIdParams,
    responses: { 200: { description: 'The DSSE envelope, byte for byte as issued', schema: Envelope }, ...problems(400, 401, 404, 429) },
    handler(ctx, { params, res }) {
      const cert = certified(ctx, params.id);
      // The exact bytes that were written and signed: never re-serialized.
      res.status(200).type('application/json').set('Content-Disposition', `attachment; filename="certificate-${params.id}.json"`).send(cert.envelope);
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/orders/:id/records',
    operationId: 'getRecords',
    tag: 'certificates',
    summary: 'The records file (records.ndjson), streamed: one destruction record per line, in leaf order',
    auth: ANY_ROLE,
    params: OrderIdParams,
    responses: { 200: { description: 'records.ndjson', contentType: 'application/x-ndjson' }, ...problems(400, 401, 404, 429) },
    async handler(ctx, { params, res }) {
      const cert = certified(ctx, params.id);
      // The ledger says certified only once the file is there (src/app/finalize-order.ts): missing, it is a fault.
      return sendNdjsonFile(res, cert.recordsPath, `records-${params.id}.ndjson`, () => new Error(`records file ${cert.recordsPath} of certificate ${cert.certificateId} is missing`));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/orders/:id/proof',
    operationId: 'getObjectProof',
    tag: 'certificates',
    summary: 'A per-object proof: one record, its audit path and the certificate (docs/FORMAT.md)',
    description:
      'Select the object by locator (with target when several targets could hold it), by the SHA-256 of its content, or by leaf index. If several records match (the same content in two places), the answer is 409 AMBIGUOUS listing their leaf indices: ask again with leafIndex. With list=retained, exceptions or rescan (version 2 certificates), the proof is of one entry of that list: a held object can be found by its content hash when the issuer recorded it.',
    auth: ANY_ROLE,
    params: OrderIdParams,
    query: ProofQuery,
    responses: {
      200: { description: 'The proof file', schema: ObjectProof },
      // A locator may be 4,096 characters; percent-encoded, one that is not ASCII makes a request line past Node's 16 KiB limit.
      ...problems(400, 401, 429, 431),
      404: { description: 'No such order, no certificate yet, or no destroyed object matches (code NOT_DESTROYED)', schema: problems(404)[404]!.schema!, contentType: 'application/problem+json' },
      409: { description: 'Several records match (code AMBIGUOUS)', schema: problems(409)[409]!.schema!, contentType: 'application/problem+json' },
    },
    async handler(ctx, { params, query }) {
      const cert = certified(ctx, params.id);
      const keys = () => ctx.publicKeys().map((k) => trustedKey(publicKeyFromPem(k.pem)));
      if (query.list !== 'records') {
        const sel = query.leafIndex !== undefined ? { leafIndex: query.leafIndex } : query.sha256 !== undefined ? { sha256: query.sha256 } : { locator: query.locator!, ...(query.target ? { target: query.target } : {}) };
        return listEntryProof(query.list, cert.recordsPath, cert.envelope, keys(), sel);
      }
      // The certificate is verified, and the records file checked against its root, once per cache load.
      const index = await ctx.proofs.index(cert.certificateId, cert.recordsPath, () => verifyCertificate(cert.envelope, keys()).statement);
      let leaves: number[];
      if (query.leafIndex !== undefined) leaves = query.leafIndex < index.treeSize ? [query.leafIndex] : [];
      // 21 matches are enough to answer (one proves, more are listed up to 20): a hash shared by many
      // records (empty files, say) is not confirmed record by record while the server waits.
      else if (query.sha256 !== undefined) leaves = await index.find({ sha256: query.sha256 }, AMBIGUOUS_LISTED + 1);
      else leaves = await index.find({ locator: query.locator!, ...(query.target ? { target: query.target } : {}) }, AMBIGUOUS_LISTED + 1);
      if (leaves.length === 0) throw new HttpProblem(404, 'NOT_DESTROYED', 'No destroyed object matches', `no record of certificate ${cert.certificateId} matches; it may have been retained, an exception, or out of scope (see the certificate)`);
      if (leaves.length > 1) {
        const many = leaves.length > AMBIGUOUS_LISTED ? `more than ${AMBIGUOUS_LISTED}` : String(leaves.length);
        throw new HttpProblem(409, 'AMBIGUOUS', 'Several records match', `${many} records match, at leaf indices ${leaves.slice(0, AMBIGUOUS_LISTED).join(', ')}${leaves.length > AMBIGUOUS_LISTED ? ', ...' : ''}; ask again with leafIndex`);
      }
      return index.proof(leaves[0]!, JSON.parse(cert.envelope));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/keys',
    operationId: 'listKeys',
    tag: 'keys',
    summary: 'Every certificate signing key the issuer has used, with its window and status (public: compare the keyid with the one published out of band)',
    auth: 'public',
    responses: {
      200: { description: 'Keys', schema: z.object({ keys: z.array(PublicKey) }), links: { getKey: { operationId: 'getKey', parameters: { keyid: '$response.body#/keys/0/keyid' } } } },
    },
    handler: (ctx) => ({ keys: ctx.publicKeys() }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/keys/:keyid',
    operationId: 'getKey',
    tag: 'keys',
    summary: 'One public key as JSON, or as PEM (SPKI) with Accept: application/x-pem-file',
    auth: 'public',
    params: KeyParams,
    responses: {
      200: { description: 'The key (JSON, or PEM when asked for)', schema: PublicKey },
      ...problems(400),
      404: { description: 'No such key', schema: problems(404)[404]!.schema!, contentType: 'application/problem+json' },
    },
    handler(ctx, { params, req, res }) {
      const key = ctx.publicKeys().find((k) => k.keyid === params.keyid);
      if (!key) throw new HttpProblem(404, 'NOT_FOUND', 'Not found', `no key ${params.keyid}`);
      if (req.accepts(['application/json', 'application/x-pem-file']) === 'application/x-pem-file') {
        res.status(200).type('application/x-pem-file').send(key.pem);
        return undefined;
      }
      return key;
    },
  }),
];
