// Who did the work, who checked it, and the officer's sworn declaration
// (docs/FORMAT.md section 5.11): named by the order document and carried by
// a version 2 statement as `attestation`. The declaration's text is in the
// signed statement with its SHA-256, so that an exhibit (section 13) cannot
// say something the certificate does not; order.json holds the same members
// (without the hash), and a verifier holding it compares the two.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8Encode } from './bytes.js';
import { canonicalize } from './canonical-json.js';
import type { Checker } from './validate.js';

export interface AttestedPerson {
  name: string;
  title: string;
  organization: string;
}

export interface Attestation {
  /** Who performed the destruction (NIST SP 800-88 Appendix G, "Person performing sanitization"). */
  performer?: AttestedPerson;
  /** Who validated it ("Person validating"). */
  validator?: AttestedPerson;
  /** The officer's declaration, its SHA-256 (hex, of its UTF-8 text) and who signs it. */
  declaration?: { text: string; sha256: string; signer: { name: string; title: string } };
}

/** What the order document names: the attestation without the hash, which the issuer computes. */
export type AttestationInput = Omit<Attestation, 'declaration'> & { declaration?: Omit<NonNullable<Attestation['declaration']>, 'sha256'> };

/** Limits of section 5.11: a name, title or organisation of 1 to 200 characters; a declaration of 1 to 20,000. */
export const ATTESTATION_LIMITS = { field: 200, declaration: 20_000 } as const;

export const declarationSha256 = (text: string): string => bytesToHex(sha256(utf8Encode(text)));

/** The statement's attestation for what the order document names. */
export function attestationOf(input: AttestationInput): Attestation {
  const out: Attestation = {};
  if (input.performer) out.performer = input.performer;
  if (input.validator) out.validator = input.validator;
  if (input.declaration) out.declaration = { ...input.declaration, sha256: declarationSha256(input.declaration.text) };
  return out;
}

function checkPerson(c: Checker, v: unknown, at: string, members: readonly string[]): void {
  const o = c.object(v, at);
  if (!o) return;
  for (const m of members) c.string(o[m], `${at}.${m}`, { max: ATTESTATION_LIMITS.field });
}

/** Field problems of a statement's `attestation` (section 5.11): the members' types and limits, and the declaration's hash. */
export function checkAttestation(c: Checker, value: unknown): void {
  const o = c.object(value, '$.attestation');
  if (!o) return;
  if (o.performer !== undefined) checkPerson(c, o.performer, '$.attestation.performer', ['name', 'title', 'organization']);
  if (o.validator !== undefined) checkPerson(c, o.validator, '$.attestation.validator', ['name', 'title', 'organization']);
  if (o.declaration === undefined) return;
  const d = c.object(o.declaration, '$.attestation.declaration');
  if (!d) return;
  const text = c.string(d.text, '$.attestation.declaration.text', { max: ATTESTATION_LIMITS.declaration });
  const hash = c.hex(d.sha256, '$.attestation.declaration.sha256', 32);
  checkPerson(c, d.signer, '$.attestation.declaration.signer', ['name', 'title']);
  if (text !== undefined && hash !== undefined && hash !== declarationSha256(text)) {
    c.add('$.attestation.declaration.sha256', `is not the SHA-256 of the declaration's text (${declarationSha256(text)})`);
  }
}

/** Whether order.json's attestation is the statement's (its members, without the hash; both absent is the same). */
export function sameAttestation(document: unknown, signed: Attestation | undefined): boolean {
  if (document === undefined || signed === undefined) return document === signed;
  const { declaration, ...rest } = signed;
  const expected = declaration ? { ...rest, declaration: { text: declaration.text, signer: declaration.signer } } : rest;
  try {
    return canonicalize(document) === canonicalize(expected);
  } catch {
    return false;
  }
}
