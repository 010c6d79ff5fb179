// Bearer tokens: `sp_<id>_<secret>`, where id is 16 random hex digits (public:
// it names the token in the audit log and for revocation) and secret is 32
// random bytes in base64url. Only SHA-256(secret) is stored. A plain hash is
// right here, unlike for passwords: the secret has 256 bits of entropy, so
// there is nothing to brute-force, and a slow KDF would only slow every request.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type FieldProblem, PERSON_NAME_RE, ValidationError } from '@shredproof/verify';
import { ROLES, type Role, type TokenRow, type TokenStore } from './ports/access.js';
import type { PeopleStore } from './ports/people.js';

const TOKEN_RE = /^sp_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** Who a token belongs to: the name that the two-person rule compares. */
export const TOKEN_NAME_RE = PERSON_NAME_RE;

export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
}

export interface IssuedToken {
  token: string;
  row: TokenRow;
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function isRole(s: unknown): s is Role {
  return typeof s === 'string' && (ROLES as readonly string[]).includes(s);
}

/**
 * Creates a token for a registered person (src/app/people.ts) in one of their
 * roles; the returned string is the only copy of its secret. The token is
 * named by its person: the two-person rule compares people.
 */
export function issueToken(
  ledger: { access: TokenStore; people: Pick<PeopleStore, 'person'> },
  opts: { name: string; role: string; createdBy: string; now: Date; expiresAt?: Date },
): IssuedToken {
  const store = ledger.access;
  const problems: FieldProblem[] = [];
  if (!TOKEN_NAME_RE.test(opts.name)) {
    problems.push({ path: '$.name', problem: 'must be 1-64 characters: letters, digits, and . _ @ - (not first)' });
  }
  if (!isRole(opts.role)) problems.push({ path: '$.role', problem: `must be one of ${ROLES.join(', ')}` });
  if (opts.expiresAt && !(opts.expiresAt.getTime() > opts.now.getTime())) problems.push({ path: '$.expiresAt', problem: 'must be in the future' });
  if (problems.length === 0) {
    // Only people registered on the server's machine get tokens, and only in their roles: an admin
    // cannot make up a second approver ("root-admin.2") or lend themselves a role.
    const person = ledger.people.person(opts.name);
    if (!person) problems.push({ path: '$.name', problem: `no person is registered as ${JSON.stringify(opts.name)}: people are added on the server's machine (shredproof person add)` });
    else if (!person.roles.includes(opts.role as Role)) {
      problems.push({ path: '$.role', problem: `${opts.name} does not hold the role ${opts.role} (roles: ${person.roles.join(', ')})` });
    }
  }
  if (problems.length > 0) throw new ValidationError('invalid token request', problems);
  const id = `tok_${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  const row = store.createToken({
    id,
    name: opts.name,
    role: opts.role as Role,
    secretSha256: sha256Hex(secret),
    createdAt: opts.now.toISOString(),
    createdBy: opts.createdBy,
    expiresAt: opts.expiresAt?.toISOString() ?? null,
    revokedAt: null,
    lastUsedAt: null,
  });
  return { token: `sp_${id.slice(4)}_${secret}`, row };
}

export type AuthFailure = 'MALFORMED' | 'UNKNOWN' | 'REVOKED' | 'EXPIRED';

/**
 * The token id of a presented token (`tok_<id>`), or undefined when it is not
 * a token at all. The id is public (it names the token in the audit log), so
 * reading it before the secret is checked tells nothing.
 */
export function presentedTokenId(presented: string): string | undefined {
  const m = TOKEN_RE.exec(presented);
  return m ? `tok_${m[1]}` : undefined;
}

/** Why a token that authenticated once no longer does (revoked, expired, deleted), or undefined while it is in force. */
export function tokenLapsed(row: TokenRow | undefined, now: Date): Exclude<AuthFailure, 'MALFORMED'> | undefined {
  if (!row) return 'UNKNOWN';
  if (row.revokedAt) return 'REVOKED';
  if (row.expiresAt && Date.parse(row.expiresAt) <= now.getTime()) return 'EXPIRED';
  return undefined;
}

/**
 * Checks a presented token. The failure reason is for the audit log only:
 * the client always gets the same 401, so a caller learns nothing about
 * which tokens exist.
 */
export function authenticate(store: TokenStore, presented: string, now: Date): { ok: true; principal: Principal } | { ok: false; reason: AuthFailure; tokenId?: string } {
  const m = TOKEN_RE.exec(presented);
  if (!m) return { ok: false, reason: 'MALFORMED' };
  const tokenId = `tok_${m[1]}`;
  const row = store.token(tokenId);
  const stored = row && store.secretHash(tokenId);
  // Compare even for an unknown id, so that timing does not tell the two apart.
  const expected = Buffer.from(stored ?? '0'.repeat(64), 'hex');
  const same = timingSafeEqual(expected, Buffer.from(sha256Hex(m[2]!), 'hex'));
  if (!row || !same) return { ok: false, reason: 'UNKNOWN', tokenId };
  const lapsed = tokenLapsed(row, now);
  if (lapsed) return { ok: false, reason: lapsed, tokenId };
  return { ok: true, principal: { tokenId, name: row.name, role: row.role } };
}
