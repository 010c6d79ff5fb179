// The independent check: openssl for the Ed25519 signature over the PAE
// bytes, and the python3 scripts written from docs/FORMAT.md alone for the
// rest (test/independent/check_certificate.py and check_proof.py).
//
// A version 2 certificate directory is a bundle (docs/FORMAT.md section 10):
// `check_certificate.py --bundle` checks every file in it and writes the key
// that must verify the signature, openssl verifies it, and each proofs/*.json
// goes through check_proof.py and openssl with that key. A version 1
// certificate is checked as before: check_certificate.py on
// certificate.json, public-key.pem and records.ndjson, then openssl.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHECK_CERTIFICATE = fileURLToPath(new URL('../independent/check_certificate.py', import.meta.url));
const CHECK_PROOF = fileURLToPath(new URL('../independent/check_proof.py', import.meta.url));
const PAYLOAD_TYPE_V2 = 'application/vnd.shredproof.certificate.v2+json';

export interface IndependentOptions {
  /** A pin for the bundle check: ['--keyid', HEX], ['--trust-sha256', HEX] or ['--trust', FILE]. */
  pin?: string[];
  /** Check DIR as a bundle (true) or as a version 1 certificate (false); by default, by its payload type. */
  bundle?: boolean;
}

/** Whether DIR/certificate.json names the version 2 payload type; anything unreadable is left to the version 1 check to refuse. */
function isVersion2(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'certificate.json'), 'utf8')) as { payloadType?: unknown }).payloadType === PAYLOAD_TYPE_V2;
  } catch {
    return false;
  }
}

/**
 * Checks the certificate in DIR independently. Returns [python exit, openssl
 * exit, output]: each exit is the first non-zero one of its kind (0 when all
 * passed); the output holds every command's stdout and stderr, in order.
 */
export function independentCheck(dir: string, options: IndependentOptions = {}): [number, number, string] {
  const tmp = mkdtempSync(join(tmpdir(), 'sp-indep-'));
  let python = 0;
  let openssl = 0;
  let output = '';
  const run = (command: string, args: string[]) => {
    const r = spawnSync(command, args, { encoding: 'utf8' });
    output += r.stdout + r.stderr;
    const code = r.status ?? -1;
    if (command === 'python3' && python === 0) python = code;
    if (command === 'openssl' && openssl === 0) openssl = code;
    return code;
  };
  const verify = (key: string, pae: string, sig: string) => run('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', key, '-rawin', '-in', pae, '-sigfile', sig]);
  try {
    const pae = join(tmp, 'pae.bin');
    const sig = join(tmp, 'sig.bin');
    if (!(options.bundle ?? isVersion2(dir))) {
      const files = ['certificate.json', 'public-key.pem', 'records.ndjson'].map((f) => join(dir, f));
      run('python3', [CHECK_CERTIFICATE, ...files, pae, sig]);
      verify(files[1]!, pae, sig);
      return [python, openssl, output];
    }
    const key = join(tmp, 'key.pem');
    const bundleOk = run('python3', [CHECK_CERTIFICATE, '--bundle', dir, pae, sig, key, ...(options.pin ?? [])]) === 0;
    verify(key, pae, sig);
    // The proofs are checked with the key the bundle check chose, once it has chosen one.
    const proofs = join(dir, 'proofs');
    if (bundleOk && existsSync(proofs)) {
      for (const name of readdirSync(proofs).sort()) {
        run('python3', [CHECK_PROOF, join(proofs, name), key, pae, sig]);
        verify(key, pae, sig);
      }
    }
    return [python, openssl, output];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
