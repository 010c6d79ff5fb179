// The OpenAPI 3.1 document, generated from the route table and its zod
// schemas (zod 4's own JSON Schema 2020-12 output, which is OpenAPI 3.1's
// dialect). Schemas that carry a meta id become components; everything else
// is inlined where it is used.
import { z } from 'zod';
import { ORDER_STATES } from '../app/ports/orders.js';
import type { Route } from './route.js';

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
    if (r.body) {
      const media = { schema: c.convert(r.body, 'input'), ...(r.bodyExample !== undefined ? { example: r.bodyExample } : {}) };
      op.requestBody = { required: !r.bodyOptional, content: { 'application/json': media } };
    }
    if (r.rawBody) {
      // A streamed body of its own media type: a string to the document (OpenAPI 3.1, section 4.8.14.3).
      const media = { schema: { type: 'string', description: r.rawBody.description }, ...(r.rawBody.example !== undefined ? { example: r.rawBody.example } : {}) };
      op.requestBody = { required: true, content: { [r.rawBody.contentType]: media } };
    }
    op.responses = Object.fromEntries(
      Object.entries(r.responses).map(([status, spec]) => [
        status,
        {
          description: spec.description,
          ...(spec.schema || spec.contentType
            ? { content: { [spec.contentType ?? 'application/json']: spec.schema ? { schema: c.convert(spec.schema, 'output') } : {} } }
            : {}),
          ...(spec.links ? { links: spec.links } : {}),
        },
      ]),
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
