// order.json, the order document as approved (docs/FORMAT.md section 5.6;
// its fields are those of docs/ORDERS.md): exactly the bytes of its RFC 8785
// form, whose SHA-256 the statement signs as order.sha256. The file comes with
// the bundle and is attacker controlled: the hash is checked over the exact
// bytes first, then the text is parsed under section 1's rules.
import { sha256 } from '@noble/hashes/sha2.js';
import { type Attestation, sameAttestation } from './attestation.js';
import { bytesToHex } from './bytes.js';
import { VerificationError } from './errors.js';
import { decodeInput, parseJsonInput } from './strict-json.js';
import { compareTimes, isInstant } from './time.js';
import { isObject } from './validate.js';

/** What of a statement (version 1 or 2) the order file is checked against. */
export interface OrderFileStatement {
  version: number;
  order: { sha256: string; reference: string; deadline?: string };
  attestation?: Attestation;
}

/** The verified order, for display. */
export interface OrderFileSummary {
  reference: string;
  description?: string;
  deadline?: string;
  /** Each target's backend name and scope, as the order gives them. */
  targets: Array<{ backend: string; scope: unknown }>;
  /** How many legal holds the order names. */
  holds: number;
}

const mismatch = (why: string) => new VerificationError('ORDER_MISMATCH', why);

/**
 * Checks order.json's bytes against the statement: the SHA-256 of the exact
 * bytes equals order.sha256 (ORDER_MISMATCH: a reformatted copy has another
 * hash), it is JSON under section 1 (UTF8_INVALID, JSON_INVALID,
 * JSON_DUPLICATE_MEMBER, MEMBER_FORBIDDEN), its reference equals
 * order.reference, and for version 2 its deadline and order.deadline are both
 * absent or the same instant (ORDER_MISMATCH).
 */
export function verifyOrderFile(bytes: Uint8Array, statement: OrderFileStatement): OrderFileSummary {
  const digest = bytesToHex(sha256(bytes));
  if (digest !== statement.order.sha256) {
    throw mismatch(`order.json has SHA-256 ${digest}, the certificate's order.sha256 is ${statement.order.sha256}`);
  }
  const text = decodeInput(bytes, 'order.json');
  const { value } = parseJsonInput(text, 'order.json', 'JSON_INVALID');
  if (!isObject(value)) throw mismatch('order.json is not a JSON object, so it has no reference');
  if (value.reference !== statement.order.reference) {
    throw mismatch(`order.json's $.reference is ${JSON.stringify(value.reference)}, the certificate's order.reference is ${JSON.stringify(statement.order.reference)}`);
  }
  if (statement.version === 2) {
    checkDeadline(value.deadline, statement.order.deadline);
    // Section 5.11: the performer, validator and declaration the order named are the ones the certificate signs.
    if (!sameAttestation(value.attestation, statement.attestation)) {
      throw mismatch(`order.json's $.attestation is not the certificate's attestation (${value.attestation === undefined ? 'order.json names none' : statement.attestation === undefined ? 'the certificate carries none' : 'they differ'})`);
    }
  }

  const summary: OrderFileSummary = { reference: value.reference, targets: targetsOf(value.targets), holds: Array.isArray(value.holds) ? value.holds.length : 0 };
  if (typeof value.description === 'string') summary.description = value.description;
  if (typeof value.deadline === 'string') summary.deadline = value.deadline;
  return summary;
}

/** Section 5.6 for version 2: both absent, or the same instant (section 5.4's comparison: "…:00Z" is "…:00.000Z"). */
function checkDeadline(document: unknown, signed: string | undefined): void {
  if (document === undefined && signed === undefined) return;
  const shown = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));
  const same = isTime(document) && isTime(signed) && compareTimes(document, signed) === 0;
  if (!same) throw mismatch(`order.json's $.deadline is ${shown(document)}, the certificate's order.deadline is ${shown(signed)}`);
}

/**
 * A time of section 1. The order document's deadline may carry more fraction
 * digits than validate.ts's nine (src/app/order-document.ts accepts any
 * number), and the comparison reads any number.
 */
function isTime(v: unknown): v is string {
  return typeof v === 'string' && isInstant(v);
}

/**
 * The targets for display. The hash ties the document to the signed
 * statement, but the issuer's bytes may still have any shape: read defensively
 * and show what is there (a backend that is not a string as its JSON).
 */
function targetsOf(v: unknown): OrderFileSummary['targets'] {
  if (!Array.isArray(v)) return [];
  return v.map((t) => {
    const o = isObject(t) ? t : {};
    return { backend: typeof o.backend === 'string' ? o.backend : JSON.stringify(o.backend ?? null), scope: o.scope };
  });
}
