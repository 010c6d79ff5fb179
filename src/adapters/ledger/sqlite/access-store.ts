// API access in the ledger file: bearer tokens (stored only as hashes of their
// secret part) and the audit log. The audit log is append-only twice over:
// triggers refuse UPDATE and DELETE, and each entry carries a SHA-256 chained
// over the one before, so an edit of the file behind SQLite's back shows up
// in verifyChain().
import { createHash } from 'node:crypto';
import { canonicalize } from '@shredproof/verify';
import type { AccessStore, AuditEntry, AuditInput, ChainCheck, TokenRow } from '../../../app/ports/access.js';
import type { LedgerConnection } from './connection.js';

// The port's types, for callers that import them from here.
export { ROLES, type AuditEntry, type AuditInput, type Role, type TokenRow } from '../../../app/ports/access.js';

export const AUDIT_GENESIS = '0'.repeat(64);

/** The chained hash of one entry: SHA-256(prevHash || "\n" || RFC 8785 JSON of the entry without its hashes). */
export function auditHash(e: Omit<AuditEntry, 'hash'>): string {
  const { prevHash, ...body } = e;
  return createHash('sha256').update(`${prevHash}\n${canonicalize(body)}`).digest('hex');
}

const TOKEN_COLUMNS = `id, name, role, created_at AS createdAt, created_by AS createdBy, expires_at AS expiresAt,
  revoked_at AS revokedAt, last_used_at AS lastUsedAt`;
const AUDIT_COLUMNS = `seq, at, actor, action, token_id AS tokenId, role, order_id AS orderId, method, path, status,
  remote, user_agent AS userAgent, detail, prev_hash AS prevHash, hash`;

export class SqliteAccessStore implements AccessStore {
  constructor(private readonly conn: LedgerConnection) {}

  private get sql() {
    return this.conn.sql;
  }

  createToken(t: TokenRow & { secretSha256: string }): TokenRow {
    this.sql('INSERT INTO tokens (id, name, role, secret_sha256, created_at, created_by, expires_at) VALUES (?,?,?,?,?,?,?)')
      .run(t.id, t.name, t.role, t.secretSha256, t.createdAt, t.createdBy, t.expiresAt);
    return this.token(t.id)!;
  }

  token(id: string): TokenRow | undefined {
    return this.sql(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE id = ?`).get(id) as TokenRow | undefined;
  }

  /** The stored secret hash, for the constant-time comparison in src/app/tokens.ts. */
  secretHash(id: string): string | undefined {
    return (this.sql('SELECT secret_sha256 AS h FROM tokens WHERE id = ?').get(id) as { h: string } | undefined)?.h;
  }

  listTokens(): TokenRow[] {
    return this.sql(`SELECT ${TOKEN_COLUMNS} FROM tokens ORDER BY created_at, id`).all() as TokenRow[];
  }

  /** Returns false if there is no such token or it was already revoked. */
  revokeToken(id: string, at: string): boolean {
    return this.sql('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes === 1;
  }

  touchToken(id: string, at: string): void {
    this.sql('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(at, id);
  }

  /** Appends one entry; inside the caller's transaction when there is one. */
  appendAudit(input: AuditInput): AuditEntry {
    return this.conn.atomically(() => {
      const last = this.sql('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
      const entry: Omit<AuditEntry, 'hash'> = {
        seq: (last?.seq ?? 0) + 1,
        at: input.at,
        actor: input.actor,
        action: input.action,
        tokenId: input.tokenId ?? null,
        role: input.role ?? null,
        orderId: input.orderId ?? null,
        method: input.method ?? null,
        path: input.path ?? null,
        status: input.status ?? null,
        remote: input.remote ?? null,
        userAgent: input.userAgent ?? null,
        detail: input.detail ?? null,
        prevHash: last?.hash ?? AUDIT_GENESIS,
      };
      const full: AuditEntry = { ...entry, hash: auditHash(entry) };
      this.sql(
        `INSERT INTO audit_log (seq, at, actor, action, token_id, role, order_id, method, path, status, remote, user_agent, detail, prev_hash, hash)
         VALUES (@seq, @at, @actor, @action, @tokenId, @role, @orderId, @method, @path, @status, @remote, @userAgent, @detail, @prevHash, @hash)`,
      ).run(full);
      return full;
    });
  }

  audit(filter: { after?: number; limit?: number; orderId?: string } = {}): AuditEntry[] {
    const where = ['seq > ?'];
    const args: unknown[] = [filter.after ?? 0];
    if (filter.orderId !== undefined) {
      where.push('order_id = ?');
      args.push(filter.orderId);
    }
    return this.sql(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
      .all(...args, filter.limit ?? 100) as AuditEntry[];
  }

  /** The audit log's head: how many entries, and the hash of the last (64 zeros when empty). */
  auditHead(): { entries: number; head: string } {
    const last = this.sql('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    return last ? { entries: last.seq, head: last.hash } : { entries: 0, head: AUDIT_GENESIS };
  }

  /**
   * Recomputes the whole chain; `brokenAt` is the first entry whose hash or
   * link does not hold. Each anchor (the audit head that a signed certificate
   * carries) must match the chain at its entry: a log rewritten and re-chained
   * from its first entry still fails at the first anchor after the change, and
   * a log cut short fails at an anchor past its end.
   */
  verifyChain(anchors: ReadonlyArray<{ entries: number; head: string; source: string }> = []): ChainCheck {
    const at = new Map<number, Array<{ head: string; source: string }>>();
    for (const a of anchors) at.set(a.entries, [...(at.get(a.entries) ?? []), a]);
    let prev = AUDIT_GENESIS;
    let n = 0;
    for (const e of this.conn.db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq`).iterate() as IterableIterator<AuditEntry>) {
      n++;
      const { hash, ...rest } = e;
      if (e.prevHash !== prev || auditHash(rest) !== hash || e.seq !== n) return { ok: false, entries: n, brokenAt: e.seq };
      const bad = at.get(n)?.find((a) => a.head !== hash);
      if (bad) return { ok: false, entries: n, brokenAt: n, anchor: bad.source };
      prev = hash;
    }
    const beyond = anchors.find((a) => a.entries > n);
    if (beyond) return { ok: false, entries: n, brokenAt: n + 1, anchor: beyond.source };
    return { ok: true, entries: n };
  }
}
