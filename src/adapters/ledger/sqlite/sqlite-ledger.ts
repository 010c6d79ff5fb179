// The ledger in one SQLite file (better-sqlite3, WAL): one store per concern
// (orders, inventory and batches, results, certificates, access) on one shared
// connection, so that a transaction spans them. Only the coordinator (and
// `shredproof token`) opens it. SqliteLedger is the Ledger port that the
// composition roots wire: each of its methods is its store's.
import type { Ledger } from '../../../app/ports/ledger.js';
import type { InventoryStore } from '../../../app/ports/inventory.js';
import type { OrderStore } from '../../../app/ports/orders.js';
import type { ResultStore } from '../../../app/ports/results.js';
import type { CertificateStore } from '../../../app/ports/certificates.js';
import { SqliteAccessStore } from './access-store.js';
import { SqliteArtifactStore } from './artifact-store.js';
import { SqliteCertificateStore } from './certificate-store.js';
import { LedgerConnection } from './connection.js';
import { SqliteInventoryStore } from './inventory-store.js';
import { SqliteLogStore } from './log-store.js';
import { SqliteOrderStore } from './order-store.js';
import { SqlitePeopleStore } from './people-store.js';
import { SqliteResultStore } from './result-store.js';
import { SqliteSigningKeyStore } from './signing-key-store.js';

export type { DestroyedRow } from '../../../app/ports/results.js';

export class SqliteLedger implements Ledger {
  private readonly conn: LedgerConnection;
  /** Tokens and the audit log, in the same file and transactions. */
  readonly access: SqliteAccessStore;
  readonly orders: SqliteOrderStore;
  readonly inventory: SqliteInventoryStore;
  readonly results: SqliteResultStore;
  readonly certificates: SqliteCertificateStore;
  /** The certificate keys and their validity, for the trust root. */
  readonly keys: SqliteSigningKeyStore;
  /** People and their personal keys, for tokens, the two-person rule and the trust root's approval keys. */
  readonly people: SqlitePeopleStore;
  /** The lineage registry: artifacts derived from the data, and what from. */
  readonly artifacts: SqliteArtifactStore;
  /** The transparency log of certificates and keys. */
  readonly tlog: SqliteLogStore;

  constructor(path: string) {
    this.conn = new LedgerConnection(path);
    this.access = new SqliteAccessStore(this.conn);
    this.orders = new SqliteOrderStore(this.conn, this.access);
    this.inventory = new SqliteInventoryStore(this.conn);
    this.results = new SqliteResultStore(this.conn);
    this.certificates = new SqliteCertificateStore(this.conn);
    this.keys = new SqliteSigningKeyStore(this.conn);
    this.people = new SqlitePeopleStore(this.conn);
    this.artifacts = new SqliteArtifactStore(this.conn);
    this.tlog = new SqliteLogStore(this.conn);
  }

  close(): void {
    this.conn.close();
  }

  /** Runs `f` in one transaction (BEGIN IMMEDIATE), across every store. */
  atomically<T>(f: () => T): T {
    return this.conn.atomically(f);
  }

  // Orders and their history.
  createOrder: OrderStore['createOrder'] = (...a) => this.orders.createOrder(...a);
  getOrder: OrderStore['getOrder'] = (...a) => this.orders.getOrder(...a);
  listOrders: OrderStore['listOrders'] = (...a) => this.orders.listOrders(...a);
  transition: OrderStore['transition'] = (...a) => this.orders.transition(...a);
  patch: OrderStore['patch'] = (...a) => this.orders.patch(...a);
  events: OrderStore['events'] = (...a) => this.orders.events(...a);
  orderCounts: OrderStore['orderCounts'] = (...a) => this.orders.orderCounts(...a);

  // The inventory and its batches.
  clearInventory: InventoryStore['clearInventory'] = (...a) => this.inventory.clearInventory(...a);
  appendInventory: InventoryStore['appendInventory'] = (...a) => this.inventory.appendInventory(...a);
  setPlanBindings: InventoryStore['setPlanBindings'] = (...a) => this.inventory.setPlanBindings(...a);
  planBindings: InventoryStore['planBindings'] = (...a) => this.inventory.planBindings(...a);
  planSummary: InventoryStore['planSummary'] = (...a) => this.inventory.planSummary(...a);
  inventoryPage: InventoryStore['inventoryPage'] = (...a) => this.inventory.inventoryPage(...a);
  inventoryInOrder: InventoryStore['inventoryInOrder'] = (...a) => this.inventory.inventoryInOrder(...a);
  assignBatches: InventoryStore['assignBatches'] = (...a) => this.inventory.assignBatches(...a);
  plannedBatchCount: InventoryStore['plannedBatchCount'] = (...a) => this.inventory.plannedBatchCount(...a);
  retainTarget: InventoryStore['retainTarget'] = (...a) => this.inventory.retainTarget(...a);
  pendingCount: InventoryStore['pendingCount'] = (...a) => this.inventory.pendingCount(...a);
  pendingBatches: InventoryStore['pendingBatches'] = (...a) => this.inventory.pendingBatches(...a);
  batchItems: InventoryStore['batchItems'] = (...a) => this.inventory.batchItems(...a);
  pendingInBatches: InventoryStore['pendingInBatches'] = (...a) => this.inventory.pendingInBatches(...a);
  uncertainInBatch: InventoryStore['uncertainInBatch'] = (...a) => this.inventory.uncertainInBatch(...a);
  markPendingUncertain: InventoryStore['markPendingUncertain'] = (...a) => this.inventory.markPendingUncertain(...a);

  // Results and progress.
  applyResults: ResultStore['applyResults'] = (...a) => this.results.applyResults(...a);
  progress: ResultStore['progress'] = (...a) => this.results.progress(...a);
  findByLocator: ResultStore['findByLocator'] = (...a) => this.results.findByLocator(...a);
  revokeDestroyed: ResultStore['revokeDestroyed'] = (...a) => this.results.revokeDestroyed(...a);
  destroyedPages: ResultStore['destroyedPages'] = (...a) => this.results.destroyedPages(...a);
  exceptions: ResultStore['exceptions'] = (...a) => this.results.exceptions(...a);
  retained: ResultStore['retained'] = (...a) => this.results.retained(...a);

  // Certificates.
  saveCertificate: CertificateStore['saveCertificate'] = (...a) => this.certificates.saveCertificate(...a);
  certificate: CertificateStore['certificate'] = (...a) => this.certificates.certificate(...a);
  certificateEnvelopes: CertificateStore['certificateEnvelopes'] = () => this.certificates.certificateEnvelopes();
}
