// People and their personal keys (src/app/ports/people.ts) in the ledger.
import { personKey } from '@shredproof/verify';
import type { Role } from '../../../app/ports/access.js';
import type { PeopleStore, PersonKeyRow, PersonRow } from '../../../app/ports/people.js';
import type { LedgerConnection } from './connection.js';

interface RawPerson {
  name: string;
  roles: string;
  createdAt: string;
  createdBy: string;
  removedAt: string | null;
  removedBy: string | null;
}
interface RawKey extends Omit<PersonKeyRow, 'signs'> {
  signs: string;
}

const PERSON_COLUMNS = 'name, roles, created_at AS createdAt, created_by AS createdBy, removed_at AS removedAt, removed_by AS removedBy';
const KEY_COLUMNS = `keyid, person, public_key_pem AS publicKeyPem, signs, valid_from AS validFrom, valid_until AS validUntil,
                     revoked_at AS revokedAt, revocation_reason AS revocationReason`;

const toPerson = (r: RawPerson): PersonRow => ({ ...r, roles: r.roles.split(',').filter(Boolean) as Role[] });
const toKey = (r: RawKey): PersonKeyRow => ({ ...r, signs: r.signs.split(',').filter(Boolean) as PersonKeyRow['signs'] });

export class SqlitePeopleStore implements PeopleStore {
  constructor(private readonly conn: LedgerConnection) {}

  people(): PersonRow[] {
    return (this.conn.sql(`SELECT ${PERSON_COLUMNS} FROM people ORDER BY num`).all() as RawPerson[]).map(toPerson);
  }

  person(name: string): PersonRow | undefined {
    const r = this.conn.sql(`SELECT ${PERSON_COLUMNS} FROM people WHERE name = ? AND removed_at IS NULL`).get(name) as RawPerson | undefined;
    return r && toPerson(r);
  }

  addPerson(row: Omit<PersonRow, 'removedAt' | 'removedBy'>): PersonRow {
    this.conn
      .sql('INSERT INTO people (name, person_key, roles, created_at, created_by) VALUES (?,?,?,?,?)')
      .run(row.name, personKey(row.name), row.roles.join(','), row.createdAt, row.createdBy);
    return this.person(row.name)!;
  }

  removePerson(name: string, at: string, by: string): { tokensRevoked: number } | undefined {
    return this.conn.atomically(() => {
      const removed = this.conn.sql('UPDATE people SET removed_at = ?, removed_by = ? WHERE name = ? AND removed_at IS NULL').run(at, by, name);
      if (removed.changes === 0) return undefined;
      this.conn.sql('UPDATE person_keys SET valid_until = ? WHERE person = ? AND valid_until IS NULL').run(at, name);
      // Tokens are named by their person (src/app/tokens.ts): every spelling of the name is the same person.
      const key = personKey(name);
      const ids = (this.conn.sql('SELECT id, name FROM tokens WHERE revoked_at IS NULL').all() as Array<{ id: string; name: string }>)
        .filter((t) => personKey(t.name) === key)
        .map((t) => t.id);
      const revoke = this.conn.sql('UPDATE tokens SET revoked_at = ? WHERE id = ?');
      for (const id of ids) revoke.run(at, id);
      return { tokensRevoked: ids.length };
    });
  }

  personKeys(): PersonKeyRow[] {
    return (this.conn.sql(`SELECT ${KEY_COLUMNS} FROM person_keys ORDER BY valid_from, keyid`).all() as RawKey[]).map(toKey);
  }

  addPersonKey(row: Omit<PersonKeyRow, 'validUntil' | 'revokedAt' | 'revocationReason'>): PersonKeyRow {
    return this.conn.atomically(() => {
      this.conn.sql('UPDATE person_keys SET valid_until = ? WHERE person = ? AND valid_until IS NULL').run(row.validFrom, row.person);
      this.conn
        .sql('INSERT INTO person_keys (keyid, person, public_key_pem, signs, valid_from) VALUES (?,?,?,?,?)')
        .run(row.keyid, row.person, row.publicKeyPem, row.signs.join(','), row.validFrom);
      return toKey(this.conn.sql(`SELECT ${KEY_COLUMNS} FROM person_keys WHERE keyid = ?`).get(row.keyid) as RawKey);
    });
  }

  revokePersonKey(keyid: string, since: string, reason: string): PersonKeyRow | undefined {
    return this.conn.atomically(() => {
      // Like a certificate key: a later revocation may move revokedAt earlier, never later.
      this.conn
        .sql('UPDATE person_keys SET revoked_at = ?, revocation_reason = ? WHERE keyid = ? AND (revoked_at IS NULL OR revoked_at > ?)')
        .run(since, reason, keyid, since);
      const r = this.conn.sql(`SELECT ${KEY_COLUMNS} FROM person_keys WHERE keyid = ?`).get(keyid) as RawKey | undefined;
      return r && toKey(r);
    });
  }

  approvalsRequiredFrom(): string {
    return (this.conn.sql("SELECT value FROM ledger_settings WHERE name = 'approvals_required_from'").get() as { value: string }).value;
  }
}
