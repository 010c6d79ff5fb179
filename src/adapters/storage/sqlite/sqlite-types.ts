// SQLite column affinity -> column kinds, and stored values -> canonical JSON
// (docs/backends/sql.md, "SQLite"). SQLite types values, not columns: the
// canonical value follows the storage class of each value as better-sqlite3
// returns it with safe integers on (INTEGER -> bigint, REAL -> number,
// TEXT -> string, BLOB -> Buffer, NULL -> null); the declared type only
// decides which filters a column accepts.

import type { JsonValue } from '@shredproof/verify';
import type { ColumnKind } from '../sql/dialect.js';

/** Column kind of a declared type, by SQLite's affinity rules (section 3.1 of "Datatypes In SQLite"), refined for filters. */
export function kindOfDeclaredType(declared: string): ColumnKind {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t.includes('BLOB')) return 'bytes';
  if (t === '') return 'other'; // no affinity: any storage class, no filters
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'float';
  // NUMERIC affinity: refined by name
  if (t.includes('DATETIME') || t.includes('TIMESTAMP')) return 'timestamp';
  if (t.includes('DATE')) return 'date';
  if (t.includes('BOOL')) return 'integer';
  return 'numeric';
}

/** The canonical JSON value of one stored value, by its storage class. */
export function sqliteToJson(raw: unknown): JsonValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'bigint') {
    // INTEGER: a number when exactly representable as one, else a decimal string
    const n = Number(raw);
    return Number.isSafeInteger(n) ? n : raw.toString();
  }
  if (typeof raw === 'number') {
    // REAL (NaN is stored as NULL by SQLite; infinities are possible)
    if (Number.isFinite(raw)) return raw;
    return raw > 0 ? 'Infinity' : '-Infinity';
  }
  if (typeof raw === 'string') return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  throw new TypeError(`unexpected SQLite value of type ${typeof raw}`);
}
