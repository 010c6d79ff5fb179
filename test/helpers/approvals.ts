// Signed approvals for tests and benchmarks that drive the engine in-process:
// each person gets a key made from their name (so that runs repeat), is
// registered with the role they sign in, and signs the order's current plan
// as `shredproof order approve --key` would.
import { createHash, createPrivateKey } from 'node:crypto';
import { type ApprovalRole, publicKeyToPem, type Signer, seedSigner, signApproval, ValidationError } from '@shredproof/verify';
import { approvalSubject, approveOrder, signPlan } from '../../src/app/approve-order.js';
import type { EngineDeps } from '../../src/app/deps.js';
import { addPerson, setPersonKey } from '../../src/app/people.js';
import { issueToken } from '../../src/app/tokens.js';
import type { Role } from '../../src/app/ports/access.js';
import type { OrderRow } from '../../src/app/ports/orders.js';

/** The seed of `name`'s personal key in tests: SHA-256 of the name. */
export function personSeed(name: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`shredproof test person ${name}`).digest());
}

/** The personal key of `name` in tests. */
export function personSigner(name: string): Signer {
  return seedSigner(personSeed(name));
}

/** `name`'s test key as the PKCS#8 PEM that `shredproof person keygen` writes (encrypted with `passphrase` when given). */
export function personKeyPem(name: string, passphrase?: string): string {
  const jwk = { kty: 'OKP', crv: 'Ed25519', d: Buffer.from(personSeed(name)).toString('base64url'), x: Buffer.from(personSigner(name).publicKey).toString('base64url') };
  const key = createPrivateKey({ key: jwk, format: 'jwk' });
  return key.export(passphrase ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase } : { type: 'pkcs8', format: 'pem' }) as string;
}

/** Registers `name` with `role` and their test key, unless they are registered with a key already; returns their signer. */
export function ensurePerson(deps: Pick<EngineDeps, 'ledger' | 'clock'>, name: string, role: Role): Signer {
  const signer = personSigner(name);
  const pem = publicKeyToPem(signer.publicKey);
  const person = deps.ledger.people.person(name);
  if (!person) addPerson(deps, { name, roles: role === 'operator' ? ['operator'] : [role], publicKeyPem: pem }, 'test');
  else if (!deps.ledger.people.personKeys().some((k) => k.keyid === signer.keyid)) setPersonKey(deps, name, pem, 'test');
  return signer;
}

/** The signature `name` makes over the order's current plan in `role`, now. */
export function signedBy(deps: Pick<EngineDeps, 'clock'>, order: OrderRow, name: string, role: ApprovalRole, signer = personSigner(name)) {
  return signApproval(signer, approvalSubject(order), { role, person: name, signedAt: deps.clock.now().toISOString() });
}

/** approveOrder with `approver`'s own signature over the order's current plan (registering them first). */
export function approveSigned(deps: EngineDeps, id: string, approver: string, planRoot: string): OrderRow {
  const order = deps.ledger.getOrder(id);
  if (!order) return approveOrder(deps, id, approver, planRoot, { keyid: '0'.repeat(64), signedAt: deps.clock.now().toISOString(), signature: '' });
  // A person who is not registered as an approver yet becomes one; the order's creator too, so that the
  // SELF_APPROVAL rule (not a missing role) is what refuses them.
  const signer = deps.ledger.people.person(approver)?.roles.includes('approver') === false ? personSigner(approver) : tryEnsure(deps, approver);
  return approveOrder(deps, id, approver, planRoot, signedBy(deps, order, approver, 'approver', signer));
}

/**
 * The approver's signer, registering them when the name can be registered; a
 * name that cannot (another spelling of a registered person, a name with a
 * space) signs unregistered, and approveOrder refuses it by its own rules.
 */
function tryEnsure(deps: EngineDeps, name: string): Signer {
  try {
    return ensurePerson(deps, name, 'approver');
  } catch (e) {
    if (e instanceof ValidationError) return personSigner(name);
    throw e;
  }
}

/** signPlan by the order's creator, registered as an operator with a key first. */
export function signPlanSigned(deps: EngineDeps, id: string, performer: string, planRoot: string): OrderRow {
  const signer = ensurePerson(deps, performer, 'operator');
  return signPlan(deps, id, performer, planRoot, signedBy(deps, deps.ledger.getOrder(id)!, performer, 'performer', signer));
}

/** A token for `name` in `role`, registering them as a person with that role first when they are not registered. */
export function issueTestToken(deps: Pick<EngineDeps, 'ledger' | 'clock'>, opts: Parameters<typeof issueToken>[1]) {
  if (!deps.ledger.people.person(opts.name)) addPerson(deps, { name: opts.name, roles: [opts.role] }, 'test');
  return issueToken(deps.ledger, opts);
}
