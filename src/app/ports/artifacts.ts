// The lineage registry (issue 16; docs/ORDERS.md "Derived artifacts"): what
// was derived from the data an order may destroy (models, checkpoints,
// embeddings, indexes, feature tables, caches, exports, vendor copies), where
// each lives, and what it was derived from. Rows are added, never changed:
// an artifact is a fact ("M at L was produced from I"), and a retrained model
// is a new artifact.

export const ARTIFACT_KINDS = ['model', 'checkpoint', 'embeddings', 'vector-index', 'feature-table', 'cache', 'export', 'vendor-copy'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

/** Where an artifact lives: in a configured backend and a scope (as an order target), or at a vendor. */
export type ArtifactLocation = { backend: string; scope: Record<string, unknown> } | { vendor: string; description: string };

/**
 * What an artifact was derived from: data in a backend's scope, another
 * artifact, or a manifest: the RFC 6962 tree over the lines of its inputs
 * (docs/ORDERS.md), uploaded after the artifact.
 */
export type ArtifactInput =
  | { scope: { backend: string; scope: Record<string, unknown> } }
  | { artifact: string }
  | { manifest: { treeSize: number; rootHash: string } };

export interface ArtifactRow {
  name: string;
  kind: ArtifactKind;
  description: string;
  location: ArtifactLocation;
  inputs: ArtifactInput[];
  registeredAt: string;
  registeredBy: string;
  /** With a manifest input: whether its lines were uploaded (and matched the declared tree). */
  manifest: { treeSize: number; rootHash: string; uploadedAt: string | null } | null;
}

/** One input of a manifest: an object of a backend, and the SHA-256 of its content. */
export interface ManifestEntry {
  backend: string;
  locator: string;
  sha256: string;
}

/** A vendor who holds copies of the data, pinned to its own trust root (its certificates are verified against it). */
export interface VendorRow {
  name: string;
  /** The vendor's trust.json, exactly as given; its SHA-256 is the pin. */
  trustJson: string;
  trustSha256: string;
  addedAt: string;
  addedBy: string;
}

export interface ArtifactStore {
  vendors(): VendorRow[];
  vendor(name: string): VendorRow | undefined;
  addVendor(row: VendorRow): VendorRow;
  /** Every artifact, in order of registration. */
  artifacts(): ArtifactRow[];
  artifact(name: string): ArtifactRow | undefined;
  addArtifact(row: Omit<ArtifactRow, 'manifest'>): ArtifactRow;
  /** Stores the manifest's lines and marks it uploaded, in one transaction. */
  storeManifest(name: string, entries: readonly ManifestEntry[], at: string): void;
  /** The manifest's lines in order, a page at a time (`after`: the index of the last line seen). */
  manifestEntries(name: string, opts?: { after?: number; limit?: number }): Array<ManifestEntry & { index: number }>;
  /** The artifacts whose uploaded manifest names this object. */
  artifactsNaming(backend: string, locator: string): string[];
}
