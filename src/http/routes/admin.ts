// Tokens (admin), people (read-only: they are registered on the server's
// machine), who a token is, and the audit log (auditors and admins).
import { auditAnchors } from '../../app/audit-anchors.js';
import { z } from 'zod';
import { issueToken } from '../../app/tokens.js';
import { HttpProblem } from '../problem.js';
import { ANY_ROLE, defineRoute, problems, type Route } from '../route.js';
import { AuditEntry, AuditQuery, PeopleList, Token, TokenCreateBody, TokenParams, Whoami } from '../schemas.js';

const ADMIN = ['admin'] as const;
const AUDIT = ['auditor', 'admin'] as const;

export const adminRoutes: Route[] = [
  defineRoute({
    method: 'post',
    path: '/v1/tokens',
    operationId: 'createToken',
    tag: 'tokens',
    summary: 'Create a bearer token; its secret is in this response only',
    description: 'name is a person registered on the server\'s machine (`shredproof person add`), and role one of their roles: a token for anyone else, or in a role the person does not hold, is refused with 400. An admin cannot register people over HTTP, so cannot make up a second approver; and approving needs the approver\'s own key, which a token does not carry.',
    auth: ADMIN,
    body: TokenCreateBody,
    bodyExample: { name: 'carol', role: 'auditor' },
    successStatus: 201,
    responses: {
      201: {
        description: 'The token and its record',
        schema: z.object({ token: z.string(), info: Token }),
        links: { revokeToken: { operationId: 'revokeToken', parameters: { tokenId: '$response.body#/info/id' }, description: 'Revoke the token just made' } },
      },
      ...problems(400, 401, 403, 413, 415, 429),
    },
    handler(ctx, { body, principal }) {
      const { token, row } = issueToken(ctx.engine.ledger, {
        name: body.name,
        role: body.role,
        createdBy: principal!.name,
        now: ctx.engine.clock.now(),
        ...(body.expiresAt ? { expiresAt: new Date(body.expiresAt) } : {}),
      });
      return { token, info: row };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tokens',
    operationId: 'listTokens',
    tag: 'tokens',
    summary: 'Every token (never its secret)',
    auth: ADMIN,
    responses: { 200: { description: 'Tokens', schema: z.object({ tokens: z.array(Token) }) }, ...problems(401, 403, 429) },
    handler: (ctx) => ({ tokens: ctx.engine.ledger.access.listTokens() }),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/tokens/:tokenId',
    operationId: 'revokeToken',
    tag: 'tokens',
    summary: 'Revoke a token (it stays listed, with revokedAt)',
    auth: ADMIN,
    params: TokenParams,
    responses: { 200: { description: 'Revoked', schema: Token }, ...problems(400, 401, 403, 404, 429) },
    handler(ctx, { params }) {
      const store = ctx.engine.ledger.access;
      if (!store.token(params.tokenId)) throw new HttpProblem(404, 'NOT_FOUND', 'Not found', `no token ${params.tokenId}`);
      store.revokeToken(params.tokenId, ctx.engine.clock.now().toISOString());
      // Open progress streams of this token end now, not at their next check.
      for (const s of ctx.streams) if (s.tokenId === params.tokenId) s.end();
      return store.token(params.tokenId);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/whoami',
    operationId: 'whoami',
    tag: 'tokens',
    summary: 'The person and role of the token presented, and the person\'s keys',
    description: '`shredproof order approve --key` reads the name here: the approval it signs names the person.',
    auth: ANY_ROLE,
    responses: { 200: { description: 'Who', schema: Whoami }, ...problems(401, 429) },
    handler(ctx, { principal }) {
      const p = principal!;
      const person = ctx.engine.ledger.people.person(p.name);
      const keys = ctx.engine.ledger.people
        .personKeys()
        .filter((k) => k.person === p.name)
        .map((k) => ({ keyid: k.keyid, signs: k.signs, validFrom: k.validFrom, validUntil: k.validUntil, revokedAt: k.revokedAt }));
      return { tokenId: p.tokenId, name: p.name, role: p.role, person: person ? { roles: person.roles, keys } : null };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/people',
    operationId: 'listPeople',
    tag: 'tokens',
    summary: 'Everyone registered, current and removed, with their roles and personal keys',
    description: 'People are registered and removed on the server\'s machine (`shredproof person`); the trust root\'s approvalKeys come from the keys listed here.',
    auth: AUDIT,
    responses: { 200: { description: 'People and keys', schema: PeopleList }, ...problems(401, 403, 429) },
    handler: (ctx) => ({ people: ctx.engine.ledger.people.people(), keys: ctx.engine.ledger.people.personKeys() }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/audit',
    operationId: 'listAudit',
    tag: 'audit',
    summary: 'The append-only audit log, oldest first',
    description: 'Every state change and every write made with a token (who, when, what, from where, with what result), and every failed authentication. Each entry carries a SHA-256 chained over the one before (hash = SHA-256(prevHash || "\\n" || RFC 8785 JSON of the entry without prevHash and hash)).',
    auth: AUDIT,
    query: AuditQuery,
    responses: { 200: { description: 'A page of entries', schema: z.object({ entries: z.array(AuditEntry), nextCursor: z.string().nullable() }) }, ...problems(400, 401, 403, 429) },
    handler(ctx, { query }) {
      const rows = ctx.engine.ledger.access.audit({
        ...(query.cursor ? { after: Number(query.cursor) } : {}),
        ...(query.orderId ? { orderId: query.orderId } : {}),
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      return { entries: page, nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.seq) : null };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/audit/verify',
    operationId: 'verifyAudit',
    tag: 'audit',
    summary: 'Recompute the audit log\'s hash chain',
    auth: AUDIT,
    responses: {
      200: {
        description: 'Whether every link holds, and the chain matches the audit head that every signed certificate carries (`anchor` names the certificate it contradicts)',
        schema: z.object({ ok: z.boolean(), entries: z.number().int(), brokenAt: z.number().int().optional(), anchor: z.string().optional() }),
      },
      ...problems(401, 403, 429),
    },
    handler: (ctx) => ctx.engine.ledger.access.verifyChain(auditAnchors(ctx.engine)),
  }),
];
