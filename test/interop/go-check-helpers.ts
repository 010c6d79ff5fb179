// Builds and runs the Go checker of test/interop for go-check.test.ts, and
// the few byte-level edits its cases make.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const INTEROP = fileURLToPath(new URL('.', import.meta.url));

export interface Envelope {
  payloadType: string;
  payload: string;
  signatures: Array<{ keyid?: string; sig: string }>;
}

/** A version 2 per-object proof (docs/FORMAT.md 7.1). */
export interface ProofV2 {
  type: string;
  version: number;
  list: string;
  entry: string;
  leafIndex: number;
  treeSize: number;
  auditPath: string[];
  certificate: Envelope;
}

let checker = '';

/** The go command, on PATH or where Go's own archive installs it. Missing, it fails the test: never a skip. */
function findGo(): string {
  for (const go of ['go', '/usr/local/go/bin/go']) {
    if (spawnSync(go, ['version'], { encoding: 'utf8' }).status === 0) return go;
  }
  throw new Error(
    'go is not installed: test/interop needs Go 1.26 or later on PATH (its go.mod says which). Install it, then run `bash scripts/services.sh` (it downloads the modules test/interop/go.sum pins).',
  );
}

/** Builds the checker to out, from the modules go.sum pins only (-mod=readonly). */
export function buildGoCheck(out: string): void {
  const build = spawnSync(findGo(), ['build', '-o', out, '.'], {
    cwd: INTEROP,
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=readonly -buildvcs=false' },
    timeout: 300_000,
  });
  assert.equal(build.status, 0, `go build in test/interop failed (run \`bash scripts/services.sh\` to download its modules):\n${build.stdout}${build.stderr}`);
  checker = out;
}

export function goCheck(...args: string[]): { code: number; out: string } {
  assert.ok(checker, 'buildGoCheck first');
  const r = spawnSync(checker, args, { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

/** Flips every bit of one byte of the first signature. */
export function flipSignatureByte<E extends Envelope>(env: E): E {
  const sig = Buffer.from(env.signatures[0]!.sig, 'base64');
  sig[10]! ^= 0xff;
  return { ...env, signatures: [{ ...env.signatures[0]!, sig: sig.toString('base64') }] };
}

/** RFC 6962 section 2.1's leaf hash of a line, SHA-256(0x00 || line), in hex. */
export function leafHash(line: string): string {
  return createHash('sha256').update(Buffer.from([0])).update(line, 'utf8').digest('hex');
}
