// Output into a pipe whose reader exits early (issue 12, item 2):
// `shredproof prove ... | head -1` and `shredproof verify --json ... |
// head -c 10` through bash, with the real binary. The certificate's
// statement is large (about 300 kB of persistence notes), so that what
// shredproof writes is more than the pipe holds: head exits while shredproof
// is still writing, and the rest of its write fails with EPIPE every time.
// That is no failure: shredproof ends with the command's own exit code, and
// says nothing on stderr beyond its usual report.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, ROOT } from '../helpers/run-cli.js';
import { buildSet, plainRecord } from '../node/records-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-pipes-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const F = (f: string) => join(dir, f);
const files = ['--certificate', F('certificate.json'), '--records', F('records.ndjson'), '--public-key', F('public-key.pem')];

before(() => {
  const persistence = Array.from({ length: 3000 }, (_, i) => `backup copy ${i}: nightly snapshots of the photo store are kept for 35 days, untouched by this order`);
  const set = buildSet([plainRecord(0), plainRecord(1)], ['photos'], { targets: [{ name: 'photos', kind: 'filesystem', planned: 2, persistence }] });
  writeFileSync(F('certificate.json'), JSON.stringify(set.envelope));
  writeFileSync(F('records.ndjson'), set.text);
  writeFileSync(F('public-key.pem'), set.publicKeyPem);
});

/** `shredproof ARGS | READER` in bash: shredproof's exit code and stderr, and what the reader printed. */
function pipeInto(reader: string, args: string[]): { code: number; stderr: string; read: string } {
  const script = `"$0" "$1" "\${@:2}" 2>"${F('stderr.txt')}" | ${reader} >"${F('read.txt')}"; echo "\${PIPESTATUS[0]} \${PIPESTATUS[1]}"`;
  const r = spawnSync('bash', ['-c', script, process.execPath, BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const [code, readerCode] = r.stdout.trim().split(' ').map(Number);
  assert.equal(readerCode, 0, `${reader} failed`);
  return { code: code!, stderr: readFileSync(F('stderr.txt'), 'utf8'), read: readFileSync(F('read.txt'), 'utf8') };
}

describe('output into a pipe that closes early', () => {
  it('the output is larger than a pipe holds, so the reader really leaves mid-write', () => {
    const whole = spawnSync(process.execPath, [BIN, 'verify', '--json', ...files], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(whole.status, 0, whole.stderr);
    assert.ok(whole.stdout.length > 2 * 65536, `verify --json wrote ${whole.stdout.length} bytes`);
  });

  it('verify --json | head -c 10: exit 0, no stack trace', () => {
    const r = pipeInto('head -c 10', ['verify', '--json', ...files]);
    assert.equal(r.read, '{\n  "valid');
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  it('prove | head -1: exit 0, the usual report on stderr and nothing else', () => {
    const r = pipeInto('head -1', ['prove', ...files, '--locator', plainRecord(0).locator]);
    assert.equal(r.read, '{\n');
    assert.doesNotMatch(r.stderr, /EPIPE|Error|at .*\.ts:\d+/);
    assert.match(r.stderr, /^certificate cert-test verified with key [0-9a-f]{64}/);
    assert.equal(r.code, 0, r.stderr);
  });
});
