// The OpenAPI 3.1 document, generated from the route table and its zod
// schemas (zod 4's own JSON Schema 2020-12 output, which is OpenAPI 3.1's
// dialect). Schemas that carry a meta id become components; everything else
// is inlined where it is used. Every body has a realistic example: the
// schema's own (schema-examples.ts), one of OPERATION_EXAMPLES for a schema
// written inline in a route file, and for each refusal the problem document
// the server gives, made where possible by the server's own code
// (problemExample).
import { VerificationError } from '@shredproof/verify';
import { z } from 'zod';
import { ORDER_STATES } from '../app/ports/orders.js';
import { parseOrderDocument } from '../app/order-document.js';
import { fromError, HttpProblem, parsePart, problemFor } from './problem.js';
import type { Route } from './route.js';
import { EXAMPLE_ORDER_DOCUMENT, OPERATION_EXAMPLES, problemType } from './schema-examples.js';

type Json = Record<string, unknown>;

export interface OpenApiInfo {
  version: string;
}

/** Moves $defs into components.schemas and points the refs there. */
class Components {
  readonly schemas: Record<string, Json> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): Json {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    for (const [name, def] of Object.entries(defs)) this.schemas[name] = this.relink(def) as Json;
    const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
    const out = this.relink(json) as Json;
    if (id && io === 'output') {
      // zod puts a root schema that has an id into $defs itself and answers a $ref; keep the definition.
      delete out.id;
      if (!(out.$ref === `#/components/schemas/${id}` && Object.keys(out).length === 1)) this.schemas[id] = out;
      return { $ref: `#/components/schemas/${id}` };
    }
    delete out.id;
    return out;
  }

  private relink(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.relink(x));
    if (v && typeof v === 'object') {
      const o: Json = {};
      for (const [k, x] of Object.entries(v)) {
        o[k] = k === '$ref' && typeof x === 'string' ? x.replace('#/$defs/', '#/components/schemas/') : this.relink(x);
      }
      return o;
    }
    return v;
  }
}

function parameters(c: Components, schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const json = c.convert(schema, 'input');
  const props = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: where, required: where === 'path' || required.has(name), schema: rest, ...(description ? { description } : {}) };
  });
}

/** A media type's `example` member, when there is one. */
const withExample = (example: unknown): Json => (example === undefined ? {} : { example });

export function buildOpenApi(routes: readonly Route[], info: OpenApiInfo): Json {
  const c = new Components();
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const op: Json = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      security: r.auth === 'public' ? [] : [{ bearer: [] }],
      ...(r.auth === 'public' ? {} : { 'x-roles': [...r.auth] }),
    };
    const params = [...parameters(c, r.params, 'path'), ...parameters(c, r.query, 'query')];
    if (params.length) op.parameters = params;
    const examples = OPERATION_EXAMPLES[r.operationId] ?? {};
    if (r.body) {
      const media = { schema: c.convert(r.body, 'input'), ...withExample(r.bodyExample ?? examples.request) };
      op.requestBody = { required: !r.bodyOptional, content: { 'application/json': media } };
    }
    if (r.rawBody) {
      // A streamed body of its own media type: a string to the document (OpenAPI 3.1, section 4.8.14.3).
      const media = { schema: { type: 'string', description: r.rawBody.description }, ...withExample(r.rawBody.example ?? examples.request) };
      op.requestBody = { required: true, content: { [r.rawBody.contentType]: media } };
    }
    op.responses = Object.fromEntries(
      Object.entries(r.responses).map(([status, spec]) => {
        const type = spec.contentType ?? 'application/json';
        const example = type === 'application/problem+json' ? problemExample(r, Number(status), params) : examples[status];
        return [
          status,
          {
            description: spec.description,
            ...(spec.schema || spec.contentType ? { content: { [type]: spec.schema ? { schema: c.convert(spec.schema, 'output'), ...withExample(example) } : {} } } : {}),
            ...(spec.links ? { links: spec.links } : {}),
          },
        ];
      }),
    );
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'shredproof API',
      version: info.version,
      summary: 'Run data-destruction orders across storage backends and hand over independently checkable destruction certificates.',
      description: [
        'Orders go draft -> planning -> planned -> approved -> executing -> finalizing -> certified | certified-with-exceptions | cancelled.',
        `States: ${ORDER_STATES.join(', ')}.`,
        'Authenticate with `Authorization: Bearer <token>` (create tokens with `shredproof token create`). Roles: operator (create, plan, execute, cancel), approver (approve; never an order they created), auditor (read everything, including the audit log), admin (everything, and tokens).',
        'Errors are RFC 9457 application/problem+json with a stable `code` and, for invalid input, one entry per bad field in `errors`.',
      ].join('\n\n'),
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'orders', description: 'Deletion orders and their lifecycle' },
      { name: 'progress', description: 'Live progress of an order' },
      { name: 'certificates', description: 'Certificates, records files and per-object proofs' },
      { name: 'keys', description: 'Public keys that certificates are signed with' },
      { name: 'audit', description: 'The append-only audit log' },
      { name: 'tokens', description: 'API tokens (admin)' },
      { name: 'artifacts', description: 'The lineage registry: models, embeddings, caches and vendor copies derived from the data, and the manifests of their inputs' },
      { name: 'system', description: 'Health, readiness, metrics, this document' },
    ],
    paths,
    components: {
      schemas: c.schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `shredproof token create` (sp_<id>_<secret>)' } },
    },
  };
}

// Examples of refusals: for each problem status a route declares, the
// problem document the server answers in a typical case, with the route's
// own example parameters. A 400 is made by parsing a bad value with the
// route's own schema (or, to create an order, the use case's parser), so its
// detail and errors[] are the server's words; the others follow the code
// that raises them (route.ts, the use cases), and test/http/openapi-examples.test.ts
// compares some with what a live server answers.

/** The example value of each path parameter: its schema's example, else the first value of its enum. */
function pathValues(params: readonly Json[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of params) {
    if (p.in !== 'path') continue;
    const schema = p.schema as { examples?: unknown[]; enum?: unknown[] };
    out[p.name as string] = String(schema.examples?.[0] ?? schema.enum?.[0] ?? p.name);
  }
  return out;
}

/** A value no path or query parameter of the API takes (ids, names and enums are lowercase). */
const BAD = 'Not-Valid';

/** A refusal and the request it refuses: the path's parameters and the query string it was sent with. */
interface Refusal {
  problem: HttpProblem;
  params?: Record<string, string>;
  query?: Record<string, string>;
}

/** The 400 of a typical mistake on this route, as the server words it, with the request that makes it. */
function badRequest(r: Route, values: Record<string, string>): Refusal | undefined {
  const refusal = (f: () => unknown, request: Omit<Refusal, 'problem'> = {}): Refusal | undefined => {
    try {
      f();
      return undefined;
    } catch (e) {
      const problem = fromError(e);
      return problem && { problem, ...request };
    }
  };
  if (r.operationId === 'createOrder') {
    // The use case checks the document (docs/ORDERS.md section 1) and reports every problem at once.
    const [first, ...rest] = EXAMPLE_ORDER_DOCUMENT.holds;
    const doc = { ...EXAMPLE_ORDER_DOCUMENT, reference: ' ', holds: [first, ...rest, { ...first!, id: 'lit-2026-118', target: 'photo-backups' }] };
    return refusal(() => parseOrderDocument(doc, new Set(EXAMPLE_ORDER_DOCUMENT.targets.map((t) => t.backend))));
  }
  const [param] = Object.keys(values);
  if (r.params && param !== undefined) {
    const params = { ...values, [param]: BAD };
    return refusal(() => parsePart(r.params!, params, 'path'), { params });
  }
  const names = r.query instanceof z.ZodObject ? Object.keys(r.query.shape) : [];
  if (r.query && names.length > 0) {
    const query = names.includes('limit') ? { limit: '0' } : { [names[0]!]: BAD };
    return refusal(() => parsePart(r.query!, query, 'query'), { query });
  }
  if (r.body && r.bodyValidatedBy !== 'use-case') return refusal(() => parsePart(r.body!, {}, 'body')) ?? refusal(() => parsePart(r.body!, { note: 'hello' }, 'body'));
  // Sent without a body (route.ts): refused before anything reads it.
  return { problem: new HttpProblem(400, 'INVALID_REQUEST', 'The request is not valid', 'this request needs a JSON body', [{ in: 'body', path: '$', problem: 'is missing' }]) };
}

/** A 409 of each write, in the words of the rule that refuses it (src/app); STATE_CONFLICT for the others. */
function conflict(r: Route, v: Record<string, string>): HttpProblem {
  const order = v.id ?? 'ord-f93673b3-9f16-4ba9-956b-b797cb9e4cdd';
  const root = '5ec442d5052c8cb0e87bd97556207da0008f2299a6dab6406dde4002d1cd3bfc';
  const rules: Record<string, () => HttpProblem> = {
    planOrder: () => problemFor('NOT_PLANNABLE', `order ${order} is approved; only a draft or planned order can be planned`),
    approveOrder: () => problemFor('STALE_PLAN', `the signature is for plan 723b94418dad75e2f0d7a96ed5806d354368693223af7015d8c69834f23419ee, but the current plan is ${root}; review the current plan`),
    refuseOrder: () => problemFor('SELF_APPROVAL', `alice is the person who created order ${order} (alice) and cannot refuse it: a second person reviews it`),
    signPlan: () => problemFor('APPROVAL_REFUSED', 'only the order\'s creator (alice) may sign its plan as performer, not olga'),
    executeOrder: () => problemFor('NOT_APPROVED', `order ${order} is planned; only an approved order can be executed`),
    cancelOrder: () => problemFor('NOT_CANCELLABLE', `order ${order} is certified; it can no longer be cancelled`),
    getObjectProof: () => new HttpProblem(409, 'AMBIGUOUS', 'Several records match', '2 records match, at leaf indices 1040, 1057; ask again with leafIndex'),
    getReceipt: () => new HttpProblem(409, 'AMBIGUOUS', 'Several records match', '2 entries of the records list match, at leaf indices 1040, 1057'),
    uploadArtifactManifest: () =>
      problemFor('MANIFEST_MISMATCH', `the manifest sent has 31657 lines and root 14e72ef56e19a18a6e103f26c335d0b43178083f59685e7489e707e3273e696e; artifact ${v.name} was registered with 31658 lines and root 8a0651ca812a7680b2fbd5ff4884fee1dccdbe5c7c49f81f6985220e534cb919`),
    disposeArtifact: () => problemFor('DISPOSITION_REFUSED', `the disposition of ${v.artifact} by alice is refused: alice created order ${order}: a second person decides what is kept`),
    attachVendorCertificate: () =>
      problemFor(
        'VENDOR_CERTIFICATE_REFUSED',
        `the vendor certificate for ${v.artifact} is refused: its trust.json (SHA-256 626eef09e30ef353cb1ab087c869796d1bfc0f7832a6956b2f43e614383b91ca) is not the trust root Labelwise Annotation Ltd is pinned to (d0a4bfe7e0a6bc417879b5b0d47089e2a3a2629d890e0250ccb7c153f1f17342): another key, or a changed trust root; if the vendor changed it, pin the new one knowingly`,
      ),
    uploadVendorBundleFile: () => problemFor('VENDOR_CERTIFICATE_REFUSED', `the vendor certificate for ${v.artifact} is refused: the artifact is not at a vendor`),
  };
  return rules[r.operationId]?.() ?? problemFor('STATE_CONFLICT', `order ${order} is approved; this needs planned`);
}

/** The problem of this status on this route, or undefined when the route declares no such refusal the document can show. */
function problemOf(r: Route, status: number, v: Record<string, string>): HttpProblem | undefined {
  switch (status) {
    case 401:
      return problemFor('UNAUTHENTICATED', 'send Authorization: Bearer <token>');
    case 403: {
      const allowed = r.auth === 'public' ? [] : r.auth;
      const other = (['auditor', 'approver', 'operator', 'admin'] as const).find((role) => !allowed.includes(role));
      return problemFor('FORBIDDEN', `${r.operationId} needs the role ${allowed.join(' or ')}; this token's role is ${other}`);
    }
    case 404: {
      const [what, value] = v.id ? ['order', v.id] : v.keyid ? ['key', v.keyid] : v.tokenId ? ['token', v.tokenId] : ['artifact', v.name];
      return problemFor('NOT_FOUND', `no ${what} ${value}`);
    }
    case 409:
      return conflict(r, v);
    case 413:
      return r.rawBody ? problemFor('BODY_TOO_LARGE', `the body exceeds the limit of ${r.rawBody.limitBytes} bytes`) : problemFor('BODY_TOO_LARGE', 'the body is declared as 2097152 bytes; the limit is 1048576 bytes');
    case 415: {
      const type = r.rawBody?.contentType ?? 'application/json';
      return new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', r.rawBody ? `The body must be ${type}` : 'The body must be JSON', `send Content-Type: ${type}`);
    }
    case 422:
      // The server's own files failed verification: the core's code, as problem.ts answers it.
      return fromError(new VerificationError('SIGNATURE_INVALID', 'the statement\'s signature does not verify with the issuer\'s key d9b88a48d1f85ebd6002f38be5294fc30f937ab2c2009956cfd73ed9505a2234'));
    case 429:
      return problemFor('TOO_MANY_AUTH_FAILURES', 'more than 20 failed authentications with the token tok_ecc54502066db4bc in a minute; try again in 37 s');
    case 431:
      return problemFor('HEADERS_TOO_LARGE', 'the request line and headers exceed 16384 bytes');
    case 503:
      return problemFor('BACKEND_UNAVAILABLE', 'the backend accounts-db could not be reached to check the order\'s scope; nothing was created: try again later, or give the errorId to the server\'s operator');
    default:
      return undefined;
  }
}

/** A query the route cannot do without (proof: one of locator, sha256, leafIndex), from its parameters' examples; none when it needs none. */
function neededQuery(r: Route, params: readonly Json[]): Record<string, string> | undefined {
  if (!r.query || r.query.safeParse({}).success) return undefined;
  for (const p of params) {
    const example = (p.schema as { examples?: unknown[] }).examples?.[0];
    if (p.in !== 'query' || example === undefined) continue;
    const query = { [p.name as string]: String(example) };
    if (r.query.safeParse(query).success) return query;
  }
  return undefined;
}

/** The problem document of this refusal as problem.ts's sendProblem writes it; its instance is the request refused (the route's example path). */
function problemExample(r: Route, status: number, params: readonly Json[]): Json | undefined {
  const values = pathValues(params);
  const other = status === 400 ? undefined : problemOf(r, status, values);
  const refused: Refusal | undefined = status === 400 ? badRequest(r, values) : other && { problem: other, query: neededQuery(r, params) };
  if (!refused) return undefined;
  const { problem: p, query } = refused;
  const path = { ...values, ...refused.params };
  const instance = r.path.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(path[name] ?? name)) + (query ? `?${new URLSearchParams(query)}` : '');
  return {
    type: problemType(p.code),
    title: p.title,
    status: p.status,
    code: p.code,
    instance,
    ...(p.detail ? { detail: p.detail } : {}),
    ...(p.errors ? { errors: p.errors } : {}),
    // A 5xx is logged under an id that the answer gives (problem.ts).
    ...(p.status >= 500 ? { errorId: 'cad71a9d-50f2-40cc-8a1d-9d50f220cc7b' } : {}),
  };
}
