// A legal exhibit (docs/FORMAT.md section 13), in the worker, as `shredproof
// verify --exhibit` checks one (packages/verify/src/cli/verify-exhibit.ts):
// the core's strict reader takes the PDF apart (its inflater the browser's
// DecompressionStream); its attachments are the bundle, sorted by name as a
// dropped bundle folder is (./bundle-drop.ts) and verified file by file with
// the person's pins (./verify-job.ts); then the pages' text is compared with
// exhibitText of the verified statement, whose facts come from the
// attachments and from the receipt only when the receipt was checked. The
// exhibit's own line follows the bundle's files in the report.
//
// The PDF is attacker controlled: every failure to read it is the verdict
// INVALID EXHIBIT_MALFORMED, never an error of the page.
import { checkExhibitText, exhibitFacts, exhibitText, isStatementV2, isVerificationError, readExhibitPdf, streamInflate, VerificationError } from '@shredproof/verify';
import { bundleOf, sortBundle } from './bundle-drop.js';
import { Run, type VerifiedSession } from './bundle-run.js';
import { readBytes, UsageProblem } from './job-io.js';
import type { ExhibitShown, ProgressFn, VerifyOutcome, VerifyRequest } from './protocol.js';
import { checkBundle, outcomeOf } from './verify-job.js';

const pagesText = (n: number) => `${n} page${n === 1 ? '' : 's'}`;

/** The exhibit `exhibit`, verified with the request's pins (its boxes are empty: the attachments are the bundle). */
export async function runExhibit(req: VerifyRequest, exhibit: File, progress: ProgressFn): Promise<{ outcome: VerifyOutcome; session?: VerifiedSession }> {
  const started = performance.now();
  const name = exhibit.name;
  const fail = (e: VerificationError) => {
    const run = new Run({ proofs: [], ignored: [], vendors: [] }, req.pins);
    run.fail(name, e);
    return outcomeOf(run, started);
  };
  try {
    let pdf;
    try {
      pdf = await readExhibitPdf(await readBytes(exhibit, 'exhibit'), streamInflate);
    } catch (e) {
      if (!isVerificationError(e)) throw e;
      return fail(e);
    }
    const files = pdf.attachments;
    if (!files.has('certificate.json')) {
      const carried = files.size === 0 ? 'it carries no attached file' : `it carries ${[...files.keys()].join(', ')}`;
      return fail(new VerificationError('EXHIBIT_MALFORMED', `no attachment is named certificate.json: this is not the exhibit of a certificate bundle (${carried})`));
    }
    if (!files.has('trust.json') && !files.has('public-key.pem') && !req.pins.trustRoot) {
      throw new UsageProblem('The exhibit attaches neither trust.json nor public-key.pem: choose a trust.json of your own under “2. Pin the issuer’s key”.');
    }
    // As a dropped folder: certificate.json is at the top, so the names are the bundle's own.
    const bundle = bundleOf(sortBundle([...files].map(([path, bytes]) => ({ path, file: new File([bytes as Uint8Array<ArrayBuffer>], path.slice(path.lastIndexOf('/') + 1)) }))));
    const run = new Run(bundle, req.pins);
    await checkBundle(run, progress);
    const shown: Omit<ExhibitShown, 'text'> = { file: name, pages: pdf.pages.length, attachments: files.size };
    const statement = run.statement;
    if (run.failure || !statement) {
      run.note(name, 'not checked', 'its pages were not compared with the statement: the bundle attached to it is not valid');
      return outcomeOf(run, started, { ...shown, text: 'not-compared' });
    }
    try {
      if (!isStatementV2(statement)) throw new VerificationError('EXHIBIT_MISMATCH', `the attached certificate is version ${statement.version}: an exhibit's words are made of a version 2 statement, so its pages cannot be compared`);
      const receipt = run.receipt?.status === 'verified' ? run.receipt : undefined;
      checkExhibitText(pdf.pages, exhibitText(statement, exhibitFacts(files, statement.records.sha256, receipt)));
    } catch (e) {
      if (!isVerificationError(e)) throw e;
      run.fail(name, e);
      return outcomeOf(run, started, { ...shown, text: 'differs' });
    }
    run.checked.push(`the exhibit’s ${pagesText(shown.pages)}`);
    run.valid(name, `its ${pagesText(shown.pages)} say what the signed statement says, word for word (white space aside); its ${shown.attachments} attached files are the bundle checked above`);
    return outcomeOf(run, started, { ...shown, text: 'matches' });
  } catch (e) {
    if (e instanceof UsageProblem) return { outcome: { verdict: 'error', message: e.message } };
    throw e;
  }
}
