// The contract between the StorageBackend conformance suite (suite.ts) and
// each backend's test fixture. A fixture owns a real, isolated store (a temp
// dir, a fresh bucket on s3rver, a fresh PostgreSQL schema, a fresh Redis key
// prefix) and can put objects into it and look at them behind the backend's
// back, so the suite can check every claim against the store itself.
import type { HoldSpec, StorageBackend } from '../../../../src/app/ports/storage-backend.js';

export interface SeededObject {
  /** The locator the backend will list for this object. */
  locator: string;
  /** SHA-256 (hex) of the object's content in the backend's documented byte form, computed by the fixture itself. */
  sha256: string;
  /** Its size in that byte form. */
  size: number;
}

/** What the suite asks a fixture to create. Names are abstract; the fixture maps them to its store. */
export interface ObjectSpec {
  /** Abstract name, e.g. 'in/a1', 'held/h1', 'out/o1': 'in/' objects are in scope, 'out/' are not, 'held/' are in scope and held. */
  name: string;
  /** Content seed: the fixture derives deterministic content from it (bytes, a row, a Redis value). */
  seed: number;
}

export interface BackendFixture {
  /** The backend under test, configured against this fixture's store. */
  backend: StorageBackend;
  /** A valid scope covering exactly the 'in/' and 'held/' names. */
  scope: unknown;
  /** A hold (for openTarget) covering exactly the 'held/' names. */
  hold: HoldSpec;
  /** Scopes that must be rejected at openTarget with a ValidationError (each with a label for the test name). */
  badScopes: Array<{ label: string; scope: unknown }>;
  /** Creates the objects and returns what the backend should list for each (same order as given). */
  seed(objects: readonly ObjectSpec[]): Promise<SeededObject[]>;
  /** True if the object is still in the store (checked directly, not through the backend). */
  exists(locator: string): Promise<boolean>;
  /** Changes the object's content in place (same locator, different content). */
  mutate(locator: string): Promise<void>;
  /** Removes the object behind the backend's back. */
  remove(locator: string): Promise<void>;
  /**
   * Optional: makes the next `n` store operations fail transiently (connection
   * reset, timeout), if the fixture can do that with the real store (e.g. by
   * pausing a proxy). Fixtures that cannot say so in `transientFaultNote`.
   */
  failNext?(n: number): Promise<void>;
  transientFaultNote?: string;
  /** Removes everything the fixture created and closes connections. */
  close(): Promise<void>;
}

export type FixtureFactory = () => Promise<BackendFixture>;
