// The independent check: openssl for the Ed25519 signature over the PAE
// bytes, and a python3 script written from docs/FORMAT.md alone for the rest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../independent/check_certificate.py', import.meta.url));

/** Checks DIR/{certificate.json,public-key.pem,records.ndjson}; returns [python exit, openssl exit, output]. */
export function independentCheck(dir: string): [number, number, string] {
  const tmp = mkdtempSync(join(tmpdir(), 'sp-indep-'));
  try {
    const pae = join(tmp, 'pae.bin');
    const sig = join(tmp, 'sig.bin');
    const files = ['certificate.json', 'public-key.pem', 'records.ndjson'].map((f) => join(dir, f));
    const py = spawnSync('python3', [SCRIPT, ...files, pae, sig], { encoding: 'utf8' });
    const ossl = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', files[1]!, '-rawin', '-in', pae, '-sigfile', sig], { encoding: 'utf8' });
    return [py.status ?? -1, ossl.status ?? -1, py.stdout + py.stderr + ossl.stdout + ossl.stderr];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
