// PostgreSQL text output -> canonical JSON values (docs/backends/sql.md).
// Every value is read in PostgreSQL's text form (all type parsers off) with
// the session settings of postgres-executor.ts (TimeZone UTC, DateStyle ISO,
// bytea_output hex, extra_float_digits 1), so that nothing is rounded on the
// way and the mapping below is the whole story.

import type { JsonValue } from '@shredproof/verify';
import type { ColumnInfo, ColumnKind } from '../sql/dialect.js';

/** Column kind of a PostgreSQL base type name (pg_type.typname, domains resolved to their base). */
export function kindOfPgType(typname: string, category: string): ColumnKind {
  if (category === 'A') return 'array';
  switch (typname) {
    case 'int2':
      return 'int16';
    case 'int4':
      return 'int32';
    case 'int8':
      return 'int64';
    case 'numeric':
      return 'numeric';
    case 'float4':
    case 'float8':
      return 'float';
    case 'bool':
      return 'boolean';
    case 'text':
    case 'varchar':
      return 'text';
    case 'bpchar':
      return 'fixed-text';
    case 'bytea':
      return 'bytes';
    case 'date':
      return 'date';
    case 'timestamp':
      return 'timestamp';
    case 'timestamptz':
      return 'timestamptz';
    case 'json':
    case 'jsonb':
      return 'json';
    case 'uuid':
      return 'uuid';
    default:
      return 'other';
  }
}

const TIMESTAMP = /^([0-9]{4,}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)$/;
const TIMESTAMPTZ_UTC = /^([0-9]{4,}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)\+00$/;

/** The canonical JSON value of one column value in PostgreSQL text form (null for SQL NULL). */
export function pgTextToJson(column: ColumnInfo, raw: unknown): JsonValue {
  if (raw === null || raw === undefined) return null;
  const text = String(raw);
  switch (column.kind) {
    case 'int16':
    case 'int32':
      return Number(text);
    case 'int64':
    case 'numeric':
      return text; // decimal string, exactly as PostgreSQL writes it (numeric keeps its scale: "1.50")
    case 'float':
      if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return text;
      return Number(text); // shortest round-trip text (extra_float_digits 1) -> the same double
    case 'boolean':
      return text === 't';
    case 'text':
    case 'fixed-text':
    case 'date':
      return text;
    case 'bytes':
      // bytea_output = hex: "\x" then two hex digits per byte
      return Buffer.from(text.slice(2), 'hex').toString('base64');
    case 'timestamp': {
      const m = TIMESTAMP.exec(text);
      return m ? `${m[1]}T${m[2]}` : text; // infinity, BC dates: text form
    }
    case 'timestamptz': {
      const m = TIMESTAMPTZ_UTC.exec(text);
      return m ? `${m[1]}T${m[2]}Z` : text;
    }
    case 'json':
      return JSON.parse(text) as JsonValue;
    case 'uuid':
      return text.toLowerCase();
    case 'array': {
      const element = column.element;
      if (!element || !text.startsWith('{')) return text; // explicit lower bounds ("[0:1]={...}"): text form
      return parseArrayLiteral(text, (el) => (el === null ? null : pgTextToJson(element, el)));
    }
    default:
      return text;
  }
}

/**
 * Parses a PostgreSQL array literal ("{1,2,NULL}", '{"a b","c\\"d"}', "{{1,2},{3,4}}")
 * into nested arrays; unquoted NULL is SQL NULL. The text comes from the server
 * (array_out), so the grammar is the server's, with ',' as delimiter.
 */
export function parseArrayLiteral(text: string, mapElement: (el: string | null) => JsonValue): JsonValue[] {
  let i = 0;
  const parseLevel = (): JsonValue[] => {
    if (text[i] !== '{') throw new Error(`array literal: '{' expected at ${i}`);
    i++;
    const out: JsonValue[] = [];
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      if (text[i] === '{') out.push(parseLevel());
      else if (text[i] === '"') {
        i++;
        let s = '';
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++;
          s += text[i++];
        }
        i++; // closing quote
        out.push(mapElement(s));
      } else {
        const start = i;
        while (i < text.length && text[i] !== ',' && text[i] !== '}') i++;
        const raw = text.slice(start, i);
        out.push(mapElement(raw === 'NULL' ? null : raw));
      }
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      throw new Error(`array literal: ',' or '}' expected at ${i}`);
    }
  };
  const result = parseLevel();
  if (i !== text.length) throw new Error(`array literal: trailing text at ${i}`);
  return result;
}
