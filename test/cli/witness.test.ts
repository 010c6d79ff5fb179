// `shredproof witness` against a running server's log (issue 17, item 5;
// docs/VERIFYING.md "Witnessing the log"): the first run keeps the
// checkpoint; a grown log is proved consistent from its tiles and kept; a
// cosignature is handed back once the witness is listed (`shredproof log
// witness add`) and then served. A history rewritten in the ledger by the
// test (an entry changed, the tree rebuilt over it, the old checkpoints
// deleted, and a fresh one signed with the log's own key), a log cut back,
// and a checkpoint under another key are each refused with exit 1 and a
// message that says what happened, and the state file is left as it was.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { generateKeys } from '../../src/adapters/keys/pem-keys.js';
import { rewriteLogHistory } from '../helpers/rewrite-log.js';
import { signCheckpoint } from '../../src/app/transparency-log.js';
import { trustRootFile } from '../../src/app/trust-root.js';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';
import { executeDemoOrder } from '../helpers/engine-harness.js';
import { runCli } from '../helpers/run-cli.js';

describe('shredproof witness', { timeout: 180_000 }, () => {
  let api: ApiHarness;
  let trust: string;
  let state: string;
  let cosignKey: string;
  const name = 'witness.example.org/regulator';
  const witness = (...more: string[]) => runCli('witness', '--log', `${api.url}/log`, '--trust', trust, '--state', state, ...more);
  const certify = async () => {
    const id = await executeDemoOrder(api);
    await api.runtime.coordinator.waitFor(id);
  };
  before(async () => {
    api = await startApiHarness({ objects: 6, env: { SHREDPROOF_LOG_ORIGIN: 'log.test.example/witnessed' } });
    trust = join(api.dir, 'trust.json');
    writeFileSync(trust, trustRootFile(api.runtime.deps));
    state = join(api.dir, 'witness-state.json');
    cosignKey = (await generateKeys(join(api.dir, 'witness-keys'), undefined, { privateKey: 'w.key.pem', publicKey: 'w.pub.pem' })).privateKeyPath;
  });
  after(() => api?.close());

  it('keeps the first checkpoint, then proves each larger one consistent from the tiles', async () => {
    await certify();
    const first = await witness();
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /^checkpoint OK: log\.test\.example\/witnessed, \d+ entries, root [0-9a-f]{64}: first run/);
    const kept = JSON.parse(readFileSync(state, 'utf8')) as { size: number };
    assert.equal((await witness()).stdout.includes('unchanged since'), true);
    for (let i = 0; i < 2; i++) await certify();
    const grown = await witness('--json');
    assert.equal(grown.code, 0, grown.stdout + grown.stderr);
    const out = JSON.parse(grown.stdout) as { size: number; seen: string };
    assert.ok(out.size > kept.size);
    assert.match(out.seen, new RegExp(`^consistent with the ${kept.size} entries kept on`));
  });

  it('cosigns once listed: refused before (the checkpoint is kept all the same), then taken and served', async () => {
    const vkey = (await runCli('witness', '--print-vkey', '--cosign-key', cosignKey, '--name', name)).stdout.trim();
    assert.match(vkey, /^witness\.example\.org\/regulator\+[0-9a-f]{8}\+B[A-Za-z0-9+/]{43}$/);
    const refused = await witness('--cosign-key', cosignKey, '--name', name);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /the log refused the cosignature \(409\).*no cosignature by a listed witness/s);
    const added = await runCli('log', 'witness', 'add', '--vkey', vkey, '--data-dir', api.config.dataDir);
    assert.equal(added.code, 0, added.stderr);
    const ok = await witness('--cosign-key', cosignKey, '--name', name);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /cosigned as witness\.example\.org\/regulator\+[0-9a-f]{8}\+\S+ at .*: the log took it/);
    const served = await (await fetch(`${api.url}/log/checkpoint`)).text();
    assert.match(served, /\n\u2014 witness\.example\.org\/regulator \S+\n$/);
    // Cosigning again replaces its own line instead of signing the note twice.
    assert.equal((await witness('--cosign-key', cosignKey, '--name', name)).code, 0);
    assert.equal(((await (await fetch(`${api.url}/log/checkpoint`)).text()).match(/witness\.example\.org\/regulator/g) ?? []).length, 1);
  });

  it('refuses a rewritten history, a log cut back and another key, and keeps its state as it was', async () => {
    const before = readFileSync(state, 'utf8');
    const ledgerPath = api.config.ledgerPath;
    // An operator with the ledger file and the log key rewrites entry 1 and signs a fresh history.
    rewriteLogHistory(ledgerPath, 1, { dropCheckpoints: true });
    signCheckpoint({ ledger: api.runtime.deps.ledger, clock: api.runtime.deps.clock, logKey: api.runtime.deps.logKey! });
    const rewritten = await witness();
    assert.equal(rewritten.code, 1);
    assert.match(rewritten.stderr, /REFUSED: the log shows size \d+ with root \S+, but showed root \S+ at that size on .*two histories/);
    assert.equal(readFileSync(state, 'utf8'), before, 'the state is not changed by a refused checkpoint');
    // The same, one entry larger: not an extension.
    await certify();
    const forked = await witness();
    assert.equal(forked.code, 1);
    assert.match(forked.stderr, /REFUSED: the log's tree of \d+ does not extend the tree of \d+ .*its history was rewritten/);
    // Cut back below what the witness saw.
    const cut = new Database(ledgerPath);
    const keep = 2;
    cut.exec(`DELETE FROM log_cosignatures; DELETE FROM log_checkpoints; DELETE FROM log_entries WHERE idx >= ${keep}; DELETE FROM log_nodes WHERE (idx + 1) * (1 << level) > ${keep}`);
    cut.close();
    signCheckpoint({ ledger: api.runtime.deps.ledger, clock: api.runtime.deps.clock, logKey: api.runtime.deps.logKey! });
    const smaller = await witness();
    assert.equal(smaller.code, 1);
    assert.match(smaller.stderr, /REFUSED: the log shows 2 entries, fewer than the \d+ it showed on/);
    // A trust root whose log key is another: the checkpoint is not the log's.
    const other = JSON.parse(readFileSync(trust, 'utf8')) as { log: { keys: string[] } };
    other.log.keys = ['log.test.example/witnessed+b12a4e0f+AYqI4910CfGV/VLbLTy6XXLKZwm/HZQSG/N0iAG0D29c'];
    const otherTrust = join(api.dir, 'other-trust.json');
    writeFileSync(otherTrust, JSON.stringify(other));
    const wrongKey = await runCli('witness', '--log', `${api.url}/log`, '--trust', otherTrust, '--state', state);
    assert.notEqual(wrongKey.code, 0);
    assert.equal(readFileSync(state, 'utf8'), before);
  });

  it('bad input: missing options, a trust root without a log, an unreadable log: exit 2, nothing written', async () => {
    assert.equal((await runCli('witness', '--log', `${api.url}/log`, '--trust', trust)).code, 2);
    const noLog = join(api.dir, 'no-log.json');
    const t = JSON.parse(readFileSync(trust, 'utf8')) as Record<string, unknown>;
    delete t.log;
    writeFileSync(noLog, JSON.stringify(t));
    const r = await runCli('witness', '--log', `${api.url}/log`, '--trust', noLog, '--state', join(api.dir, 'never.json'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /names no transparency log/);
    const down = await runCli('witness', '--log', 'http://127.0.0.1:1/log', '--trust', trust, '--state', join(api.dir, 'never.json'));
    assert.equal(down.code, 2);
    assert.match(down.stderr, /cannot fetch http:\/\/127\.0\.0\.1:1\/log\/checkpoint/);
    assert.equal((await runCli('witness', '--print-vkey', '--cosign-key', cosignKey, '--name', 'two words')).code, 2);
  });
});
