// `shredproof verify --bundle` and a bundle's receipt.tlog-proof (docs/FORMAT.md
// sections 10 and 12.8): valid-logged/ says, in one line and in --json, what
// its receipt proved (the entry's index, the checkpoint's size and origin, the
// log key that signed, the witness that cosigned and when), as its
// expected.json says; two receipt vectors fail with their code, naming
// receipt.tlog-proof; the trust root in force decides (a pinned --trust with
// a log checks the receipt of a bundle whose own trust.json has none, and one
// without a log does not); a receipt that no log can check is said to be NOT
// checked, never passed over.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/run-cli.js';

const V2 = fileURLToPath(new URL('../vectors/certificate/v2/', import.meta.url));
const LOGGED = join(V2, 'valid-logged');
const APPROVED = join(V2, 'valid-approved');
const dir = mkdtempSync(join(tmpdir(), 'sp-receipt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Receipt {
  index: number;
  treeSize: number;
  rootHash: string;
  origin: string;
  logKeys: string[];
  cosignatures: Array<{ witness: string; time: number }>;
}
interface Expected {
  code: string | null;
  pin: { keyid: string } | { trustSha256: string } | null;
  receipt?: Receipt;
  file?: string;
  description: string;
}
const expectations = (d: string): Expected[] => [JSON.parse(readFileSync(join(d, 'expected.json'), 'utf8'))].flat();
const pinArgs = (pin: Expected['pin']) => (pin === null ? [] : 'keyid' in pin ? ['--keyid', pin.keyid] : ['--trust-sha256', pin.trustSha256]);
const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

/** valid-logged/ in a temp dir, its trust.json replaced by valid-approved/'s (no `log`), its receipt kept. */
function loggedWithoutLog(name: string): string {
  const d = join(dir, name);
  cpSync(LOGGED, d, { recursive: true });
  cpSync(join(APPROVED, 'trust.json'), join(d, 'trust.json'));
  return d;
}

describe('verify --bundle: the receipt of the trust root\'s transparency log (docs/FORMAT.md section 12.8)', () => {
  it('valid-logged/ with each pin: one line says what the receipt proved, exactly as its expected.json', async () => {
    for (const e of expectations(LOGGED)) {
      const r = await runCli('verify', '--bundle', LOGGED, ...pinArgs(e.pin));
      assert.equal(r.code, 0, `${e.description}: ${r.stdout}`);
      const x = e.receipt!;
      assert.match(r.stdout, /^VALID \(.*, receipt\.tlog-proof\)$/m);
      const [c] = x.cosignatures;
      assert.equal(x.cosignatures.length, 1, 'one witness cosigned');
      const line = `transparency log: this certificate is entry ${x.index} of ${x.origin}, in its checkpoint of ${x.treeSize} entries (root ${x.rootHash}) signed by the log key ${x.logKeys[0]} and cosigned by ${c!.witness} at ${iso(c!.time)} (1 witness required by the trust root)`;
      assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('transparency log: ')).join('\n'), line, e.description);
      assert.equal(iso(c!.time), '2026-11-20T10:10:00Z');
      assert.ok(r.stdout.split('\n').includes(`  receipt.tlog-proof VALID: entry ${x.index} of the log ${x.origin} at its checkpoint of ${x.treeSize} entries, signed by ${x.logKeys[0]}, cosigned by ${c!.witness}`), r.stdout);
    }
  });

  it('--json: the receipt as its expected.json has it, with the witnesses required; receipt.tlog-proof among the files, valid', async () => {
    const [e] = expectations(LOGGED);
    const doc = JSON.parse((await runCli('verify', '--bundle', LOGGED, ...pinArgs(e!.pin), '--json')).stdout) as { valid: boolean; receipt: Receipt & { checked: boolean; witnessQuorum: number }; files: Array<{ file: string; status: string }> };
    assert.equal(doc.valid, true);
    const { checked, witnessQuorum, ...facts } = doc.receipt;
    assert.deepEqual([checked, witnessQuorum], [true, 1]);
    assert.deepEqual(facts, e!.receipt);
    assert.deepEqual(doc.files.find((f) => f.file === 'receipt.tlog-proof')?.status, 'valid');
    // A bundle without a log or a receipt has no receipt member: its JSON is what it was.
    const plain = JSON.parse((await runCli('verify', '--bundle', APPROVED, '--json')).stdout) as Record<string, unknown>;
    assert.ok(!('receipt' in plain), 'no receipt member without a log and a receipt');
  });

  for (const [name, code, said] of [
    ['receipt-cosignature-missing', 'COSIGNATURE_MISSING', /is cosigned by 0 of the trust root's witnesses \(none\); it requires 1$/],
    ['receipt-key-revoked-in-log', 'KEY_REVOKED', /^logged at index 3, after key [0-9a-f]{64} was revoked in the log at index 2 \(2026-11-21T00:00:00Z\): "key stolen \(TEST\)"$/],
  ] as const) {
    it(`invalid/${name}: exit 1, INVALID ${code} naming receipt.tlog-proof, on its own line and in --json`, async () => {
      const d = join(V2, 'invalid', name);
      const r = await runCli('verify', '--bundle', d);
      assert.equal(r.code, 1, r.stdout);
      const [first] = r.stdout.split('\n');
      assert.ok(first!.startsWith(`INVALID ${code}: receipt.tlog-proof: `), first);
      assert.match(first!.slice(`INVALID ${code}: receipt.tlog-proof: `.length), said);
      assert.match(r.stdout, new RegExp(`^ {2}receipt\\.tlog-proof INVALID ${code}: `, 'm'));
      // Every other file of the bundle verified: the receipt is the one defect.
      assert.deepEqual(r.stdout.split('\n').filter((l) => / INVALID /.test(l)).length, 1, r.stdout);
      assert.doesNotMatch(r.stdout, /^transparency log: /m);
      const doc = JSON.parse((await runCli('verify', '--bundle', d, '--json')).stdout) as { valid: boolean; code: string; file: string };
      assert.deepEqual([doc.valid, doc.code, doc.file], [false, code, 'receipt.tlog-proof']);
    });
  }

  it('a receipt under a trust root without `log` is NOT checked, and says so on its line, in the summary and in --json', async () => {
    const d = loggedWithoutLog('no-log');
    const r = await runCli('verify', '--bundle', d);
    assert.equal(r.code, 0, r.stdout);
    const why = 'the trust root names no transparency log (it has no "log" member): there is no log key to check it with';
    assert.ok(r.stdout.split('\n').includes(`  receipt.tlog-proof not checked: ${why}`), r.stdout);
    assert.ok(r.stdout.split('\n').includes(`transparency log: receipt.tlog-proof NOT checked: ${why}`), r.stdout);
    assert.doesNotMatch(r.stdout.split('\n')[0]!, /receipt/, 'not among the files checked');
    const doc = JSON.parse((await runCli('verify', '--bundle', d, '--json')).stdout) as { receipt: unknown };
    assert.deepEqual(doc.receipt, { checked: false, reason: why });
  });

  it('the trust root in force decides: --trust with a log checks the receipt (a bad one fails), --trust without one does not', async () => {
    const d = loggedWithoutLog('pinned-log');
    const pinned = await runCli('verify', '--bundle', d, '--trust', join(LOGGED, 'trust.json'));
    assert.equal(pinned.code, 0, pinned.stdout);
    assert.match(pinned.stdout, /^key pinned: yes, by the trust root given with --trust/m);
    assert.match(pinned.stdout, /^transparency log: this certificate is entry 3 of log\.example\.com\/shredproof-test, /m);
    cpSync(join(V2, 'invalid', 'receipt-other-origin', 'receipt.tlog-proof'), join(d, 'receipt.tlog-proof'));
    const bad = await runCli('verify', '--bundle', d, '--trust', join(LOGGED, 'trust.json'));
    assert.equal(bad.code, 1, bad.stdout);
    assert.match(bad.stdout, /^INVALID NOTE_UNVERIFIED: receipt\.tlog-proof: the receipt's checkpoint is of the log "log\.example\.com\/shredproof-staging"; /);
    // The verifier's own trust root has no log: the bundle's (which has one) does not apply, and the receipt is not checked.
    const noLog = await runCli('verify', '--bundle', LOGGED, '--trust', join(APPROVED, 'trust.json'));
    assert.equal(noLog.code, 0, noLog.stdout);
    assert.match(noLog.stdout, /^key pinned: yes, by the trust root given with --trust/m);
    assert.match(noLog.stdout, /^transparency log: receipt\.tlog-proof NOT checked: the trust root names no transparency log/m);
  });

  it('a receipt not required (the certificate is older than the log) and absent: said, not failed', async () => {
    const d = join(dir, 'before-the-log');
    cpSync(LOGGED, d, { recursive: true });
    rmSync(join(d, 'receipt.tlog-proof'));
    const root = JSON.parse(readFileSync(join(d, 'trust.json'), 'utf8')) as { log: Record<string, unknown> };
    root.log.receiptsRequiredFrom = '2027-01-01T00:00:00Z';
    writeFileSync(join(d, 'trust.json'), JSON.stringify(root));
    const r = await runCli('verify', '--bundle', d);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^transparency log: receipt\.tlog-proof NOT checked: absent, and not required: the trust root's log requires a receipt for certificates issued from 2027-01-01T00:00:00Z, and this one says it was issued at 2026-11-20T10:05:00\.000Z$/m);
    // The same bundle under its own trust root, which requires one: RECEIPT_MISSING (invalid/receipt-missing is this bundle).
    const missing = await runCli('verify', '--bundle', join(V2, 'invalid', 'receipt-missing'));
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /^INVALID RECEIPT_MISSING: receipt\.tlog-proof: issued at 2026-11-20T10:05:00\.000Z; /);
    assert.match(missing.stdout, /^ {2}receipt\.tlog-proof INVALID RECEIPT_MISSING: /m);
  });
});
