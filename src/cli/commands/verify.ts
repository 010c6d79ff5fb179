// `shredproof verify`: exit 0 valid, 1 invalid (with the reason code), 2 usage
// or unreadable input. Never "valid" unless every check that was asked for passed.
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  canonicalize,
  type CertificateStatement,
  type DestructionRecord,
  parseCertificateText,
  type TrustedKey,
  VerificationError,
  verifyCertificate,
  verifyObjectProof,
} from '../../core/index.js';
import { verifyRecordsFile } from '../../node/fast-verify.js';
import { loadTrustedKey } from '../../node/keys.js';
import { nodeHasher } from '../../node/merkle-hasher.js';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_OK, EXIT_USAGE } from '../main.js';

interface VerifyOptions {
  certificate?: string;
  publicKey: string[];
  records?: string;
  proof?: string;
  json?: boolean;
}

class UnreadableInput extends Error {}

async function readInput(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new UnreadableInput(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

async function checkReadable(path: string, what: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch (e) {
    throw new UnreadableInput(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** The revealed record of a proof, one field a line, for a person to compare with what they hold. */
export function describeRecord(r: DestructionRecord, treeSize: number): string[] {
  const lines = [
    `the certified tree holds this record at leaf ${r.index} (of ${treeSize}, counted from 0):`,
    `  target       ${r.target}`,
    `  locator      ${r.locator}`,
    `  sha256       ${r.sha256}   (compare: sha256sum FILE)`,
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

async function run(opts: VerifyOptions, ctx: CliContext): Promise<void> {
  const checked: string[] = [];
  let keys: TrustedKey[];
  try {
    keys = await Promise.all(opts.publicKey.map((p) => loadTrustedKey(p)));
  } catch (e) {
    const code = e instanceof VerificationError ? `${e.code}: ` : '';
    throw new CliExit(EXIT_USAGE, `verify: unusable public key: ${code}${e instanceof Error ? e.message : String(e)}`);
  }
  let statement: CertificateStatement | undefined;
  let keyid = '';
  let certificateText: string | undefined;
  if (opts.certificate) {
    certificateText = await readInput(opts.certificate, 'certificate');
    ({ statement, keyid } = verifyCertificate(certificateText, keys));
    checked.push('signature', 'statement');
  }
  if (opts.records) {
    if (!statement) throw new CliExit(EXIT_USAGE, 'verify: --records needs --certificate');
    await checkReadable(opts.records, 'records file');
    await verifyRecordsFile(statement, opts.records);
    checked.push('records');
  }
  let proven: { record: DestructionRecord; leafIndex: number } | undefined;
  if (opts.proof) {
    const text = await readInput(opts.proof, 'proof');
    let proof: unknown;
    try {
      proof = JSON.parse(text);
    } catch (e) {
      throw new VerificationError('PROOF_MALFORMED', 'the proof file is not valid JSON', { cause: e });
    }
    const verified = verifyObjectProof(proof, keys, { hasher: nodeHasher });
    if (certificateText !== undefined && canonicalize(parseCertificateText(certificateText)) !== canonicalize((proof as { certificate: unknown }).certificate)) {
      throw new VerificationError('PROOF_CERTIFICATE_MISMATCH', 'the proof carries a different certificate than --certificate');
    }
    statement ??= verified.statement;
    keyid = verified.keyid;
    proven = { record: verified.record, leafIndex: verified.record.index };
    checked.push(`inclusion of ${verified.record.target}:${verified.record.locator} (sha256 ${verified.record.sha256}) at leaf ${verified.record.index}`);
  }
  if (!statement) throw new CliExit(EXIT_USAGE, 'verify: give --certificate, --proof, or both');
  if (opts.json) {
    ctx.out(JSON.stringify({ valid: true, checked, keyid, ...proven, statement }, null, 2));
  } else {
    ctx.out(`VALID (${checked.join(', ')})`);
    if (proven) for (const l of describeRecord(proven.record, statement.merkle.treeSize)) ctx.out(l);
    for (const l of summarize(statement, keyid)) ctx.out(l);
  }
}

export function registerVerify(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description('verify a certificate, its records file and/or a per-object proof offline; exit 0 valid, 1 invalid, 2 usage or unreadable input')
    .option('--certificate <file>', 'certificate.json (a DSSE envelope)')
    .requiredOption('--public-key <file>', 'trusted Ed25519 public key, PEM SPKI (repeatable)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--records <file>', 'records.ndjson to check against the certificate')
    .option('--proof <file>', 'a per-object proof file')
    .option('--json', 'machine-readable output')
    .action(async (opts: VerifyOptions) => {
      try {
        await run(opts, ctx);
        ctx.exitCode = EXIT_OK;
      } catch (e) {
        if (e instanceof UnreadableInput) throw new CliExit(EXIT_USAGE, `verify: ${e.message}`);
        if (!(e instanceof VerificationError)) throw e;
        ctx.exitCode = EXIT_INVALID;
        if (opts.json) ctx.out(JSON.stringify({ valid: false, code: e.code, message: e.message }, null, 2));
        else ctx.out(`INVALID ${e.code}: ${e.message}`);
      }
    });
}
