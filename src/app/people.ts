// People: who may use the server, with which roles, and the personal keys
// with which they sign approvals (src/app/ports/people.ts, docs/API.md
// "People"). Registered on the server's machine only (`shredproof person`);
// every change is in the audit log, and the trust root's approval keys
// (docs/FORMAT.md section 5.9) come from here.
import { appendToLog, revocationRef } from './transparency-log.js';
import { type FieldProblem, keyIdOf, PERSON_NAME_RE, personKey, publicKeyFromPem, ValidationError } from '@shredproof/verify';
import type { EngineDeps } from './deps.js';
import { ROLES, type Role } from './ports/access.js';
import type { PersonKeyRow, PersonRow } from './ports/people.js';

type PeopleDeps = Pick<EngineDeps, 'ledger' | 'clock'>;

/** What a person's key may sign, from their roles: an approver approves, an operator signs the plans of their own orders as performer. */
export function signsFor(roles: readonly Role[]): PersonKeyRow['signs'] {
  const signs: PersonKeyRow['signs'] = [];
  if (roles.includes('approver')) signs.push('approver');
  if (roles.includes('operator')) signs.push('performer');
  return signs;
}

/** Field problems of a person's name: the token name rule, and no other spelling of anyone registered, now or before. */
function nameProblems(deps: PeopleDeps, name: unknown, problems: FieldProblem[]): void {
  if (typeof name !== 'string' || !PERSON_NAME_RE.test(name)) {
    problems.push({ path: '$.name', problem: 'must be 1-64 characters: letters, digits, and . _ @ - (not first)' });
    return;
  }
  const key = personKey(name);
  if (key === '') return void problems.push({ path: '$.name', problem: 'must contain a letter or a digit' });
  // Removed people count: their names are in signed certificates, and a look-alike would read as them.
  const near = deps.ledger.people.people().find((p) => p.name !== name && personKey(p.name) === key);
  if (near) problems.push({ path: '$.name', problem: `is another spelling of ${JSON.stringify(near.name)}: use exactly that name for the same person, a clearly different one for anyone else` });
  else if (deps.ledger.people.person(name)) problems.push({ path: '$.name', problem: `${name} is registered already (shredproof person list)` });
}

function rolesOf(roles: unknown, problems: FieldProblem[]): Role[] {
  if (!Array.isArray(roles) || roles.length === 0) {
    problems.push({ path: '$.roles', problem: `must list one or more of ${ROLES.join(', ')}` });
    return [];
  }
  roles.forEach((r, i) => {
    if (!(ROLES as readonly unknown[]).includes(r)) problems.push({ path: `$.roles[${i}]`, problem: `must be one of ${ROLES.join(', ')}, not ${JSON.stringify(r)}` });
  });
  if (new Set(roles).size !== roles.length) problems.push({ path: '$.roles', problem: 'must not repeat a role' });
  return roles as Role[];
}

/** The raw key of a PEM public key, or a problem naming the field; and no key anyone (or the issuer) has used. */
function keyOf(deps: PeopleDeps, pem: string, problems: FieldProblem[]): { keyid: string; pem: string } | undefined {
  let raw: Uint8Array;
  try {
    raw = publicKeyFromPem(pem);
  } catch (e) {
    problems.push({ path: '$.publicKey', problem: `is not an Ed25519 public key in PEM (shredproof person keygen writes one): ${e instanceof Error ? e.message : String(e)}` });
    return undefined;
  }
  const keyid = keyIdOf(raw);
  const person = deps.ledger.people.personKeys().find((k) => k.keyid === keyid);
  if (person) problems.push({ path: '$.publicKey', problem: `key ${keyid} is registered already, to ${person.person}: each person makes their own key` });
  if (deps.ledger.keys.signingKeys().some((k) => k.keyid === keyid)) problems.push({ path: '$.publicKey', problem: `key ${keyid} is a certificate key of this server: an approver's key must be their own` });
  return { keyid, pem };
}

export interface AddedPerson {
  person: PersonRow;
  key?: PersonKeyRow;
}

/**
 * Registers a person with roles and, optionally, their public key (PEM).
 * ValidationError listing every bad field; nothing changes then.
 */
export function addPerson(deps: PeopleDeps, input: { name: unknown; roles: unknown; publicKeyPem?: string }, actor: string): AddedPerson {
  const problems: FieldProblem[] = [];
  nameProblems(deps, input.name, problems);
  const roles = rolesOf(input.roles, problems);
  const key = input.publicKeyPem === undefined ? undefined : keyOf(deps, input.publicKeyPem, problems);
  if (problems.length > 0) throw new ValidationError('invalid person', problems);
  const name = input.name as string;
  const at = deps.clock.now().toISOString();
  return deps.ledger.atomically(() => {
    const person = deps.ledger.people.addPerson({ name, roles, createdAt: at, createdBy: actor });
    deps.ledger.access.appendAudit({ at, actor, action: 'person.add', detail: `person ${name} registered with roles ${roles.join(', ')}` });
    const added: AddedPerson = { person };
    if (key) added.key = registerKey(deps, name, roles, key, at, actor);
    return added;
  });
}

function registerKey(deps: PeopleDeps, name: string, roles: readonly Role[], key: { keyid: string; pem: string }, at: string, actor: string): PersonKeyRow {
  const row = deps.ledger.people.addPersonKey({ keyid: key.keyid, person: name, publicKeyPem: key.pem, signs: signsFor(roles), validFrom: at });
  const signs = row.signs.length > 0 ? `signs as ${row.signs.join(', ')}` : 'signs nothing (no approver or operator role)';
  deps.ledger.access.appendAudit({ at, actor, action: 'person.key', detail: `key ${row.keyid} of ${name} from ${at}: ${signs}` });
  appendToLog(deps.ledger, [{ event: { type: 'key', role: 'approval', keyid: row.keyid, validFrom: row.validFrom, person: name, roles: [...row.signs] } }], at);
  return row;
}

function current(deps: PeopleDeps, name: string): PersonRow {
  const person = deps.ledger.people.person(name);
  if (!person) throw new ValidationError('unknown person', [{ path: '$.name', problem: `no current person is named ${JSON.stringify(name)} (shredproof person list)` }]);
  return person;
}

/** A person's new key: the one they had stops at this instant (approvals it signed before stay valid). */
export function setPersonKey(deps: PeopleDeps, name: string, publicKeyPem: string, actor: string): PersonKeyRow {
  const person = current(deps, name);
  const problems: FieldProblem[] = [];
  const key = keyOf(deps, publicKeyPem, problems);
  if (problems.length > 0 || !key) throw new ValidationError('invalid key', problems);
  const at = deps.clock.now().toISOString();
  return deps.ledger.atomically(() => registerKey(deps, name, person.roles, key, at, actor));
}

/** Removes a person at once: their tokens are revoked and their key stops now, in one transaction. */
export function removePerson(deps: PeopleDeps, name: string, actor: string): { tokensRevoked: number } {
  current(deps, name);
  const at = deps.clock.now().toISOString();
  return deps.ledger.atomically(() => {
    const done = deps.ledger.people.removePerson(name, at, actor)!;
    deps.ledger.access.appendAudit({ at, actor, action: 'person.remove', detail: `person ${name} removed: ${done.tokensRevoked} token(s) revoked, keys ended` });
    return done;
  });
}

/** A personal key compromised since `since`: approvals it signed for orders approved from then on are invalid (section 5.9). */
export function revokePersonKey(deps: PeopleDeps, keyid: string, since: string, reason: string, actor: string): PersonKeyRow {
  const problems: FieldProblem[] = [];
  if (!deps.ledger.people.personKeys().some((k) => k.keyid === keyid)) problems.push({ path: '$.keyid', problem: `no person's key has id ${keyid} (shredproof person list)` });
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:[0-5]\d(?:\.\d{1,9})?Z$/.test(since) || Number.isNaN(Date.parse(since))) problems.push({ path: '$.compromisedSince', problem: 'must be an RFC 3339 UTC time' });
  if (reason.trim() === '') problems.push({ path: '$.reason', problem: 'must say why' });
  if (problems.length > 0) throw new ValidationError('invalid revocation', problems);
  const at = deps.clock.now().toISOString();
  return deps.ledger.atomically(() => {
    const row = deps.ledger.people.revokePersonKey(keyid, since, reason)!;
    deps.ledger.access.appendAudit({ at, actor, action: 'person.key-revoke', detail: `key ${keyid} of ${row.person} compromised since ${row.revokedAt}: ${reason}` });
    appendToLog(deps.ledger, [{ event: { type: 'key-revocation', role: 'approval', keyid, revokedAt: row.revokedAt!, reason }, ref: revocationRef(keyid) }], at);
    return row;
  });
}
