// API access: bearer tokens (src/app/tokens.ts) and the audit log. What the
// use cases and the API ask of the ledger about who may do what, and what
// was done. The audit log is append-only and hash-chained; state changes of
// orders reach it in the transaction that makes them.

export const ROLES = ['operator', 'approver', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenRow {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface AuditInput {
  at: string;
  actor: string;
  action: string;
  tokenId?: string | null;
  role?: string | null;
  orderId?: string | null;
  method?: string | null;
  path?: string | null;
  status?: number | null;
  remote?: string | null;
  userAgent?: string | null;
  detail?: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  tokenId: string | null;
  role: string | null;
  orderId: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  remote: string | null;
  userAgent: string | null;
  detail: string | null;
  prevHash: string;
  hash: string;
}

/** The result of checking the audit log's chain against the heads that signed documents carry. */
export interface ChainCheck {
  ok: boolean;
  entries: number;
  /** The first entry whose hash or link does not hold. */
  brokenAt?: number;
  /** The anchor (a certificate, a checkpoint) that the chain contradicts. */
  anchor?: string;
}

export interface TokenStore {
  createToken(t: TokenRow & { secretSha256: string }): TokenRow;
  token(id: string): TokenRow | undefined;
  /** The stored secret hash, for the constant-time comparison in src/app/tokens.ts. */
  secretHash(id: string): string | undefined;
  listTokens(): TokenRow[];
  /** Returns false if there is no such token or it was already revoked. */
  revokeToken(id: string, at: string): boolean;
  touchToken(id: string, at: string): void;
}

export interface AuditLog {
  /** Appends one entry; inside the caller's transaction when there is one. */
  appendAudit(input: AuditInput): AuditEntry;
  audit(filter?: { after?: number; limit?: number; orderId?: string }): AuditEntry[];
  /** The audit log's head: how many entries, and the hash of the last (64 zeros when empty). */
  auditHead(): { entries: number; head: string };
  /**
   * Recomputes the whole chain. Each anchor (an audit head that a signed
   * document carries) must match the chain at its entry.
   */
  verifyChain(anchors?: ReadonlyArray<{ entries: number; head: string; source: string }>): ChainCheck;
}

/** Tokens and the audit log, kept together: a token's use and its audit entry share a transaction. */
export interface AccessStore extends TokenStore, AuditLog {}
