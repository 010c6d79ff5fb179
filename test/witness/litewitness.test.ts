// A C2SP witness written elsewhere against shredproof's log (issue 17,
// "Interoperability with code written elsewhere"): litewitness from
// filippo.io/torchwood v0.6.1 (test/witness/tools pins it; scripts/services.sh
// builds it into test/witness/bin), with its key in a private ssh-agent as it
// requires. `shredproof log push` sends it the log's checkpoints by the
// tlog-witness protocol (add-checkpoint with a consistency proof): it
// cosigns a growing log, the log keeps and serves its cosignature, and a
// receipt then meets a quorum of one witness. After the test rewrites the
// log's history in the ledger and the log signs a fresh checkpoint with its
// own key, litewitness refuses it, and the push fails saying so.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  checkCertificateReceipt,
  formatVerifierKey,
  NOTE_KEY_COSIGNATURE_V1,
  parseCertificate,
  parseSignedNote,
  parseTrustRoot,
  parseVerifierKey,
  RECEIPT_FILE,
  trustRootKeys,
  verifyCertificate,
  verifyCosignatures,
} from '../../packages/verify/src/core/index.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { logVerifierKey, receiptFor, signCheckpoint } from '../../src/app/transparency-log.js';
import { trustRootFile } from '../../src/app/trust-root.js';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';
import { executeDemoOrder } from '../helpers/engine-harness.js';
import { rewriteLogHistory } from '../helpers/rewrite-log.js';
import { freePort } from '../helpers/redis-server.js';
import { runCli } from '../helpers/run-cli.js';

const BIN = fileURLToPath(new URL('./bin/', import.meta.url));
const ORIGIN = 'log.test.example/litewitnessed';
const NAME = 'witness.test.example/lite';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** The raw Ed25519 key of an OpenSSH public key line ("ssh-ed25519 <base64> comment"). */
function sshEd25519Key(pub: string): Uint8Array {
  const blob = Buffer.from(pub.split(' ')[1]!, 'base64');
  const typeLength = blob.readUInt32BE(0);
  assert.equal(blob.subarray(4, 4 + typeLength).toString(), 'ssh-ed25519');
  return new Uint8Array(blob.subarray(8 + typeLength, 8 + typeLength + 32));
}

describe('litewitness (filippo.io/torchwood v0.6.1) witnesses shredproof\'s log', { timeout: 180_000 }, () => {
  let api: ApiHarness;
  let dir: string;
  let agent: ChildProcess | undefined;
  let witness: ChildProcess | undefined;
  let url: string;
  let vkey: string;
  const push = () => runCli('log', 'push', '--witness', url, '--data-dir', api.config.dataDir);
  const certify = async () => {
    const id = await executeDemoOrder(api);
    await api.runtime.coordinator.waitFor(id);
    return id;
  };

  before(async () => {
    for (const b of ['litewitness', 'witnessctl']) {
      assert.ok(existsSync(join(BIN, b)), `no ${join(BIN, b)}: bash scripts/services.sh builds it from test/witness/tools (Go, module proxy)`);
    }
    api = await startApiHarness({ objects: 6, env: { SHREDPROOF_LOG_ORIGIN: ORIGIN } });
    dir = mkdtempSync(join(tmpdir(), 'sp-lw-'));
    // litewitness keeps its key in an ssh-agent: a fresh Ed25519 key in a private one.
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'shredproof test witness', '-f', join(dir, 'id')]);
    const sock = join(dir, 'a.sock');
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
    run('ssh-add', [join(dir, 'id')], { SSH_AUTH_SOCK: sock });
    const fingerprint = run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'id.pub')]).split(' ')[1]!;
    vkey = formatVerifierKey(NAME, NOTE_KEY_COSIGNATURE_V1, sshEd25519Key(readFileSync(join(dir, 'id.pub'), 'utf8')));
    // The log it witnesses: shredproof's origin and log key, as the trust root names them.
    const db = join(dir, 'witness.db');
    run(join(BIN, 'witnessctl'), ['add-log', '-db', db, '-origin', ORIGIN]);
    run(join(BIN, 'witnessctl'), ['add-key', '-db', db, '-origin', ORIGIN, '-key', logVerifierKey(api.runtime.deps.logKey!)]);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    witness = spawn(join(BIN, 'litewitness'), ['-name', NAME, '-db', db, '-ssh-agent', sock, '-key', fingerprint, '-listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/`)).status === 200) break;
      } catch {
        /* not listening yet */
      }
      assert.ok(i < 100, 'litewitness did not answer within 5 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  after(async () => {
    witness?.kill();
    agent?.kill();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('cosigns the growing log; the log keeps its cosignature, and a receipt meets a quorum of that witness', async () => {
    const id = await certify();
    // Not listed yet: litewitness cosigns, and the log refuses to keep a stranger's cosignature.
    const stranger = await push();
    assert.equal(stranger.code, 1);
    assert.match(stranger.stderr, /no cosignature by a listed witness/);
    assert.equal((await runCli('log', 'witness', 'add', '--vkey', vkey, '--data-dir', api.config.dataDir)).code, 0);
    const first = await push();
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`checkpoint of \\d+ cosigned by ${NAME.replace(/\./g, '\\.')}`));
    // The log grows; litewitness knows the older size (409 with it), and gets a consistency proof from there.
    await certify();
    signCheckpoint({ ledger: api.runtime.deps.ledger, clock: api.runtime.deps.clock, logKey: api.runtime.deps.logKey! });
    const grown = await push();
    assert.equal(grown.code, 0, grown.stderr);
    const served = parseSignedNote(await (await fetch(`${api.url}/log/checkpoint`)).text());
    assert.deepEqual(verifyCosignatures(served, [parseVerifierKey(vkey)]).map((c) => c.key.name), [NAME], 'served with litewitness\'s cosignature, which verifies');
    // A quorum of one: the trust root names the witness, and the receipt carries its cosignature.
    assert.equal((await runCli('log', 'quorum', '1', '--data-dir', api.config.dataDir)).code, 0);
    const root = parseTrustRoot(trustRootFile(api.runtime.deps));
    assert.deepEqual([root.log?.witnesses, root.log?.witnessQuorum], [[vkey], 1]);
    const files = certificateFiles(api.config.dataDir, id);
    const envelope = parseCertificate(readFileSync(files.certificate)) as { payload: string };
    const { statement } = verifyCertificate(envelope, trustRootKeys(root));
    const facts = checkCertificateReceipt(root, envelope, statement, receiptFor(api.runtime.deps.ledger.tlog, statement.certificateId))!;
    assert.deepEqual(facts.cosignatures.map((c) => c.witness), [NAME]);
    // The receipt the bundle got at issue had no cosignature yet: under this trust root it falls short of the quorum.
    assert.throws(() => checkCertificateReceipt(root, envelope, statement, readFileSync(join(files.dir, RECEIPT_FILE))), (e: unknown) => (e as { code?: string }).code === 'COSIGNATURE_MISSING');
  });

  it('refuses a history rewritten in the ledger: the push fails, saying the witness refused it', async () => {
    rewriteLogHistory(api.config.ledgerPath, 0, { dropCheckpoints: true });
    // One more entry, so that the rewritten tree is larger than what the witness saw, and signed by the log's own key.
    await certify();
    signCheckpoint({ ledger: api.runtime.deps.ledger, clock: api.runtime.deps.clock, logKey: api.runtime.deps.logKey! });
    const refused = await push();
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, /the witness refused the checkpoint of \d+ \(422\)/);
    assert.equal(api.runtime.deps.ledger.tlog.cosignatures(api.runtime.deps.ledger.tlog.latestCheckpoint()!.size).length, 0, 'nothing cosigned the rewritten history');
  });
});
