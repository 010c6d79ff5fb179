// The examples of /openapi.json are real: every request and response body
// has one; each validates against the schema beside it (Ajv, JSON Schema
// 2020-12, the document as clients read it) and is what the zod schema it
// came from parses; the order document is examples/order.json, and each
// backend accepts its scopes and holds; the scope and hold shapes typed per
// backend kind are each kind's own; every problem example is a problem of its
// status, and those a live server can be asked for are exactly what it
// answers. No "string", no additionalProp1, no year 7567.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import type { FieldProblem } from '../../packages/verify/src/core/errors.js';
import { VERIFICATION_CODES } from '../../packages/verify/src/core/errors.js';
import * as fsScope from '../../src/adapters/storage/filesystem/scope.js';
import * as redisScope from '../../src/adapters/storage/redis/scope.js';
import * as s3Scope from '../../src/adapters/storage/s3/scope.js';
import { holdShapeProblems, scopeShapeProblems } from '../../src/adapters/storage/sql/filter-model.js';
import { OrderDocumentSchema, parseOrderDocument } from '../../src/app/order-document.js';
import { openApiDocument, ROUTES } from '../../src/http/app.js';
import { PROBLEMS } from '../../src/http/problem-codes.js';
import { EXAMPLE_ORDER_DOCUMENT, problemType } from '../../src/http/schema-examples.js';
import { type ApiHarness, PEOPLE, startApiHarness } from '../helpers/api-harness.js';
import { ROOT } from '../helpers/run-cli.js';

type Json = Record<string, any>;

const doc = JSON.parse(JSON.stringify(openApiDocument())) as Json;
const component = (ref: string): Json => doc.components.schemas[ref.replace('#/components/schemas/', '')];
const resolve = (schema: Json): Json => (schema?.$ref ? component(schema.$ref) : schema);

/** Every media type object of the document: requests and responses, with where it is. */
function media(): Array<{ where: string; op: Json; route: (typeof ROUTES)[number]; status: string | 'request'; type: string; media: Json }> {
  const out: ReturnType<typeof media> = [];
  for (const route of ROUTES) {
    const op = doc.paths[route.path.replace(/:([A-Za-z]+)/g, '{$1}')][route.method];
    for (const [type, m] of Object.entries((op.requestBody?.content ?? {}) as Json)) out.push({ where: `${op.operationId} request ${type}`, op, route, status: 'request', type, media: m });
    for (const [status, r] of Object.entries(op.responses as Json)) {
      for (const [type, m] of Object.entries((r.content ?? {}) as Json)) out.push({ where: `${op.operationId} ${status} ${type}`, op, route, status, type, media: m });
    }
  }
  return out;
}

/** The example shown for a body: the media type's own, else its schema's first. */
const exampleOf = (m: Json): unknown => (m.example !== undefined ? m.example : resolve(m.schema)?.examples?.[0]);

function validator() {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'doc', components: doc.components });
  return (schema: Json, value: unknown): string | undefined => {
    const linked = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')) as Json;
    return ajv.validate(linked, value) ? undefined : ajv.errorsText();
  };
}

/** Every schema of the document that carries `examples`, wherever it sits, with a path to say where. */
function schemasWithExamples(): Array<{ where: string; schema: Json }> {
  const out: Array<{ where: string; schema: Json }> = [];
  const walk = (v: unknown, where: string) => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${where}[${i}]`));
    if (!v || typeof v !== 'object') return;
    const o = v as Json;
    // `examples` of a schema is an array; a media type's `examples` would be a map (none are used).
    if (Array.isArray(o.examples) && ('type' in o || 'properties' in o || 'oneOf' in o || 'anyOf' in o || '$ref' in o || 'items' in o || 'enum' in o || 'pattern' in o)) out.push({ where, schema: o });
    for (const [k, x] of Object.entries(o)) if (k !== 'examples' && k !== 'example') walk(x, `${where}.${k}`);
  };
  walk(doc.paths, 'paths');
  walk(doc.components.schemas, 'components.schemas');
  return out;
}

describe('/openapi.json: examples', () => {
  it('has an example for every request body and every response body that has a schema', () => {
    const missing = media()
      .filter(({ media: m }) => m.schema !== undefined && exampleOf(m) === undefined)
      .map(({ where }) => where);
    assert.deepEqual(missing, []);
    assert.ok(media().filter(({ media: m }) => m.schema).length > 100);
  });

  it('has examples that validate against the schema beside them, each of them', () => {
    const check = validator();
    const failures: string[] = [];
    let checked = 0;
    for (const { where, schema } of schemasWithExamples()) {
      for (const example of schema.examples) {
        checked++;
        const bad = check(schema, example);
        if (bad) failures.push(`${where}: ${bad}`);
      }
    }
    for (const { where, media: m } of media()) {
      if (m.example === undefined || m.schema === undefined) continue;
      checked++;
      const bad = check(m.schema, m.example);
      if (bad) failures.push(`${where}: ${bad}`);
    }
    assert.deepEqual(failures, []);
    assert.ok(checked > 150, `only ${checked} examples checked`);
  });

  it('is caught by that check when an example is wrong (the check above can fail)', () => {
    const check = validator();
    const order = component('#/components/schemas/Order');
    assert.equal(check(order, order.examples[0]), undefined);
    assert.match(check(order, { ...order.examples[0], documentSha256: 'abc' })!, /documentSha256/);
    assert.match(check(order, { ...order.examples[0], overdue: 'no' })!, /overdue/);
  });

  it('has examples that the zod schemas they came from parse: bodies, answers and path parameters', () => {
    const failures: string[] = [];
    for (const { where, route, status, type, media: m } of media()) {
      const example = exampleOf(m);
      if (example === undefined || type !== 'application/json' && type !== 'application/problem+json') continue;
      const schema = status === 'request' ? route.body : route.responses[Number(status)]?.schema;
      if (!schema) continue;
      const r = schema.safeParse(example);
      if (!r.success) failures.push(`${where}: ${r.error.message}`);
    }
    for (const route of ROUTES) {
      const op = doc.paths[route.path.replace(/:([A-Za-z]+)/g, '{$1}')][route.method];
      const params = (op.parameters ?? []) as Json[];
      // An enum needs no example: its first value is the one documented (openapi.ts, pathValues).
      const path = Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => [p.name, p.schema.examples?.[0] ?? p.schema.enum?.[0]]));
      if (route.params && !route.params.safeParse(path).success) failures.push(`${op.operationId}: path parameters ${JSON.stringify(path)}`);
      // Query parameters one at a time, where the query allows each alone (not proof's exactly-one-of).
      if (!route.query?.safeParse({}).success) continue;
      for (const p of params.filter((x) => x.in === 'query' && x.schema.examples)) {
        for (const example of p.schema.examples) if (!route.query.safeParse({ [p.name]: example }).success) failures.push(`${op.operationId}: query ${p.name}=${JSON.stringify(example)}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('says nothing made up: no "string", no additionalProp, times in 2025 to 2027', () => {
    const examples = JSON.stringify([...schemasWithExamples().map((s) => s.schema.examples), ...media().map((m) => m.media.example)]);
    assert.doesNotMatch(examples, /"string"|additionalProp|"7567/);
    const years = [...examples.matchAll(/"(\d{4})-\d\d-\d\dT\d\d:\d\d/g)].map((m) => Number(m[1]));
    assert.ok(years.length > 50);
    assert.deepEqual(years.filter((y) => y < 2025 || y > 2027), []);
  });
});

/** Each backend kind's own validators (src/adapters/storage/*), by the kinds the document names in each variant's title. */
const VALIDATORS: Record<string, { scope: (s: unknown) => FieldProblem[]; holds: (h: unknown) => FieldProblem[] }> = {
  filesystem: { scope: (s) => fsScope.scopeProblems(s), holds: (h) => fsScope.holdProblems(h) },
  s3: { scope: (s) => s3Scope.scopeProblems(s), holds: (h) => s3Scope.holdProblems(h) },
  sql: { scope: (s) => scopeShapeProblems(s), holds: (h) => holdShapeProblems(h) },
  redis: { scope: (s) => redisScope.scopeProblems(s), holds: (h) => redisScope.holdProblems(h) },
};
const KINDS: Record<string, string> = { filesystem: 'filesystem', s3: 's3', postgres: 'sql', mariadb: 'sql', sqlite: 'sql', redis: 'redis' };
const asHolds = (match: unknown) => [{ id: 'h-1', reason: 'a hold', target: 't', match }];
/** The problems that say a key is unknown or missing (the values of this test are not meant to be valid). */
const keyProblems = (problems: FieldProblem[]) => problems.filter((p) => p.problem === 'unknown key' || p.problem.startsWith('is required')).map((p) => `${p.path}: ${p.problem}`);

describe('/openapi.json: the order document', () => {
  const body = doc.paths['/v1/orders'].post.requestBody.content['application/json'].schema;
  const orderDocument = resolve(body);
  const scopeVariants = (orderDocument.properties.targets.items.properties.scope.oneOf as Json[]).map(resolve);
  const holdVariants = (orderDocument.properties.holds.items.properties.match.oneOf as Json[]).map(resolve);

  it('has examples/order.json as its example, which the server\'s parser and each backend accept', () => {
    const file = JSON.parse(readFileSync(`${ROOT}/examples/order.json`, 'utf8')) as Json;
    const backends = JSON.parse(readFileSync(`${ROOT}/examples/backends.json`, 'utf8')).backends as Record<string, { kind: string }>;
    assert.deepEqual(EXAMPLE_ORDER_DOCUMENT, file);
    assert.deepEqual(orderDocument.examples, [file]);
    parseOrderDocument(file, new Set(Object.keys(backends)));
    for (const t of file.targets) {
      const v = VALIDATORS[KINDS[backends[t.backend]!.kind]!]!;
      assert.deepEqual(v.scope(t.scope), [], t.backend);
      assert.deepEqual(v.holds(file.holds.filter((h: Json) => h.target === t.backend)), [], `holds of ${t.backend}`);
    }
  });

  it('is OrderDocumentSchema as the server validates with it, but for the scope and the hold match', () => {
    const server = z.toJSONSchema(OrderDocumentSchema, { target: 'draft-2020-12', io: 'input' }) as Json;
    const shown = structuredClone(orderDocument);
    for (const s of [server, shown]) {
      delete s.$schema;
      delete s.examples;
      s.properties.targets.items.properties.scope = 'per kind';
      s.properties.holds.items.properties.match = 'per kind';
    }
    assert.deepEqual(shown, server);
  });

  it('types the scope and the hold match per backend kind: one variant for each kind, named in its title and description', () => {
    const kinds = (variants: Json[]) => variants.flatMap((v) => (v.title as string).split(', ')).sort();
    assert.deepEqual(kinds(scopeVariants), Object.keys(KINDS).sort());
    assert.deepEqual(kinds(holdVariants), Object.keys(KINDS).sort());
    for (const v of [...scopeVariants, ...holdVariants]) {
      for (const kind of (v.title as string).split(', ')) assert.match(v.description, new RegExp(`\\b${kind}\\b`), v.title);
      assert.equal(v.additionalProperties, false, v.title);
    }
  });

  it('has in each variant exactly the keys that kind\'s validator takes, required as it requires them, and an example it accepts', () => {
    const check = (variant: Json, problemsOf: (value: Json) => FieldProblem[], at: string) => {
      const keys = Object.keys(variant.properties);
      const example = variant.examples[0] as Json;
      assert.deepEqual(problemsOf(example), [], `${variant.title}: its example`);
      // Every documented key is accepted, and no other.
      const everything = Object.fromEntries(keys.map((k) => [k, example[k] ?? null]));
      assert.deepEqual(keyProblems(problemsOf({ ...everything, bogus: 1 })), [`${at}.bogus: unknown key`], `${variant.title}: keys`);
      // Each required key is required; the optional ones are not.
      for (const k of keys) {
        const { [k]: _, ...without } = everything;
        const missing = keyProblems(problemsOf(without)).some((p) => p.startsWith(`${at}.${k}: is required`));
        assert.equal(missing, (variant.required ?? []).includes(k), `${variant.title}: ${k} ${missing ? 'is' : 'is not'} required by the backend`);
      }
    };
    for (const v of scopeVariants) check(v, (s) => VALIDATORS[KINDS[(v.title as string).split(', ')[0]!]!]!.scope(s), '$.scope');
    for (const v of holdVariants) check(v, (m) => VALIDATORS[KINDS[(v.title as string).split(', ')[0]!]!]!.holds(asHolds(m)), '$.holds[0].match');
  });
});

describe('/openapi.json: problem examples', () => {
  const problems = media().filter((m) => m.type === 'application/problem+json');

  it('shows for every refusal a problem of its status, code and title, as the server writes it', () => {
    const failures: string[] = [];
    for (const { where, route, status, media: m } of problems) {
      const p = m.example as Json;
      if (!p) {
        failures.push(`${where}: no example`);
        continue;
      }
      const known = PROBLEMS[p.code as keyof typeof PROBLEMS];
      const title = Number(status) === 422 ? 'Verification failed' : Number(status) === 415 && route.rawBody ? `The body must be ${route.rawBody.contentType}` : known?.title;
      if (Number(status) === 422 ? !(VERIFICATION_CODES as readonly string[]).includes(p.code) : known?.status !== Number(status)) failures.push(`${where}: code ${p.code} is not one of status ${status}`);
      if (p.status !== Number(status) || p.type !== problemType(p.code) || p.title !== title) failures.push(`${where}: ${JSON.stringify(p)}`);
      if (typeof p.instance !== 'string' || !p.instance.startsWith('/') || typeof p.detail !== 'string') failures.push(`${where}: instance and detail`);
    }
    assert.deepEqual(failures, []);
    assert.ok(problems.length > 150);
  });

  describe('against a live server', () => {
    let api: ApiHarness;
    before(async () => {
      api = await startApiHarness({ objects: 10, coordinator: false });
    });
    after(async () => api?.close());

    /** The person of a token of `role`. */
    const someone = (role: string) => (Object.entries(PEOPLE) as Array<[keyof typeof PEOPLE, string]>).find(([, r]) => r === role)![0];

    it('answers each refusal it can be asked for without changing anything exactly as documented: 401, 403, and 400 and 404 of reads', async () => {
      let compared = 0;
      const failures: string[] = [];
      for (const { where, route, status, media: m } of problems) {
        const documented = m.example as Json;
        const code = Number(status);
        const read = route.method === 'get';
        if (!(code === 401 || code === 403 || (read && (code === 400 || code === 404)))) continue;
        const allowed = route.auth === 'public' ? [] : route.auth;
        const as = code === 401 || allowed.length === 0 ? null : code === 403 ? someone(/this token's role is (\w+)$/.exec(documented.detail)![1]!) : someone(allowed[0]!);
        const r = await api.call(documented.instance, { method: route.method.toUpperCase(), as });
        const answered = (await r.json()) as Json;
        compared++;
        try {
          assert.deepEqual(answered, documented);
        } catch {
          failures.push(`${where}: answered ${JSON.stringify(answered)}`);
        }
      }
      assert.deepEqual(failures, []);
      assert.ok(compared > 80, `only ${compared} compared`);
    });
  });
});
