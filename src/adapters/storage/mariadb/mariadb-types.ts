// MariaDB column types -> column kinds, bind placeholders and canonical JSON
// values (docs/backends/sql.md, "MariaDB/MySQL"). Values arrive from the
// executor's typeCast (mariadb-executor.ts) as the server's own text forms
// (numbers, dates) or as raw bytes (every string and binary type), so nothing
// is rounded or re-encoded on the way and the mapping below is the whole story.

import type { JsonValue } from '@shredproof/verify';
import type { ColumnInfo, ColumnKind } from '../sql/dialect.js';

/** A column as the MariaDB catalog describes it (extra facts the placeholders need). */
export interface MariaColumn extends ColumnInfo {
  /** information_schema.COLUMNS.DATA_TYPE, lowercase ('int', 'varchar', 'longtext', ...). */
  dataType: string;
  unsigned: boolean;
  /** Character set and collation of string columns (null for the others). */
  charset: string | null;
  collation: string | null;
  precision: number | null;
  scale: number | null;
}

const SAFE_NAME = /^[A-Za-z0-9_]+$/;

export function isMariaColumn(c: ColumnInfo): c is MariaColumn {
  return typeof (c as Partial<MariaColumn>).dataType === 'string';
}

const TEXT_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum']);
const BYTES_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit']);

/** Column kind of a MariaDB type; `json` when a longtext carries MariaDB's own json_valid() column check. */
export function kindOfMariaType(dataType: string, unsigned: boolean, isJson: boolean): ColumnKind {
  switch (dataType) {
    case 'tinyint':
      return 'int16';
    case 'smallint':
      return unsigned ? 'int32' : 'int16';
    case 'mediumint':
      return 'int32';
    case 'int':
      return unsigned ? 'int64' : 'int32';
    case 'bigint':
      // bigint unsigned goes up to 2^64-1, past int64: a decimal string like numeric
      return unsigned ? 'numeric' : 'int64';
    case 'decimal':
      return 'numeric';
    case 'float':
    case 'double':
      return 'float';
    case 'date':
      return 'date';
    case 'datetime':
      return 'timestamp';
    case 'timestamp':
      return 'timestamptz';
    case 'uuid':
      return 'uuid';
    default:
      if (isJson) return 'json';
      if (TEXT_TYPES.has(dataType)) return 'text';
      if (BYTES_TYPES.has(dataType)) return 'bytes';
      return 'other';
  }
}

/** Exact integer range of a MariaDB integer type, for filter values. */
export function intRange(c: MariaColumn): [bigint, bigint] | undefined {
  const bits: Record<string, number> = { tinyint: 8, smallint: 16, mediumint: 24, int: 32, bigint: 64 };
  const b = bits[c.dataType];
  if (b === undefined) return undefined;
  const n = BigInt(b);
  return c.unsigned ? [0n, (1n << n) - 1n] : [-(1n << (n - 1n)), (1n << (n - 1n)) - 1n];
}

/**
 * The placeholder for a key value (locators, keyset pagination, DELETE): typed
 * by an explicit CAST (a string compared with a number column would be compared
 * as a double), strings in the column's own character set and collation, so
 * that key equality and ordering are the column's own (those of its index and
 * of ORDER BY).
 */
export function keyParam(c: ColumnInfo): string {
  if (!isMariaColumn(c)) return '?';
  switch (c.dataType) {
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'bigint':
      return c.unsigned ? 'CAST(? AS UNSIGNED)' : 'CAST(? AS SIGNED)';
    case 'decimal': {
      const p = Number(c.precision ?? 65);
      const s = Number(c.scale ?? 0);
      return `CAST(? AS DECIMAL(${Math.trunc(p)},${Math.trunc(s)}))`;
    }
    case 'float':
      return 'CAST(? AS FLOAT)';
    case 'double':
      return 'CAST(? AS DOUBLE)';
    case 'date':
      return 'CAST(? AS DATE)';
    case 'datetime':
    case 'timestamp':
      return 'CAST(? AS DATETIME(6))';
    case 'uuid':
      return 'CAST(? AS UUID)';
    default:
      if (c.kind === 'text' && c.charset && c.collation && SAFE_NAME.test(c.charset) && SAFE_NAME.test(c.collation)) {
        return `CONVERT(? USING ${c.charset}) COLLATE ${c.collation}`;
      }
      return '?';
  }
}

/**
 * The placeholder for a value of an order's condition: strings compare by code
 * point, case-, accent- and trailing-space-sensitively (utf8mb4_nopad_bin, the
 * column converted to utf8mb4), never by the column's collation ('EU' must not
 * match 'eu'); other types as keys.
 */
export function filterParam(c: ColumnInfo): string {
  if (c.kind === 'text') return 'CONVERT(? USING utf8mb4) COLLATE utf8mb4_nopad_bin';
  return keyParam(c);
}

const DATETIME = /^([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]+))?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(raw: unknown): string {
  return Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' -> 'YYYY-MM-DDTHH:MM:SS[.f]' with trailing fractional zeros dropped (as PostgreSQL writes them). */
function isoDateTime(t: string): string | undefined {
  const m = DATETIME.exec(t);
  if (!m) return undefined;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1]}T${m[2]}${frac ? `.${frac}` : ''}`;
}

/** The canonical JSON value of one raw MariaDB value (null for SQL NULL). */
export function mariaToJson(column: ColumnInfo, raw: unknown): JsonValue {
  if (raw === null || raw === undefined) return null;
  switch (column.kind) {
    case 'int16':
    case 'int32':
      return Number(text(raw));
    case 'int64':
    case 'numeric':
      return text(raw); // decimal string as MariaDB writes it (decimal keeps its scale: "1.50")
    case 'float':
      return Number(text(raw)); // shortest round-trip text (float: of the 32-bit value) -> the double nearest it
    case 'text':
      return text(raw);
    case 'bytes':
      return (Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw), 'utf8')).toString('base64');
    case 'date':
      return text(raw);
    case 'timestamp': {
      const t = text(raw);
      return isoDateTime(t) ?? t;
    }
    case 'timestamptz': {
      // the session's time_zone is '+00:00': the server wrote it in UTC
      const t = text(raw);
      const iso = isoDateTime(t);
      return iso ? `${iso}Z` : t;
    }
    case 'json': {
      const t = text(raw);
      try {
        return JSON.parse(t) as JsonValue;
      } catch {
        return t; // json_valid() accepted what JSON.parse does not: the text itself, as a string
      }
    }
    case 'uuid':
      return text(raw).toLowerCase();
    default: {
      if (!Buffer.isBuffer(raw)) return String(raw);
      try {
        return utf8.decode(raw); // the server's text form (time, year, set, inet6, ...)
      } catch {
        return raw.toString('base64'); // binary-only forms (geometry)
      }
    }
  }
}

/** The shortest decimal text that reads back as the same 32-bit float (what MariaDB prints for a FLOAT). */
export function shortestFloat32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

const DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([-+]?[0-9]+))?$/;

/** True when the decimal text is exactly representable in DECIMAL(p, s) (no rounding, no overflow). */
export function decimalFits(value: string, precision: number, scale: number): boolean {
  const m = DECIMAL.exec(value);
  if (!m) return false;
  const exp = Number(m[4] ?? '0');
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 1000) return false;
  let digits = `${m[2]}${m[3] ?? ''}`;
  let point = m[2]!.length + exp; // position of the decimal point within digits
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  const intPart = digits.slice(0, point).replace(/^0+/, '');
  const fracPart = digits.slice(point).replace(/0+$/, '');
  return intPart.length <= precision - scale && fracPart.length <= scale;
}
