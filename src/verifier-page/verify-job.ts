// One verification, in the worker: every file of the bundle that was chosen,
// in the order and with the codes of `shredproof verify --bundle`
// (packages/verify/src/cli/verify-bundle.ts, docs/FORMAT.md sections 8 and 10):
// keys and pins, certificate, records, lists, order, trust.json,
// public-key.pem, proofs, then the vendors' own bundles (section 5.10,
// ./vendor-job.ts), then the receipt of the transparency log (section 12.8,
// ./receipt-job.ts). Each file gets its own verdict; the first failure is the
// page's. Without a certificate the proofs carry it, as with `shredproof
// verify --proof`. What verified is kept for the photo check.
import {
  type AnyCertificateStatement,
  canonicalize,
  isStatementV2,
  LIST_NAMES,
  parseCertificate,
  isVerificationError,
  VerificationError,
  verifyCertificate,
  verifyObjectProof,
  verifyOrderFile,
  verifyTrusted,
} from '@shredproof/verify';
import { Run, type VerifiedSession } from './bundle-run.js';
import { verifyList, verifyRecordsBlob } from './file-jobs.js';
import { readBytes, UsageProblem } from './job-io.js';
import { pageMerkleHasher } from './page-hasher.js';
import { BUNDLE_NAMES, type ExhibitShown, type FileSlot, type ProgressFn, type VerifyOutcome, type VerifyRequest } from './protocol.js';
import { bundleSigner, FileFailure, type PageTrust, readPemKey, resolvePageTrust } from './trust-job.js';
import { checkReceipt } from './receipt-job.js';
import { checkVendors } from './vendor-job.js';

export type { VerifiedSession };

const NEEDS_CERTIFICATE: readonly FileSlot[] = ['records', 'retained', 'exceptions', 'rescan', 'order', 'receipt'];

const proofWhat = { records: 'one object', retained: 'one entry kept under a legal hold', exceptions: 'one exception', rescan: 'one re-scan finding' } as const;

/** proofs/*.json: each a proof that verifies and carries the same certificate as certificate.json (or as the first proof). */
async function checkProofs(run: Run, t: PageTrust, certificate: string | undefined): Promise<void> {
  let ours = certificate;
  let first = 'certificate.json';
  for (const { name, file } of run.bundle.proofs) {
    const bytes = await readBytes(file, 'proof file');
    try {
      const v = verifyTrusted(t.trust, (keys) => verifyObjectProof(bytes, keys, { hasher: pageMerkleHasher() }));
      const carried = canonicalize(v.proof.certificate);
      if (ours !== undefined && carried !== ours) {
        throw new VerificationError('PROOF_CERTIFICATE_MISMATCH', `the proof carries another certificate than ${first}`);
      }
      if (ours === undefined) [ours, first] = [carried, name];
      run.trusted(v, t.trust);
      if (v.list === 'records') run.session.recordProofs.push({ record: v.record, proofLength: v.proof.auditPath.length });
      if (v.list === 'retained') run.session.heldProofs.push(v.entry);
      const e = v.entry;
      run.checked.push(`proof of ${proofWhat[v.list]} (${e.target}: ${e.locator})`);
      run.valid(name, `${v.list} leaf ${e.index}: ${e.target}:${e.locator}`);
    } catch (e) {
      if (!isVerificationError(e)) throw e;
      if (e.code === 'PIN_MISMATCH' && !run.facts.signer) run.facts.unpinnedSigner ??= bundleSigner(t, (keys) => verifyObjectProof(bytes, keys));
      run.fail(name, e);
    }
  }
}

/** Every file of the run's bundle, in the CLI's order, into `run` (an exhibit's attachments too, ./exhibit-job.ts). */
export async function checkBundle(run: Run, progress: ProgressFn): Promise<void> {
  const b = run.bundle;
  let t: PageTrust;
  try {
    t = await resolvePageTrust(b, run.pins, run.facts);
  } catch (e) {
    if (!(e instanceof FileFailure)) throw e;
    run.fail(e.file, e.error);
    run.notCheckedRest(e.file, 'no key to check it with');
    return;
  }
  if (t.trust.pin) run.facts.pin = t.trust.pin; // shown beside a PIN_MISMATCH; a verdict that holds sets it again
  let certificate: string | undefined;
  let envelope: { payload: string } | undefined;
  if (b.certificate) {
    const bytes = await readBytes(b.certificate, 'certificate');
    try {
      run.trusted(verifyTrusted(t.trust, (keys) => verifyCertificate(bytes, keys)), t.trust);
      envelope = parseCertificate(bytes) as { payload: string }; // verified: an envelope
      certificate = canonicalize(envelope);
    } catch (e) {
      if (!isVerificationError(e)) throw e;
      if (e.code === 'PIN_MISMATCH') run.facts.unpinnedSigner = bundleSigner(t, (keys) => verifyCertificate(bytes, keys));
      run.fail('certificate.json', e);
      run.notCheckedRest('certificate.json', 'the certificate is not valid');
      return;
    }
    const s = run.statement!;
    run.valid('certificate.json', `certificate ${s.certificateId}, version ${s.version}, signed by key ${run.facts.signer!.keyid}`);
    run.checked.push('signature', 'statement');
  } else {
    await checkProofs(run, t, undefined); // they carry the certificate: checked where it would be
  }
  const statement = run.statement;
  if (statement) await checkDataFiles(run, statement, progress);
  if (b.trust) {
    const from = t.trust.keySource === 'bundle-root' ? 'the keys were taken from it' : 'checked against your own trust root';
    const approvers = t.trust.bundleRoot?.approvalKeys.length ?? 0;
    run.valid('trust.json', `${t.trust.bundleRoot?.certificateKeys.length ?? 0} key(s)${approvers > 0 ? `, ${approvers} approval key(s)` : ''}; ${from}`);
  }
  const signer = run.facts.signer?.keyid;
  if (signer) {
    await run.check('publicKey', async (file) => {
      const key = t.pemKey ?? (await readPemKey(file));
      if (key.keyid !== signer) throw new VerificationError('KEY_UNTRUSTED', `public-key.pem is key ${key.keyid}, not the key that signed (${signer})`);
      return `the signing key ${key.keyid}`;
    });
  } else if (b.publicKey) run.note('public-key.pem', 'not checked', 'no signature verified to compare it with');
  if (b.certificate) await checkProofs(run, t, certificate);
  await checkVendors(run, (inner) => checkBundle(inner, progress));
  if (envelope) await checkReceipt(run, t, envelope);
  for (const file of b.ignored) run.note(file, 'ignored', 'not a file of a certificate bundle');
}

/** records.ndjson, the three lists and order.json, against the verified statement. */
async function checkDataFiles(run: Run, statement: AnyCertificateStatement, progress: ProgressFn): Promise<void> {
  await run.check('records', async (file) => {
    const r = await verifyRecordsBlob(statement, file, progress);
    run.session.records = r;
    run.checked.push(`records file (${r.count.toLocaleString('en-US')} records)`);
    return `${r.count} records, ${r.bytes} bytes, root ${statement.merkle.rootHash}`;
  });
  for (const list of LIST_NAMES) {
    if (!isStatementV2(statement)) {
      if (run.bundle[list]) run.note(BUNDLE_NAMES[list], 'ignored', 'a version 1 certificate holds this list in its statement');
      continue;
    }
    await run.check(list, async (file) => {
      const v = await verifyList(list, statement, file);
      run.lists[list] = v.view;
      if (v.retained) run.session.retained = v.retained;
      run.checked.push(`${list} list (${v.view.count} ${v.view.count === 1 ? 'entry' : 'entries'})`);
      return `${v.view.count} ${v.view.count === 1 ? 'entry' : 'entries'}`;
    });
  }
  await run.check('order', async (file) => {
    const o = verifyOrderFile(await readBytes(file, 'order.json'), statement);
    run.checked.push('order document');
    return `order ${JSON.stringify(o.reference)}${o.deadline ? `, deadline ${o.deadline}` : ''}, ${o.targets.length} target(s), ${o.holds} hold(s); its SHA-256 is order.sha256`;
  });
}

/** Inputs that cannot be verified together: not a verdict (the CLI's usage errors). */
function usageProblem(req: VerifyRequest): string | undefined {
  const b = req.bundle;
  if (!b.certificate && b.proofs.length === 0) return 'Choose a certificate (certificate.json), or a proof file, which carries one.';
  const needs = NEEDS_CERTIFICATE.filter((s) => b[s]).map((s) => BUNDLE_NAMES[s]);
  if (!b.certificate && needs.length > 0) return `${needs.join(', ')} ${needs.length === 1 ? 'is' : 'are'} checked against a certificate: choose the certificate too.`;
  return undefined;
}

export async function runVerify(req: VerifyRequest, progress: ProgressFn): Promise<{ outcome: VerifyOutcome; session?: VerifiedSession }> {
  const started = performance.now();
  const usage = usageProblem(req);
  if (usage) return { outcome: { verdict: 'error', message: usage } };
  const run = new Run(req.bundle, req.pins);
  try {
    await checkBundle(run, progress);
  } catch (e) {
    if (e instanceof UsageProblem) return { outcome: { verdict: 'error', message: e.message } };
    throw e;
  }
  return outcomeOf(run, started);
}

/** The verdict on a run that finished: its first failure, else valid or unpinned; and what verified, for the photo check. */
export function outcomeOf(run: Run, started: number, exhibit?: ExhibitShown): { outcome: VerifyOutcome; session?: VerifiedSession } {
  const { files, facts, lists, vendors, statement, failure } = run;
  const extra = { ...(run.receipt ? { receipt: run.receipt } : {}), ...(exhibit ? { exhibit } : {}) };
  const elapsedMs = Math.round(performance.now() - started);
  if (failure) {
    const message = `${failure.file}: ${failure.error.message}`;
    return { outcome: { verdict: 'invalid', code: failure.error.code, file: failure.file, message, files, facts, lists, vendors, ...extra, elapsedMs, ...(statement ? { statement } : {}) } };
  }
  if (!statement) throw new Error('unreachable: a certificate or a proof verified');
  const outcome: VerifyOutcome = { verdict: facts.pinned ? 'valid' : 'unpinned', statement, checked: run.checked, files, facts, lists, vendors, ...extra, elapsedMs };
  return { outcome, session: { statement, pinned: facts.pinned, ...run.session } };
}
