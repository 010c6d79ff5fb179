// The certificate's receipt from the issuer's transparency log,
// receipt.tlog-proof (docs/FORMAT.md sections 10 and 12.8), in the worker,
// after every other file of the bundle, as `shredproof verify --bundle`
// checks it (packages/verify/src/cli/verify-receipt.ts): whenever the trust
// root in force (the person's own, else the bundle's trust.json) names a
// log, the core's checkCertificateReceipt decides, its code reported for
// receipt.tlog-proof, present or missing. A receipt that no log can check
// is said to be NOT checked, never passed over.
import { checkCertificateReceipt, type DsseEnvelope, isVerificationError, RECEIPT_FILE } from '@shredproof/verify';
import type { Run } from './bundle-run.js';
import { readBytes } from './job-io.js';
import type { PageTrust } from './trust-job.js';

/** Checks the receipt of the certificate `envelope` (certificate.json, verified) into `run`: its file line, and run.receipt. */
export async function checkReceipt(run: Run, t: PageTrust, envelope: Pick<DsseEnvelope, 'payload'>): Promise<void> {
  const file = run.bundle.receipt;
  const root = t.trust.root;
  const statement = run.statement!;
  if (!root?.log) {
    if (!file) return;
    const reason = root ? 'the trust root names no transparency log (it has no “log” member): there is no log key to check it with' : 'there is no trust root (the bundle’s trust.json, or one of your own) to name a log to check it with';
    run.note(RECEIPT_FILE, 'not checked', reason);
    run.receipt = { status: 'no-log', reason };
    return;
  }
  const bytes = file ? await readBytes(file, RECEIPT_FILE) : undefined;
  try {
    const facts = checkCertificateReceipt(root, envelope, statement, bytes);
    if (!facts) {
      const from = root.log.receiptsRequiredFrom;
      const reason = `absent, and not required: the trust root’s log requires ${from === undefined ? 'no receipt' : `a receipt for certificates issued from ${from}, and this one says it was issued at ${statement.issuedAt}`}`;
      run.note(RECEIPT_FILE, 'not checked', reason);
      run.receipt = { status: 'not-required', reason };
      return;
    }
    const rootPinned = t.trust.keySource === 'pinned-root' || t.trust.pins.some((p) => p.kind === 'trust-sha256');
    run.receipt = { status: 'verified', ...facts, witnessQuorum: root.log.witnessQuorum, rootPinned };
    const cosigned = facts.cosignatures.length === 0 ? 'no witness' : facts.cosignatures.map((c) => c.witness).join(', ');
    run.checked.push(`receipt of the transparency log (entry ${facts.index} of ${facts.treeSize})`);
    run.valid(RECEIPT_FILE, `entry ${facts.index} of the log ${facts.origin} at its checkpoint of ${facts.treeSize} entries, signed by ${facts.logKeys.join(', ')}, cosigned by ${cosigned}`);
  } catch (e) {
    if (!isVerificationError(e)) throw e;
    run.fail(RECEIPT_FILE, e);
  }
}
