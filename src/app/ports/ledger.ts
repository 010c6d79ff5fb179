// The ledger: the durable record of orders, their inventory, the results and
// the certificates, behind one port per concern. A use case that needs several
// (most do) takes the whole Ledger; the composition root wires one adapter
// (src/adapters/ledger/sqlite) that keeps them all in one database, so that
// `atomically` spans them.
import type { AccessStore } from './access.js';
import type { ArtifactStore } from './artifacts.js';
import type { CertificateStore } from './certificates.js';
import type { InventoryStore } from './inventory.js';
import type { OrderStore } from './orders.js';
import type { PeopleStore } from './people.js';
import type { ResultStore } from './results.js';
import type { SigningKeyStore } from './signing-keys.js';
import type { LogStore } from './transparency-log.js';

export interface LedgerTransactions {
  /** Runs `f` in one transaction (for use cases that must change several things at once). */
  atomically<T>(f: () => T): T;
}

export interface Ledger extends OrderStore, InventoryStore, ResultStore, CertificateStore, LedgerTransactions {
  /** Tokens and the audit log, in the same transactions. */
  readonly access: AccessStore;
  /** The certificate keys and when each may sign (the trust root's source). */
  readonly keys: SigningKeyStore;
  /** People and their personal keys (src/app/ports/people.ts). */
  readonly people: PeopleStore;
  /** The lineage registry (src/app/ports/artifacts.ts). */
  readonly artifacts: ArtifactStore;
  /** The transparency log (src/app/ports/transparency-log.ts). */
  readonly tlog: LogStore;
}

// The ledger's types, for callers that import them from here.
export { ORDER_STATES, NO_PLAN, type OrderEvent, type OrderFilter, type OrderRow, type OrderState, type OrderStore } from './orders.js';
export { ITEM_STATUS, type InventoryEntry, type InventoryStore, type ItemStatus } from './inventory.js';
export type { Counts, DestroyedRow, ItemResult, ProgressCounts, ResultStore } from './results.js';
export type { CertificateRow, CertificateStore } from './certificates.js';
export type { AccessStore, AuditLog, TokenStore } from './access.js';
export type { SigningKeyRow, SigningKeyStore } from './signing-keys.js';
export type { PeopleStore, PersonKeyRow, PersonRow } from './people.js';
