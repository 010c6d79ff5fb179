// The order document as /openapi.json shows it: the scope of a target and
// the match of a hold typed per backend kind. Documentation only: the server
// validates with OrderDocumentSchema (src/app/order-document.ts), which takes
// any object there and leaves it to the backend that the target names (its
// scope.ts), because a document names a configured backend, not a kind. The
// shapes below are those backends' own (src/adapters/storage/*/scope.ts,
// sql/filter-model.ts); test/http/openapi-examples.test.ts checks that each
// backend accepts each example and that the rest is OrderDocumentSchema's.
// A module of its own because nothing here validates a request: schemas.ts
// re-exports OrderDocumentBody for the route, which leaves the body to the
// use case (bodyValidatedBy: 'use-case').
import { z } from 'zod';
import { OrderDocumentSchema } from '../app/order-document.js';
import { EXAMPLE_ORDER_DOCUMENT, takes } from './schema-examples.js';

const globs = (description: string) => z.array(z.string()).meta({ description });
const scalar = z.union([z.string(), z.number(), z.boolean()]).meta({ description: 'A JSON scalar, typed against the column (never null: NULL matches nothing)' });
const column = z.string().min(1).max(128).meta({ description: 'A column name, exact and case-sensitive, checked against the catalog' });

/** A condition of a SQL scope or hold (docs/backends/sql.md): values are bind parameters, never SQL text. */
const SqlCondition = takes(
  z.discriminatedUnion('op', [
    z.strictObject({ column, op: z.literal('eq'), value: scalar }),
    z.strictObject({ column, op: z.literal('in'), values: z.array(scalar).min(1).max(10_000) }),
    z.strictObject({ column, op: z.literal('prefix'), value: z.string(), allowEmptyPrefix: z.boolean().optional() }),
    z.strictObject({ column, op: z.literal('range'), value: z.strictObject({ gte: scalar.optional(), gt: scalar.optional(), lte: scalar.optional(), lt: scalar.optional() }) }),
  ]),
  { column: 'cohort', op: 'eq', value: 7 },
  { id: 'SqlCondition' },
);
const conditions = (description: string) => z.array(SqlCondition).max(64).meta({ description });

const FilesystemScope = takes(
  z.strictObject({
    include: globs('Glob patterns relative to the backend\'s root (docs/ORDERS.md section 2): a file is in scope when its path matches one. A pattern that could match every file needs allowAll.').min(1),
    exclude: globs('Glob patterns: a file that matches one is out of scope, even if an include matches it.').optional(),
    allowAll: z.boolean().optional().meta({ description: 'true permits include patterns that could match every file of the root (**, */**, ...)' }),
  }),
  { include: ['cohort-7/**'], exclude: ['cohort-7/*/public/**'] },
  { id: 'FilesystemScope', title: 'filesystem', description: 'The scope of a target whose backend is of kind filesystem: files under its root, by glob pattern.' },
);
const S3Scope = takes(
  z.strictObject({
    prefixes: z.array(z.string()).min(1).meta({ description: 'Key prefixes, compared byte for byte (no globs); every version of every key under them is in scope. The prefix "" needs allowWholeBucket.' }),
    exclude: z.array(z.string()).optional().meta({ description: 'Key prefixes out of scope.' }),
    allowWholeBucket: z.boolean().optional().meta({ description: 'true permits the prefix "", every key of the bucket' }),
  }),
  { prefixes: ['cohort-7/'] },
  { id: 'S3Scope', title: 's3', description: 'The scope of a target whose backend is of kind s3 (docs/backends/s3.md): objects and all their versions, by key prefix.' },
);
const SqlScope = takes(
  z.strictObject({
    table: z.string().min(1).max(128).meta({ description: '"schema.table" or "table"' }),
    where: conditions('An AND of conditions; empty only with allowWholeTable.'),
    allowWholeTable: z.boolean().optional().meta({ description: 'true permits an empty where: every row of the table' }),
  }),
  { table: 'public.user_photos', where: [{ column: 'cohort', op: 'eq', value: 7 }] },
  { id: 'SqlScope', title: 'postgres, mariadb, sqlite', description: 'The scope of a target whose backend is of kind postgres, mariadb or sqlite (docs/backends/sql.md): rows of one table, by a structured filter.' },
);
const RedisScope = takes(
  z.strictObject({
    match: z.array(z.string()).min(1).max(1000).meta({ description: 'Redis SCAN MATCH patterns over the key without the backend\'s keyPrefix. A pattern that fixes no byte needs allowAll.' }),
    exclude: z.array(z.string()).max(1000).optional().meta({ description: 'Patterns of keys out of scope.' }),
    allowAll: z.boolean().optional().meta({ description: 'true permits patterns that fix no byte (*): every key under the prefix' }),
  }),
  { match: ['face:cohort-7:*'] },
  { id: 'RedisScope', title: 'redis', description: 'The scope of a target whose backend is of kind redis (docs/backends/redis.md): keys, by SCAN pattern.' },
);
const TargetScope = z.xor([FilesystemScope, S3Scope, SqlScope, RedisScope]).meta({
  description: 'What to destroy in the backend: the shape of the backend\'s kind (filesystem, s3, postgres/mariadb/sqlite, redis), which the backend checks when the order is created.',
});

const FilesystemHoldMatch = takes(z.strictObject({ include: globs('Glob patterns: a file in scope that matches one is held. As broad as you like: holding too much is safe.').min(1) }), { include: ['cohort-7/u-1007/**'] }, {
  id: 'FilesystemHoldMatch',
  title: 'filesystem',
  description: 'What a hold keeps in a target whose backend is of kind filesystem.',
});
const S3HoldMatch = takes(z.strictObject({ prefixes: z.array(z.string()).min(1).meta({ description: 'Key prefixes; every version of every key under them is held ("" holds the bucket).' }) }), { prefixes: ['cohort-7/u-1007/'] }, {
  id: 'S3HoldMatch',
  title: 's3',
  description: 'What a hold keeps in a target whose backend is of kind s3.',
});
const SqlHoldMatch = takes(z.strictObject({ where: conditions('An AND of conditions; an empty where holds the whole table.') }), { where: [{ column: 'account', op: 'eq', value: 'u-1007' }] }, {
  id: 'SqlHoldMatch',
  title: 'postgres, mariadb, sqlite',
  description: 'What a hold keeps in a target whose backend is of kind postgres, mariadb or sqlite.',
});
const RedisHoldMatch = takes(z.strictObject({ keys: z.array(z.string()).min(1).max(1000).meta({ description: 'SCAN patterns of the keys held.' }) }), { keys: ['face:cohort-7:u-1007:*'] }, {
  id: 'RedisHoldMatch',
  title: 'redis',
  description: 'What a hold keeps in a target whose backend is of kind redis.',
});
const HoldMatch = z.xor([FilesystemHoldMatch, S3HoldMatch, SqlHoldMatch, RedisHoldMatch]).meta({
  description: 'Which objects of the target the hold keeps: the shape of the target backend\'s kind, not the scope\'s (no exclude, no allow flags; redis holds list keys).',
});

const documentTarget = OrderDocumentSchema.shape.targets.element;
const documentHold = OrderDocumentSchema.shape.holds.unwrap().element;

/** The body of POST /v1/orders as the document shows it (docs/ORDERS.md section 1); OrderDocumentSchema is what validates it. */
export const OrderDocumentBody = takes(
  OrderDocumentSchema.extend({
    targets: z.array(documentTarget.extend({ scope: TargetScope })).min(1).max(100),
    holds: z.array(documentHold.extend({ match: HoldMatch })).max(10_000).default([]),
  }),
  EXAMPLE_ORDER_DOCUMENT,
  { id: 'OrderDocument' },
);
