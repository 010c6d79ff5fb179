// The people who may use the server, and the personal keys with which they
// sign approvals (docs/FORMAT.md section 5.9, docs/API.md "People"). Tokens
// belong to a person; the two-person rule compares people. People are
// registered only on the server's machine (`shredproof person add`), by
// whoever holds the ledger file: an admin over HTTP can issue tokens to the
// people registered, never make new ones. Rows change, never go, so that
// every approval ever signed keeps a key to verify it with.
import type { Role } from './access.js';

export interface PersonRow {
  name: string;
  roles: Role[];
  createdAt: string;
  createdBy: string;
  /** When the person was removed: their tokens were revoked and their key's window ended then. */
  removedAt: string | null;
  removedBy: string | null;
}

/** A personal key: the trust root's approvalKeys entry (section 5.9) comes from this row. */
export interface PersonKeyRow {
  keyid: string;
  person: string;
  /** PEM SubjectPublicKeyInfo. */
  publicKeyPem: string;
  /** What the key may sign as, fixed when it is registered (the person's roles then). */
  signs: Array<'approver' | 'performer'>;
  validFrom: string;
  validUntil: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
}

export interface PeopleStore {
  /** Every person, current and removed, in order of registration. */
  people(): PersonRow[];
  /** The person registered under this exact name and not removed. */
  person(name: string): PersonRow | undefined;
  /** Registers a person. The caller has checked the name against everyone else's (personKey). */
  addPerson(row: Omit<PersonRow, 'removedAt' | 'removedBy'>): PersonRow;
  /**
   * Removes a person at once: revokes every token of theirs and ends their
   * keys' windows at `at`, in one transaction. Returns the tokens revoked,
   * or undefined when there is no such current person.
   */
  removePerson(name: string, at: string, by: string): { tokensRevoked: number } | undefined;
  /** Every personal key, oldest first. */
  personKeys(): PersonKeyRow[];
  /** Registers a key for a person, ending the window of the key they had (if any) at `row.validFrom`. */
  addPersonKey(row: Omit<PersonKeyRow, 'validUntil' | 'revokedAt' | 'revocationReason'>): PersonKeyRow;
  /** Marks a personal key compromised since `since`. Returns the row, or undefined for an unknown key. */
  revokePersonKey(keyid: string, since: string, reason: string): PersonKeyRow | undefined;
  /** From when approvals must be signed (the trust root's approvalsRequiredFrom): when this ledger learned people. */
  approvalsRequiredFrom(): string;
}
