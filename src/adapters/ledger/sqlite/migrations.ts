// Versioned schema migrations for the ledger. Each entry runs once, in order,
// inside a transaction; PRAGMA user_version records how far a file has come.
// Never edit a released migration: add a new one.
import type Database from 'better-sqlite3';
import { personKey } from '@shredproof/verify';

/** SQL, or a function for a step that SQL alone cannot do. */
type Migration = string | ((db: Database.Database) => void);

const MIGRATIONS: Migration[] = [
  // 1: orders, their history, the inventory with per-object outcomes, certificates
  `
  CREATE TABLE orders (
    num              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    reference        TEXT NOT NULL,
    document         TEXT NOT NULL,          -- RFC 8785 JSON of the order document
    document_sha256  TEXT NOT NULL,
    state            TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    plan_root        TEXT,                   -- inventory commitment (hex)
    plan_count       INTEGER,
    plan_bytes       INTEGER,
    planned_at       TEXT,
    approved_by      TEXT,
    approved_at      TEXT,
    approved_root    TEXT,                   -- the plan_root the approval binds to
    epoch            TEXT,                   -- execution epoch, mirrored in Redis
    dispatched_at    TEXT,                   -- when the epoch's spec and jobs were first published
    cancel_requested_at TEXT,                -- a cancel of an executing order: stop, then certify what was done
    batch_count      INTEGER,
    exec_started_at  TEXT,
    finished_at      TEXT,
    failure          TEXT
  );
  CREATE INDEX orders_state ON orders(state);

  CREATE TABLE order_events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_num   INTEGER NOT NULL REFERENCES orders(num),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    detail      TEXT
  );
  CREATE INDEX order_events_order ON order_events(order_num, seq);

  -- One row per planned object. seq is the plan's listing order, which is
  -- also the leaf order of the certificate. status: 0 pending, 1 destroyed,
  -- 2 exception, 3 retained (legal hold).
  CREATE TABLE inventory (
    order_num    INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    target       TEXT NOT NULL,
    locator      TEXT NOT NULL,
    size         INTEGER NOT NULL,
    salt         TEXT NOT NULL,
    held_by      TEXT,
    batch        INTEGER,
    status       INTEGER NOT NULL DEFAULT 0,
    sha256       TEXT,
    content_size INTEGER,
    destroyed_at TEXT,
    method       TEXT,
    attributes   TEXT,
    exc_code     TEXT,
    exc_reason   TEXT,
    leaf_index   INTEGER,
    uncertain    INTEGER NOT NULL DEFAULT 0, -- pending when Redis lost the run's state
    PRIMARY KEY (order_num, seq)
  ) WITHOUT ROWID;
  CREATE INDEX inventory_locator ON inventory(order_num, target, locator);
  CREATE INDEX inventory_batch ON inventory(order_num, batch) WHERE status = 0;
  CREATE INDEX inventory_uncertain ON inventory(order_num, batch) WHERE uncertain = 1;

  CREATE TABLE certificates (
    order_num      INTEGER PRIMARY KEY REFERENCES orders(num),
    certificate_id TEXT NOT NULL UNIQUE,
    issued_at      TEXT NOT NULL,
    root_hash      TEXT NOT NULL,
    tree_size      INTEGER NOT NULL,
    envelope       TEXT NOT NULL,
    records_path   TEXT NOT NULL
  );
  `,
  // 2: API access: bearer tokens (only their hashes) and the append-only,
  // hash-chained audit log of state changes and write requests.
  `
  CREATE TABLE tokens (
    id             TEXT PRIMARY KEY,          -- public part of the token, 'tok_' + 16 hex
    name           TEXT NOT NULL,             -- the person (or system) it belongs to
    role           TEXT NOT NULL,
    secret_sha256  TEXT NOT NULL,             -- hex SHA-256 of the secret part; the secret itself is never stored
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    expires_at     TEXT,
    revoked_at     TEXT,
    last_used_at   TEXT
  );
  CREATE INDEX tokens_name ON tokens(name);

  CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    token_id   TEXT,
    role       TEXT,
    action     TEXT NOT NULL,
    order_id   TEXT,
    method     TEXT,
    path       TEXT,
    status     INTEGER,
    remote     TEXT,
    user_agent TEXT,
    detail     TEXT,
    prev_hash  TEXT NOT NULL,                -- hash of the entry before (64 zeros for the first)
    hash       TEXT NOT NULL                 -- SHA-256 over prev_hash and this entry's RFC 8785 JSON
  );
  CREATE INDEX audit_log_order ON audit_log(order_id, seq);
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  `,
  // 3: per order, target and status: objects, planned bytes and destroyed bytes,
  // kept exact by triggers in the same transactions that change the inventory,
  // so that progress is a lookup of a few rows instead of a GROUP BY over every
  // object, which blocks the API's event loop for as long as a large order
  // takes to count (figures: bench/RESULTS.md, 'Measurements behind the code').
  `
  CREATE TABLE inventory_counts (
    order_num      INTEGER NOT NULL,
    target         TEXT NOT NULL,
    status         INTEGER NOT NULL,
    n              INTEGER NOT NULL,
    planned_bytes  INTEGER NOT NULL,
    bytes          INTEGER NOT NULL,
    PRIMARY KEY (order_num, target, status)
  ) WITHOUT ROWID;
  INSERT INTO inventory_counts
    SELECT order_num, target, status, COUNT(*), SUM(size), SUM(COALESCE(content_size, 0)) FROM inventory GROUP BY order_num, target, status;
  CREATE TRIGGER inventory_counts_insert AFTER INSERT ON inventory BEGIN
    INSERT INTO inventory_counts VALUES (NEW.order_num, NEW.target, NEW.status, 1, NEW.size, COALESCE(NEW.content_size, 0))
    ON CONFLICT (order_num, target, status) DO UPDATE SET n = n + 1, planned_bytes = planned_bytes + excluded.planned_bytes, bytes = bytes + excluded.bytes;
  END;
  CREATE TRIGGER inventory_counts_delete AFTER DELETE ON inventory BEGIN
    UPDATE inventory_counts SET n = n - 1, planned_bytes = planned_bytes - OLD.size, bytes = bytes - COALESCE(OLD.content_size, 0)
    WHERE order_num = OLD.order_num AND target = OLD.target AND status = OLD.status;
  END;
  CREATE TRIGGER inventory_counts_update AFTER UPDATE OF order_num, target, status, size, content_size ON inventory BEGIN
    UPDATE inventory_counts SET n = n - 1, planned_bytes = planned_bytes - OLD.size, bytes = bytes - COALESCE(OLD.content_size, 0)
    WHERE order_num = OLD.order_num AND target = OLD.target AND status = OLD.status;
    INSERT INTO inventory_counts VALUES (NEW.order_num, NEW.target, NEW.status, 1, NEW.size, COALESCE(NEW.content_size, 0))
    ON CONFLICT (order_num, target, status) DO UPDATE SET n = n + 1, planned_bytes = planned_bytes + excluded.planned_bytes, bytes = bytes + excluded.bytes;
  END;
  `,
  // 4: per order, the identity of each store its plan listed (a filesystem
  // root's device and inode), as JSON { target: binding }; workers refuse a
  // store that is not that one (issue 11). IF NOT EXISTS: re-running it is harmless.
  `
  CREATE TABLE IF NOT EXISTS plan_bindings (
    order_num  INTEGER PRIMARY KEY REFERENCES orders(num),
    bindings   TEXT NOT NULL
  );
  `,
  // 5: the certificate keys and when each may sign, for the trust root
  // (docs/FORMAT.md section 5.7; src/app/ports/signing-keys.ts). Rows change, never go.
  `
  CREATE TABLE IF NOT EXISTS signing_keys (
    keyid              TEXT PRIMARY KEY,
    public_key_pem     TEXT NOT NULL,
    valid_from         TEXT NOT NULL,
    valid_until        TEXT,
    revoked_at         TEXT,
    revocation_reason  TEXT
  );
  `,
  // 6: people, their personal keys and signed approvals (issue 15; src/app/ports/people.ts,
  // docs/FORMAT.md section 5.9). Everyone who held a token becomes a person with the roles of
  // their tokens (no key yet: they cannot approve until they register one), and approvals
  // must be signed from now on.
  (db) => {
    db.exec(`
    CREATE TABLE people (
      num          INTEGER PRIMARY KEY,
      name         TEXT NOT NULL,
      person_key   TEXT NOT NULL,              -- personKey(name): one person, one spelling
      roles        TEXT NOT NULL,              -- comma-separated
      created_at   TEXT NOT NULL,
      created_by   TEXT NOT NULL,
      removed_at   TEXT,
      removed_by   TEXT
    );
    CREATE UNIQUE INDEX people_current ON people(person_key) WHERE removed_at IS NULL;
    CREATE TABLE person_keys (
      keyid              TEXT PRIMARY KEY,
      person             TEXT NOT NULL,
      public_key_pem     TEXT NOT NULL,
      signs              TEXT NOT NULL,      -- comma-separated: approver, performer
      valid_from         TEXT NOT NULL,
      valid_until        TEXT,
      revoked_at         TEXT,
      revocation_reason  TEXT
    );
    CREATE TABLE ledger_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    ALTER TABLE orders ADD COLUMN approvals TEXT;  -- JSON: the signed approvals (section 5.9)
    `);
    const tokens = db.prepare('SELECT name, role, created_at AS createdAt FROM tokens ORDER BY created_at, id').all() as Array<{ name: string; role: string; createdAt: string }>;
    const byKey = new Map<string, { name: string; roles: Set<string>; createdAt: string }>();
    for (const t of tokens) {
      const key = personKey(t.name);
      const p = byKey.get(key) ?? { name: t.name, roles: new Set<string>(), createdAt: t.createdAt };
      p.roles.add(t.role);
      byKey.set(key, p);
    }
    const insert = db.prepare("INSERT INTO people (name, person_key, roles, created_at, created_by) VALUES (?,?,?,?,'ledger migration 6')");
    for (const [key, p] of byKey) insert.run(p.name, key, [...p.roles].sort().join(','), p.createdAt);
    db.prepare("INSERT INTO ledger_settings (name, value) VALUES ('approvals_required_from', ?)").run(new Date().toISOString());
  },
  // 7: the lineage registry (issue 16; src/app/ports/artifacts.ts). Rows are added, never changed.
  `
  CREATE TABLE artifacts (
    num            INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    description    TEXT NOT NULL,
    location       TEXT NOT NULL,            -- JSON
    inputs         TEXT NOT NULL,            -- JSON array
    registered_at  TEXT NOT NULL,
    registered_by  TEXT NOT NULL,
    manifest_size  INTEGER,                  -- the declared manifest's tree, when an input is one
    manifest_root  TEXT,
    manifest_at    TEXT                      -- when its lines were uploaded and matched
  );
  CREATE TABLE artifact_manifest (
    artifact_num  INTEGER NOT NULL REFERENCES artifacts(num),
    idx           INTEGER NOT NULL,
    backend       TEXT NOT NULL,
    locator       TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    PRIMARY KEY (artifact_num, idx)
  );
  CREATE INDEX artifact_manifest_object ON artifact_manifest(backend, locator);
  `,
  // 8: the derived artifacts an order's plan reached (src/app/plan-targets.ts), kept with the plan.
  `
  ALTER TABLE orders ADD COLUMN derived TEXT;
  `,
  // 9: vendors and the trust roots they are pinned to (src/app/vendor-certificates.ts).
  `
  CREATE TABLE vendors (
    name          TEXT PRIMARY KEY,
    trust_json    TEXT NOT NULL,             -- the vendor's trust.json, exactly as given
    trust_sha256  TEXT NOT NULL,
    added_at      TEXT NOT NULL,
    added_by      TEXT NOT NULL
  );
  `,
  // 10: the transparency log (issue 17; src/app/transparency-log.ts, docs/FORMAT.md section 12).
  // Entries and tree nodes are appended, never changed; a checkpoint is signed once per size.
  `
  CREATE TABLE log_entries (
    idx        INTEGER PRIMARY KEY,          -- the leaf index, from 0
    type       TEXT NOT NULL,                -- the event's type (section 12.1)
    ref        TEXT,                         -- a certificate's id, for its receipt
    entry      BLOB NOT NULL,                -- the leaf input, exactly
    logged_at  TEXT NOT NULL
  );
  CREATE INDEX log_entries_ref ON log_entries(ref) WHERE ref IS NOT NULL;
  -- Every perfect subtree: MTH(D[idx * 2^level, (idx + 1) * 2^level)). Proofs and tiles read these, nothing is recomputed.
  CREATE TABLE log_nodes (
    level  INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    hash   BLOB NOT NULL,
    PRIMARY KEY (level, idx)
  ) WITHOUT ROWID;
  CREATE TABLE log_checkpoints (
    size       INTEGER PRIMARY KEY,
    root       BLOB NOT NULL,
    note       TEXT NOT NULL,                -- the signed note as the log signed it
    signed_at  TEXT NOT NULL
  );
  CREATE TABLE log_cosignatures (
    size       INTEGER NOT NULL REFERENCES log_checkpoints(size),
    witness    TEXT NOT NULL,                -- the witness's verifier key
    line       TEXT NOT NULL,                -- its signature line, ending in a newline
    time       INTEGER NOT NULL,             -- the time it signed (POSIX seconds)
    added_at   TEXT NOT NULL,
    PRIMARY KEY (size, witness)
  );
  CREATE TABLE log_witnesses (
    vkey       TEXT PRIMARY KEY,             -- type 0x04 verifier key (section 12.4)
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL
  );
  `,
];

export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`ledger schema version ${current} is newer than this shredproof (${MIGRATIONS.length}); upgrade shredproof`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    // IMMEDIATE, and re-read inside: another process opening the same file may have just applied this step.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) > v) return;
      const step = MIGRATIONS[v]!;
      if (typeof step === 'string') db.exec(step);
      else step(db);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return MIGRATIONS.length;
}
