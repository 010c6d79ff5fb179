// `verify`: exit 0 valid, 1 invalid (with the reason code), 2 usage or
// unreadable input. Never "valid" unless every check that was asked for passed.
// With --json, stdout holds one JSON document whatever the exit code: exit 2
// prints {valid: false, error, message} (main.ts).
// Every line for a person goes through escapeForDisplay: the inputs' strings
// are attacker controlled, and a control character in them is a terminal command.
// Shared by `shredproof-verify verify` (main.ts here) and `shredproof verify`.
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import {
  canonicalize,
  type CertificateStatement,
  type DestructionRecord,
  escapeForDisplay,
  jsonForDisplay,
  parseCertificate,
  type TrustedKey,
  VerificationError,
  verifyCertificate,
  verifyObjectProof,
} from '../core/index.js';
import { verifyRecordsFile } from '../node/fast-verify.js';
import { loadTrustedKey } from '../node/trusted-key.js';
import { nodeHasher } from '../node/merkle-hasher.js';
import { CliExit, type CliIo, EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './exit.js';

export interface VerifyOptions {
  certificate?: string;
  publicKey: string[];
  records?: string;
  proof?: string;
  json?: boolean;
}

class UnreadableInput extends Error {}

const unreadable = (what: string, path: string, e: unknown) => new UnreadableInput(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);

/** The file's bytes: the core decodes them strictly (invalid UTF-8 is UTF8_INVALID, not replaced). */
async function readInput(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw unreadable(what, path, e);
  }
}

/** A file we may read, not a directory (whose stream fails only at its first read). */
async function checkReadable(path: string, what: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (e) {
    throw unreadable(what, path, e);
  }
}

/**
 * The revealed record of a proof, one field a line, for a person to compare
 * with what they hold. `sha256sum FILE` is suggested for files only: the
 * hash of an S3 object, a SQL row or a Redis value is not that of a file.
 */
export function describeRecord(r: DestructionRecord, statement: CertificateStatement): string[] {
  const isFile = statement.targets.find((t) => t.name === r.target)?.kind === 'filesystem';
  const lines = [
    `the certified tree holds this record at leaf ${r.index} (of ${statement.merkle.treeSize}, counted from 0):`,
    `  target       ${r.target}`,
    `  locator      ${r.locator}`,
    `  sha256       ${r.sha256}${isFile ? '   (compare: sha256sum FILE)' : ''}`,
    `  size         ${r.size} bytes`,
    `  destroyedAt  ${r.destroyedAt}`,
    `  method       ${r.method}`,
  ];
  for (const [k, v] of Object.entries(r.attributes ?? {})) lines.push(`  attributes.${k}  ${v}`);
  return lines;
}

function summarize(s: CertificateStatement, keyid: string): string[] {
  const lines = [
    `certificate ${s.certificateId} for order ${s.order.reference} (${s.order.id})`,
    `issued ${s.issuedAt} by ${s.issuer.name}; status ${s.status}`,
    `destroyed ${s.completeness.destroyed} of ${s.completeness.planned} planned objects (${s.records.bytes} bytes); retained ${s.completeness.retained}; exceptions ${s.completeness.exceptions}`,
    `merkle root ${s.merkle.rootHash} over ${s.merkle.treeSize} records`,
    `signed by key ${keyid}`,
  ];
  for (const t of s.targets) {
    lines.push(`  ${t.name} (${t.kind}, ${t.methods.join('+') || 'no method'}): destroyed ${t.destroyed.count}, retained ${t.retained}, exceptions ${t.exceptions}`);
  }
  return lines;
}

async function run(opts: VerifyOptions, ctx: CliIo): Promise<void> {
  const checked: string[] = [];
  let keys: TrustedKey[];
  try {
    keys = await Promise.all(opts.publicKey.map((p) => loadTrustedKey(p)));
  } catch (e) {
    const code = e instanceof VerificationError ? `${e.code}: ` : '';
    throw new CliExit(EXIT_USAGE, escapeForDisplay(`verify: unusable public key: ${code}${e instanceof Error ? e.message : String(e)}`), 'unreadable-input');
  }
  let statement: CertificateStatement | undefined;
  let keyid = '';
  let certificateBytes: Uint8Array | undefined;
  if (opts.certificate) {
    certificateBytes = await readInput(opts.certificate, 'certificate');
    ({ statement, keyid } = verifyCertificate(certificateBytes, keys));
    checked.push('signature', 'statement');
  }
  if (opts.records) {
    if (!statement) throw new CliExit(EXIT_USAGE, 'verify: --records needs --certificate');
    await checkReadable(opts.records, 'records file');
    try {
      await verifyRecordsFile(statement, opts.records);
    } catch (e) {
      if (e instanceof VerificationError) throw e;
      throw unreadable('records file', opts.records, e); // a read that failed is no verdict on the records
    }
    checked.push('records');
  }
  let proven: { record: DestructionRecord; leafIndex: number } | undefined;
  if (opts.proof) {
    const verified = verifyObjectProof(await readInput(opts.proof, 'proof'), keys, { hasher: nodeHasher });
    if (certificateBytes !== undefined && canonicalize(parseCertificate(certificateBytes)) !== canonicalize(verified.proof.certificate)) {
      throw new VerificationError('PROOF_CERTIFICATE_MISMATCH', 'the proof carries a different certificate than --certificate');
    }
    statement ??= verified.statement;
    keyid = verified.keyid;
    proven = { record: verified.record, leafIndex: verified.record.index };
    checked.push(`inclusion of ${verified.record.target}:${verified.record.locator} (sha256 ${verified.record.sha256}) at leaf ${verified.record.index}`);
  }
  if (!statement) throw new CliExit(EXIT_USAGE, 'verify: give --certificate, --proof, or both');
  if (opts.json) {
    ctx.out(jsonForDisplay({ valid: true, checked, keyid, ...proven, statement }, 2));
  } else {
    const say = (line: string) => ctx.out(escapeForDisplay(line));
    say(`VALID (${checked.join(', ')})`);
    if (proven) for (const l of describeRecord(proven.record, statement)) say(l);
    for (const l of summarize(statement, keyid)) say(l);
  }
}

/** Runs `verify` with parsed options: sets `io.exitCode`, or throws CliExit (exit 2). */
export async function runVerify(opts: VerifyOptions, io: CliIo): Promise<void> {
  try {
    await run(opts, io);
    io.exitCode = EXIT_OK;
  } catch (e) {
    if (e instanceof UnreadableInput) throw new CliExit(EXIT_USAGE, escapeForDisplay(`verify: ${e.message}`), 'unreadable-input');
    if (!(e instanceof VerificationError)) throw e;
    io.exitCode = EXIT_INVALID;
    // The message quotes the input (a keyid, a target name): never raw.
    if (opts.json) io.out(jsonForDisplay({ valid: false, code: e.code, message: e.message }, 2));
    else io.out(escapeForDisplay(`INVALID ${e.code}: ${e.message}`));
  }
}
