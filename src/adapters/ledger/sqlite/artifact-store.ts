// The lineage registry (src/app/ports/artifacts.ts) in the ledger.
import type { ArtifactRow, ArtifactStore, ManifestEntry, VendorRow } from '../../../app/ports/artifacts.js';
import type { LedgerConnection } from './connection.js';

interface RawArtifact {
  num: number;
  name: string;
  kind: string;
  description: string;
  location: string;
  inputs: string;
  registeredAt: string;
  registeredBy: string;
  manifestSize: number | null;
  manifestRoot: string | null;
  manifestAt: string | null;
}

const VENDOR_COLUMNS = 'name, trust_json AS trustJson, trust_sha256 AS trustSha256, added_at AS addedAt, added_by AS addedBy';
const COLUMNS = `num, name, kind, description, location, inputs, registered_at AS registeredAt, registered_by AS registeredBy,
                 manifest_size AS manifestSize, manifest_root AS manifestRoot, manifest_at AS manifestAt`;

function toArtifact(r: RawArtifact): ArtifactRow {
  return {
    name: r.name,
    kind: r.kind as ArtifactRow['kind'],
    description: r.description,
    location: JSON.parse(r.location) as ArtifactRow['location'],
    inputs: JSON.parse(r.inputs) as ArtifactRow['inputs'],
    registeredAt: r.registeredAt,
    registeredBy: r.registeredBy,
    manifest: r.manifestRoot === null ? null : { treeSize: r.manifestSize!, rootHash: r.manifestRoot, uploadedAt: r.manifestAt },
  };
}

export class SqliteArtifactStore implements ArtifactStore {
  constructor(private readonly conn: LedgerConnection) {}

  vendors(): VendorRow[] {
    return this.conn.sql(`SELECT ${VENDOR_COLUMNS} FROM vendors ORDER BY added_at, name`).all() as VendorRow[];
  }

  vendor(name: string): VendorRow | undefined {
    return this.conn.sql(`SELECT ${VENDOR_COLUMNS} FROM vendors WHERE name = ?`).get(name) as VendorRow | undefined;
  }

  addVendor(row: VendorRow): VendorRow {
    this.conn.sql('INSERT INTO vendors (name, trust_json, trust_sha256, added_at, added_by) VALUES (?,?,?,?,?)').run(row.name, row.trustJson, row.trustSha256, row.addedAt, row.addedBy);
    return this.vendor(row.name)!;
  }

  artifacts(): ArtifactRow[] {
    return (this.conn.sql(`SELECT ${COLUMNS} FROM artifacts ORDER BY num`).all() as RawArtifact[]).map(toArtifact);
  }

  artifact(name: string): ArtifactRow | undefined {
    const r = this.conn.sql(`SELECT ${COLUMNS} FROM artifacts WHERE name = ?`).get(name) as RawArtifact | undefined;
    return r && toArtifact(r);
  }

  addArtifact(row: Omit<ArtifactRow, 'manifest'>): ArtifactRow {
    const manifest = row.inputs.find((i): i is Extract<ArtifactRow['inputs'][number], { manifest: unknown }> => 'manifest' in i)?.manifest;
    this.conn
      .sql('INSERT INTO artifacts (name, kind, description, location, inputs, registered_at, registered_by, manifest_size, manifest_root) VALUES (?,?,?,?,?,?,?,?,?)')
      .run(row.name, row.kind, row.description, JSON.stringify(row.location), JSON.stringify(row.inputs), row.registeredAt, row.registeredBy, manifest?.treeSize ?? null, manifest?.rootHash ?? null);
    return this.artifact(row.name)!;
  }

  storeManifest(name: string, entries: readonly ManifestEntry[], at: string): void {
    this.conn.atomically(() => {
      const { num } = this.conn.sql('SELECT num FROM artifacts WHERE name = ?').get(name) as { num: number };
      this.conn.sql('DELETE FROM artifact_manifest WHERE artifact_num = ?').run(num);
      const insert = this.conn.sql('INSERT INTO artifact_manifest (artifact_num, idx, backend, locator, sha256) VALUES (?,?,?,?,?)');
      entries.forEach((e, i) => insert.run(num, i, e.backend, e.locator, e.sha256));
      this.conn.sql('UPDATE artifacts SET manifest_at = ? WHERE num = ?').run(at, num);
    });
  }

  manifestEntries(name: string, opts: { after?: number; limit?: number } = {}): Array<ManifestEntry & { index: number }> {
    return this.conn
      .sql(
        `SELECT m.idx AS "index", m.backend, m.locator, m.sha256 FROM artifact_manifest m JOIN artifacts a ON a.num = m.artifact_num
         WHERE a.name = ? AND m.idx > ? ORDER BY m.idx LIMIT ?`,
      )
      .all(name, opts.after ?? -1, opts.limit ?? 1000) as Array<ManifestEntry & { index: number }>;
  }

  artifactsNaming(backend: string, locator: string): string[] {
    return (
      this.conn
        .sql('SELECT DISTINCT a.name FROM artifact_manifest m JOIN artifacts a ON a.num = m.artifact_num WHERE m.backend = ? AND m.locator = ? AND a.manifest_at IS NOT NULL ORDER BY a.num')
        .all(backend, locator) as Array<{ name: string }>
    ).map((r) => r.name);
  }
}
