// A bundle's receipt.tlog-proof (docs/FORMAT.md sections 10, 12.5 and 12.8),
// checked after every other file of the bundle (step 12 of section 8)
// whenever the trust root in force, the pinned one or else the bundle's
// trust.json, names a transparency log: the core's checkCertificateReceipt
// decides, and its code is reported for receipt.tlog-proof, present or
// missing. A receipt that cannot be checked (no trust root, or one without
// `log`) is said to be NOT checked, never passed over; a bundle with neither
// a receipt nor a log prints what it always did.
import { join } from 'node:path';
import {
  type AnyCertificateStatement,
  checkCertificateReceipt,
  type DsseEnvelope,
  parseCertificate,
  RECEIPT_FILE,
  type ReceiptFacts,
  type TrustRoot,
  VerificationError,
} from '../core/index.js';
import { readInput } from './trust-input.js';
import type { FileReport } from './verify-vendors.js';

/** What became of the receipt: what it proved and how many witnesses the trust root required, or why it was not checked. */
export type ReceiptOutcome = ({ checked: true; witnessQuorum: number } & ReceiptFacts) | { checked: false; reason: string };

/** A cosignature's POSIX time as RFC 3339 UTC, to the second. */
export const cosignedAt = (time: number): string => new Date(time * 1000).toISOString().replace('.000Z', 'Z');

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 'es'}`;

/** The file line's detail: what the receipt proved. */
function proved(f: ReceiptFacts): string {
  const cosigned = f.cosignatures.length === 0 ? 'no witness' : f.cosignatures.map((c) => c.witness).join(', ');
  return `entry ${f.index} of the log ${f.origin} at its checkpoint of ${f.treeSize} entries, signed by ${f.logKeys.join(', ')}, cosigned by ${cosigned}`;
}

/**
 * Checks the bundle's receipt against `root` (undefined when the keys came
 * from public-key.pem alone), adding its line to `files` and a failure
 * through `fail`. Returns what to say of it, or undefined when there is
 * nothing to say (no log, no receipt) or it failed.
 */
export async function checkReceipt(
  dir: string,
  names: ReadonlySet<string>,
  root: TrustRoot | undefined,
  certificateBytes: Uint8Array,
  statement: AnyCertificateStatement,
  files: FileReport[],
  fail: (file: string, e: unknown) => void,
): Promise<ReceiptOutcome | undefined> {
  const present = names.has(RECEIPT_FILE);
  if (!root?.log) {
    if (!present) return undefined;
    const reason = root
      ? 'the trust root names no transparency log (it has no "log" member): there is no log key to check it with'
      : 'no trust root was given (--trust, or a bundle\'s trust.json): there is no log key to check it with';
    files.push({ file: RECEIPT_FILE, status: 'not checked', detail: reason });
    return { checked: false, reason };
  }
  const receipt = present ? await readInput(join(dir, RECEIPT_FILE), 'receipt') : undefined;
  let facts: ReceiptFacts | undefined;
  try {
    // The certificate verified already: it is an envelope, and its payload what the log entry hashes.
    facts = checkCertificateReceipt(root, parseCertificate(certificateBytes) as DsseEnvelope, statement, receipt);
  } catch (e) {
    if (!(e instanceof VerificationError)) throw e;
    fail(RECEIPT_FILE, e);
    return undefined;
  }
  if (!facts) {
    const from = root.log.receiptsRequiredFrom;
    const reason = `absent, and not required: the trust root's log requires ${from === undefined ? 'no receipt' : `a receipt for certificates issued from ${from}, and this one says it was issued at ${statement.issuedAt}`}`;
    files.push({ file: RECEIPT_FILE, status: 'not checked', detail: reason });
    return { checked: false, reason };
  }
  files.push({ file: RECEIPT_FILE, status: 'valid', detail: proved(facts) });
  return { checked: true, witnessQuorum: root.log.witnessQuorum, ...facts };
}

/** The line after the approvals that says what the receipt proved, or why it proved nothing. */
export function receiptLines(r: ReceiptOutcome | undefined): string[] {
  if (!r) return [];
  if (!r.checked) return [`transparency log: ${RECEIPT_FILE} NOT checked: ${r.reason}`];
  const cosigned = r.cosignatures.length === 0 ? 'cosigned by no witness' : `cosigned by ${r.cosignatures.map((c) => `${c.witness} at ${cosignedAt(c.time)}`).join(', ')}`;
  const required = r.witnessQuorum === 0 ? 'none required' : `${plural(r.witnessQuorum, 'witness')} required`;
  return [`transparency log: this certificate is entry ${r.index} of ${r.origin}, in its checkpoint of ${r.treeSize} entries (root ${r.rootHash}) signed by the log key ${r.logKeys.join(', ')} and ${cosigned} (${required} by the trust root)`];
}
