// The verifier's two commands, described once: `shredproof-verify` parses
// its arguments from these (main.ts, with node:util), and `shredproof verify`
// and `shredproof prove` register the same options with commander.
import type { CliIo } from './exit.js';
import { type ProveOptions, runProve } from './prove.js';
import { runVerify, type VerifyOptions } from './verify.js';

export interface OptionSpec {
  /** The long name: `--public-key` is `public-key`, and `publicKey` in the parsed options. */
  name: string;
  /** The placeholder of its value (`<file>`); none for a flag. */
  value?: string;
  description: string;
  required?: boolean;
  /** Repeatable: the parsed value is the list of every occurrence. */
  multiple?: boolean;
}

export interface CommandSpec<O> {
  name: 'verify' | 'prove';
  summary: string;
  options: readonly OptionSpec[];
  run: (opts: O, io: CliIo) => Promise<void>;
}

const PUBLIC_KEY: OptionSpec = { name: 'public-key', value: '<file>', description: 'trusted Ed25519 public key, PEM SPKI (repeatable)', required: true, multiple: true };
const CERTIFICATE = 'certificate.json (a DSSE envelope)';

export const VERIFY_COMMAND: CommandSpec<VerifyOptions> = {
  name: 'verify',
  summary:
    'verify a certificate bundle, a legal exhibit (PDF), or a certificate, its records file and/or a per-object proof, offline; say whether the key was pinned; exit 0 valid, 1 invalid, 2 usage or unreadable input',
  options: [
    { name: 'bundle', value: '<dir>', description: 'a certificate directory: checks every file in it (certificate, records, lists, order.json, trust.json, public key, proofs/)' },
    { name: 'exhibit', value: '<pdf>', description: "a legal exhibit (shredproof exhibit): checks the bundle attached to the PDF as --bundle does, then that its pages say what the certificate says" },
    { name: 'certificate', value: '<file>', description: CERTIFICATE },
    { ...PUBLIC_KEY, required: false, description: 'trusted Ed25519 public key, PEM SPKI (repeatable); not a pin by itself' },
    { name: 'trust', value: '<file>', description: 'your own copy of the issuer\'s trust.json: pins its keys, and applies their dates and revocations' },
    { name: 'trust-sha256', value: '<hex>', description: "pins the bundle's trust.json (or --trust) by its SHA-256, as sha256sum prints it" },
    { name: 'keyid', value: '<hex>', description: 'pins the signing key by its key id, as the issuer published it out of band' },
    { name: 'require-pin', description: 'a valid certificate whose key was not pinned is INVALID (PIN_MISSING)' },
    { name: 'records', value: '<file>', description: 'records.ndjson to check against the certificate' },
    { name: 'proof', value: '<file>', description: 'a per-object proof file' },
    { name: 'json', description: 'machine-readable output' },
  ],
  run: runVerify,
};

export const PROVE_COMMAND: CommandSpec<ProveOptions> = {
  name: 'prove',
  summary: 'write a per-object proof that one object was among the destroyed; exit 0 written, 1 not found or invalid, 2 usage or unreadable input',
  options: [
    { name: 'certificate', value: '<file>', description: CERTIFICATE, required: true },
    { name: 'records', value: '<file>', description: 'records.ndjson of that certificate', required: true },
    PUBLIC_KEY,
    { name: 'locator', value: '<locator>', description: "the object's locator (path, S3 key#version, table row key)" },
    { name: 'target', value: '<name>', description: 'with --locator: only in this target' },
    { name: 'sha256', value: '<hex>', description: 'SHA-256 of the object content' },
    { name: 'file', value: '<path>', description: 'a copy of the object: its SHA-256 is looked up' },
    { name: 'out', value: '<file>', description: 'write the proof here (default: stdout)' },
    { name: 'all', value: '<dir>', description: 'write DIR/proof-<leaf>.json for every match' },
    { name: 'retained', value: '<file>', description: 'retained.ndjson of a version 2 certificate: an object not destroyed is looked up there, and a proof of its entry written' },
    { name: 'exceptions', value: '<file>', description: 'exceptions.ndjson of a version 2 certificate: likewise, for an object that could not be destroyed' },
    { name: 'rescan', value: '<file>', description: 'rescan.ndjson of a version 2 certificate: likewise, for what the re-scan found still in scope' },
    { name: 'json', description: 'print one JSON document: the result, the record and the proof (or the files written); the report goes to stderr' },
  ],
  run: runProve,
};

/** `--public-key` → `publicKey`, as commander names parsed options. */
export const camelCase = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** `--public-key <file>`: the flag as help and errors show it. */
export const flagOf = (o: OptionSpec) => `--${o.name}${o.value ? ` ${o.value}` : ''}`;
