// The lineage registry (issue 16; src/app/artifacts.ts): register what was
// derived from the data, upload the manifest of its inputs (NDJSON, streamed:
// a training set may have millions of files), read an artifact with its
// lineage, and read its manifest back. The use cases decide every rule; these
// handlers only translate HTTP.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '@shredproof/verify';
import { ArtifactSchema, artifactLineage, manifestLine, registerArtifact, uploadManifest } from '../../app/artifacts.js';
import { NotFoundError } from '../../app/errors.js';
import { ANY_ROLE, defineRoute, problems, type ResponseLink, type ResponseSpec, type Route } from '../route.js';
import { Artifact, ArtifactLineage, ArtifactList, ArtifactNameParams, ListArtifactsQuery, Problem } from '../schemas.js';

const WRITE = ['operator'] as const;

/** The largest manifest taken: about 16 million lines of a typical locator. Enforced while it streams. */
export const MANIFEST_LIMIT_BYTES = 2 * 1024 ** 3;
export const NDJSON = 'application/x-ndjson';
/** Lines of the manifest read from the ledger at a time, when it is sent back. */
const PAGE = 1000;
/**
 * The longest line read: far above the use case's own limit (16 Ki
 * characters), so that a body without newlines is refused as soon as this
 * much of it came, never held whole in memory.
 */
const LINE_CAP_BYTES = 64 * 1024;

const problem = (description: string): ResponseSpec => ({ description, schema: Problem, contentType: 'application/problem+json' });
const NOT_FOUND = { 404: problem('No such artifact') };

function artifactLinks(pointer: string): Record<string, ResponseLink> {
  return Object.fromEntries(['getArtifact', 'getArtifactManifest', 'uploadArtifactManifest'].map((operationId) => [operationId, { operationId, parameters: { name: `$response.body#${pointer}` } }]));
}

/**
 * The lines of an NDJSON body as they arrive (LF ends a line; a last line
 * without one counts). The body is attacker controlled: a line must be
 * UTF-8 (decoded otherwise, a byte the client hashed would not be the
 * character stored) and at most LINE_CAP_BYTES long. Lines are numbered as
 * the use case numbers them: from 0, blank lines not counted.
 */
export async function* ndjsonLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let index = 0;
  const refuse = (problem: string) => new ValidationError('invalid manifest', [{ path: `line ${index}`, problem }]);
  const decode = (bytes: Buffer): string => {
    let line: string;
    try {
      line = decoder.decode(bytes);
    } catch {
      throw refuse('is not valid UTF-8');
    }
    if (line !== '') index++;
    return line;
  };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      if (pendingBytes + nl - start > LINE_CAP_BYTES) throw refuse(`longer than ${LINE_CAP_BYTES} bytes`);
      const bytes = pending.length === 0 ? chunk.subarray(start, nl) : Buffer.concat([...pending, chunk.subarray(start, nl)]);
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
      yield decode(bytes);
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > LINE_CAP_BYTES) throw refuse(`longer than ${LINE_CAP_BYTES} bytes`);
    }
  }
  if (pendingBytes > 0) yield decode(Buffer.concat(pending));
}

export const artifactRoutes: Route[] = [
  defineRoute({
    method: 'post',
    path: '/v1/artifacts',
    operationId: 'createArtifact',
    tag: 'artifacts',
    summary: 'Register an artifact derived from the data: where it lives and what it was derived from',
    description:
      'The body names the artifact, its kind, where it lives (a configured backend and a scope, or a vendor) and its inputs: data in a backend\'s scope, artifacts registered before it, or one manifest ({"manifest": {"treeSize", "rootHash"}}, whose lines are uploaded next with PUT /v1/artifacts/{name}/manifest). Every problem is reported at once, naming its field; nothing changes then. Artifacts are never changed: a retrained model is a new artifact with its own name. `shredproof artifact register` computes a manifest from a directory and makes both calls.',
    auth: WRITE,
    body: ArtifactSchema,
    bodyValidatedBy: 'use-case',
    bodyExample: {
      name: 'face-model-v1',
      kind: 'model',
      description: 'face recognition model trained on the users\' photos',
      location: { backend: 'photos', scope: { include: ['models/face-model-v1/**'] } },
      inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }],
    },
    successStatus: 201,
    responses: {
      201: { description: 'Registered', schema: Artifact, links: artifactLinks('/name') },
      ...problems(400, 401, 403, 413, 415, 429),
      503: problem('A backend could not be reached to check a scope (BACKEND_UNAVAILABLE); nothing was registered'),
    },
    async handler(ctx, { body, principal, res }) {
      const row = await registerArtifact(ctx.engine, body, principal!.name);
      res.location(`/v1/artifacts/${encodeURIComponent(row.name)}`);
      return row;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/artifacts',
    operationId: 'listArtifacts',
    tag: 'artifacts',
    summary: 'List artifacts in order of registration, with cursor pagination',
    auth: ANY_ROLE,
    query: ListArtifactsQuery,
    responses: { 200: { description: 'A page of artifacts', schema: ArtifactList, links: artifactLinks('/artifacts/0/name') }, ...problems(400, 401, 429) },
    handler(ctx, { query }) {
      // Artifacts are only ever added: a position in registration order stays the same, and serves as the cursor.
      const all = ctx.engine.ledger.artifacts.artifacts();
      const from = query.cursor ? Number(query.cursor) : 0;
      const page = all.slice(from, from + query.limit);
      return { artifacts: page, nextCursor: from + query.limit < all.length ? String(from + query.limit) : null };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/artifacts/:name',
    operationId: 'getArtifact',
    tag: 'artifacts',
    summary: 'An artifact with its lineage: what it was derived from and what was derived from it, directly',
    auth: ANY_ROLE,
    params: ArtifactNameParams,
    responses: { 200: { description: 'The artifact and its lineage', schema: ArtifactLineage, links: artifactLinks('/artifact/name') }, ...problems(400, 401, 429), ...NOT_FOUND },
    handler: (ctx, { params }) => artifactLineage(ctx.engine, params.name),
  }),
  defineRoute({
    method: 'put',
    path: '/v1/artifacts/:name/manifest',
    operationId: 'uploadArtifactManifest',
    tag: 'artifacts',
    summary: 'Upload the manifest of an artifact\'s inputs (NDJSON, streamed); stored only if it is the tree the artifact declared',
    description:
      'One line per input: the RFC 8785 JSON of {"backend", "locator", "sha256"}, ended by a newline (LF). The server hashes the lines as they arrive into an RFC 6962 tree, each line without its newline a leaf, as in records.ndjson; blank lines are not inputs. Only when the tree is the one the artifact was registered with (treeSize and rootHash) are the lines stored, in one step; otherwise nothing changes: 409 MANIFEST_MISMATCH. A line that is not canonical is refused with 400 naming it (`line N`, from 0). Up to 2 GiB; the same manifest may be uploaded again.',
    auth: WRITE,
    params: ArtifactNameParams,
    rawBody: {
      contentType: NDJSON,
      limitBytes: MANIFEST_LIMIT_BYTES,
      description: 'NDJSON: one RFC 8785 line {"backend","locator","sha256"} per input, LF after each',
      example: '{"backend":"photos","locator":"users/u-1/photo-1.jpg","sha256":"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"}\n',
    },
    responses: {
      200: { description: 'Stored: the artifact, with manifest.uploadedAt set', schema: Artifact, links: artifactLinks('/name') },
      ...problems(400, 401, 403, 429),
      ...NOT_FOUND,
      409: problem('The lines are not the tree the artifact declared, or it declares no manifest (MANIFEST_MISMATCH); nothing was stored'),
      413: problem('The manifest exceeds 2 GiB'),
      415: problem('The body is not application/x-ndjson'),
    },
    handler: (ctx, { params, raw, principal }) => uploadManifest(ctx.engine, params.name, ndjsonLines(raw!), principal!.name),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/artifacts/:name/manifest',
    operationId: 'getArtifactManifest',
    tag: 'artifacts',
    summary: 'The uploaded manifest of an artifact, streamed: its lines exactly as they were hashed, each ended by a newline',
    auth: ANY_ROLE,
    params: ArtifactNameParams,
    responses: { 200: { description: 'manifest.ndjson', contentType: NDJSON }, ...problems(400, 401, 429), 404: problem('No such artifact, or its manifest was not uploaded') },
    async handler(ctx, { params, res }) {
      const store = ctx.engine.ledger.artifacts;
      const artifact = store.artifact(params.name);
      if (!artifact) throw new NotFoundError(`no artifact ${params.name}`);
      if (!artifact.manifest?.uploadedAt) throw new NotFoundError(`artifact ${params.name} has ${artifact.manifest ? 'no manifest uploaded yet' : 'no manifest: it was not registered with one'}`);
      function* pages(): Generator<string> {
        for (let after = -1; ; ) {
          const rows = store.manifestEntries(params.name, { after, limit: PAGE });
          if (rows.length === 0) return;
          yield rows.map((e) => `${manifestLine(e)}\n`).join('');
          after = rows[rows.length - 1]!.index;
        }
      }
      res.status(200).type(NDJSON).set('Content-Disposition', `attachment; filename="manifest-${params.name}.ndjson"`);
      await pipeline(Readable.from(pages()), res);
      return undefined;
    },
  }),
];
