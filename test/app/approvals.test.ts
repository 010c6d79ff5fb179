// Signed approvals and people on the server (issue 15, items 2 and 3), against
// a real ledger file: the use cases approveOrder and signPlan accept exactly
// a signature by the person's own registered key, in force, allowed for the
// role, made now, over this order's document and current plan; each refusal
// names what failed and changes nothing. People are registered with checked
// names, roles and keys; removing one revokes their tokens and ends their
// key at once; the trust root lists their keys. The ledger's migration 6
// turns the token holders of an older ledger into people.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { canonicalize, parseTrustRoot, publicKeyToPem, seedSigner, signApproval, type Signer, ValidationError } from '../../packages/verify/src/core/index.js';
import { approvalSubject, approveOrder, type SignedApproval, signPlan } from '../../src/app/approve-order.js';
import type { EngineDeps } from '../../src/app/deps.js';
import { RuleError } from '../../src/app/errors.js';
import { addPerson, removePerson, revokePersonKey, setPersonKey } from '../../src/app/people.js';
import { NO_PLAN, NOT_RUN, type OrderRow } from '../../src/app/ports/orders.js';
import { authenticate, issueToken } from '../../src/app/tokens.js';
import { trustRootFile } from '../../src/app/trust-root.js';
import { migrate } from '../../src/adapters/ledger/sqlite/migrations.js';
import { SqliteLedger } from '../../src/adapters/ledger/sqlite/sqlite-ledger.js';

const signerOf = (n: number): Signer => seedSigner(new Uint8Array(32).fill(n));
const CERT_KEY = signerOf(1);
const BOB = signerOf(2);
const ALICE = signerOf(3);
const CAROL = signerOf(4);
const PLAN = 'ab'.repeat(32);
const DOC = '{"reference":"r","targets":[]}';

describe('signed approvals and people (issue 15)', () => {
  let dir: string;
  let ledger: SqliteLedger;
  let now: Date;
  let deps: EngineDeps;
  const clock = { now: () => now };
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  beforeEach(() => {
    ledger?.close();
    dir = mkdtempSync(join(tmpdir(), 'sp-approvals-'));
    dirs.push(dir);
    ledger = new SqliteLedger(join(dir, 'ledger.sqlite'));
    now = new Date('2026-12-01T10:00:00.000Z');
    deps = { ledger, clock, signer: CERT_KEY, issuerName: 'Example Corp' } as unknown as EngineDeps;
    addPerson(deps, { name: 'alice', roles: ['operator'], publicKeyPem: publicKeyToPem(ALICE.publicKey) }, 'root');
    addPerson(deps, { name: 'bob', roles: ['approver'], publicKeyPem: publicKeyToPem(BOB.publicKey) }, 'root');
    now = new Date('2026-12-01T10:05:00.000Z');
  });

  /** A planned order of alice's, as planOrder leaves it. */
  function plannedOrder(id = 'ord-1', doc = DOC): OrderRow {
    ledger.createOrder(
      {
        id,
        reference: 'r',
        document: doc,
        documentSha256: createHash('sha256').update(doc).digest('hex'),
        state: 'draft',
        createdBy: 'alice',
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        ...NO_PLAN,
        ...NOT_RUN,
      },
      'alice',
    );
    return ledger.transition(id, ['draft'], 'planned', 'alice', now.toISOString(), { planRoot: PLAN, planCount: 7, planBytes: 70, plannedAt: now.toISOString() });
  }

  const sign = (order: OrderRow, signer: Signer, person: string, role: 'approver' | 'performer' = 'approver', over: Partial<ReturnType<typeof approvalSubject>> = {}, signedAt = now.toISOString()): SignedApproval => {
    const a = signApproval(signer, { ...approvalSubject(order), ...over }, { role, person, signedAt });
    return { keyid: a.keyid, signedAt: a.signedAt, signature: a.signature };
  };

  /** Asserts a refusal with `code` whose message includes `text`, and that the order did not change. */
  function refused(f: () => unknown, code: string, text: string | RegExp): void {
    const before = JSON.stringify(ledger.getOrder('ord-1'));
    assert.throws(f, (e: unknown) => {
      assert.ok(e instanceof RuleError, String(e));
      assert.equal(e.code, code, e.message);
      if (typeof text === 'string') assert.ok(e.message.includes(text), e.message);
      else assert.match(e.message, text);
      return true;
    });
    assert.equal(JSON.stringify(ledger.getOrder('ord-1')), before, 'the order is unchanged');
  }

  it('approves with the approver\'s own key; the order keeps the signature, the history names the key', () => {
    const order = plannedOrder();
    const approved = approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, BOB, 'bob'));
    assert.equal(approved.state, 'approved');
    const [a] = JSON.parse(approved.approvals!) as Array<Record<string, string>>;
    assert.deepEqual([a!.role, a!.person, a!.keyid], ['approver', 'bob', BOB.keyid]);
    assert.match(ledger.events('ord-1').at(-1)!.detail!, new RegExp(`with key ${BOB.keyid}`));
  });

  it('refuses every other approval, naming what failed', () => {
    const order = plannedOrder();
    addPerson(deps, { name: 'carol', roles: ['auditor'], publicKeyPem: publicKeyToPem(CAROL.publicKey) }, 'root');
    refused(() => approveOrder(deps, 'ord-1', 'dave', PLAN, sign(order, signerOf(9), 'dave')), 'APPROVAL_REFUSED', '"dave" is not a registered person');
    refused(() => approveOrder(deps, 'ord-1', 'carol', PLAN, sign(order, CAROL, 'carol')), 'APPROVAL_REFUSED', 'carol does not hold the approver role');
    refused(() => approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, signerOf(9), 'bob')), 'APPROVAL_REFUSED', 'is not registered to bob');
    refused(() => approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, ALICE, 'bob')), 'APPROVAL_REFUSED', `key ${ALICE.keyid} is not registered to bob`);
    // What was signed must be this order's document and current plan, in this role, by this person.
    const overs: Array<Partial<ReturnType<typeof approvalSubject>>> = [
      { inventory: { treeSize: 7, rootHash: 'cd'.repeat(32) } },
      { inventory: { treeSize: 8, rootHash: PLAN } },
      { orderSha256: 'ef'.repeat(32) },
      { orderId: 'ord-2' },
    ];
    for (const over of overs) refused(() => approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, BOB, 'bob', 'approver', over)), 'APPROVAL_REFUSED', 'the signature does not hold');
    refused(() => approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, BOB, 'bob', 'performer')), 'APPROVAL_REFUSED', 'the signature does not hold');
    refused(() => approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, BOB, 'robert')), 'APPROVAL_REFUSED', 'the signature does not hold');
    refused(() => approveOrder(deps, 'ord-1', 'bob', PLAN, { ...sign(order, BOB, 'bob'), signature: 'A'.repeat(86) + '==' }), 'APPROVAL_REFUSED', 'the signature does not hold');
    // signedAt: within five minutes of the server's clock, and a time a statement can hold.
    const late = new Date(now.getTime() - 5 * 60_000 - 1).toISOString();
    refused(() => approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, BOB, 'bob', 'approver', {}, late)), 'APPROVAL_REFUSED', /is 300 s behind the server's clock/);
    const early = new Date(now.getTime() + 5 * 60_000 + 1000).toISOString();
    refused(() => approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, BOB, 'bob', 'approver', {}, early)), 'APPROVAL_REFUSED', /is 301 s ahead of the server's clock/);
    for (const bad of ['2026-12-01T10:05:60Z', '2026-12-01T10:05:00.0000000000Z', '2026-12-01 10:05:00Z', 'yesterday']) {
      refused(() => approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, BOB, 'bob', 'approver', {}, bad)), 'APPROVAL_REFUSED', 'is not an RFC 3339 UTC time');
    }
    // The rules before the signature: the plan reviewed, and a second person.
    refused(() => approveOrder(deps, 'ord-1', 'bob', 'cd'.repeat(32), sign(order, BOB, 'bob')), 'STALE_PLAN', 'the current plan is');
    refused(() => approveOrder(deps, 'ord-1', 'Alice', PLAN, sign(order, ALICE, 'Alice')), 'SELF_APPROVAL', 'cannot approve it');
    // Five minutes either side exactly is accepted.
    const edge = new Date(now.getTime() - 5 * 60_000).toISOString();
    assert.equal(approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, BOB, 'bob', 'approver', {}, edge)).state, 'approved');
  });

  it('refuses a key that is not in force: replaced, revoked, of a removed person', () => {
    const order = plannedOrder();
    now = new Date('2026-12-01T11:00:00.000Z');
    setPersonKey(deps, 'bob', publicKeyToPem(CAROL.publicKey), 'root');
    now = new Date('2026-12-01T11:01:00.000Z');
    refused(() => approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, BOB, 'bob')), 'APPROVAL_REFUSED', `key ${BOB.keyid} is not in force now`);
    revokePersonKey(deps, CAROL.keyid, '2026-12-01T11:00:30.000Z', 'laptop lost', 'root');
    refused(() => approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, CAROL, 'bob')), 'APPROVAL_REFUSED', 'revoked at 2026-12-01T11:00:30.000Z');
    removePerson(deps, 'bob', 'root');
    refused(() => approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, CAROL, 'bob')), 'APPROVAL_REFUSED', '"bob" is not a registered person');
  });

  it('the creator may sign the plan as performer, no one else; the approval keeps it', () => {
    const order = plannedOrder();
    refused(() => signPlan(deps, 'ord-1', 'bob', PLAN, sign(order, BOB, 'bob', 'performer')), 'APPROVAL_REFUSED', "only the order's creator (alice)");
    refused(() => signPlan(deps, 'ord-1', 'alice', PLAN, sign(order, ALICE, 'alice', 'approver')), 'APPROVAL_REFUSED', 'the signature does not hold');
    const signed = signPlan(deps, 'ord-1', 'alice', PLAN, sign(order, ALICE, 'alice', 'performer'));
    assert.equal(signed.state, 'planned');
    const approved = approveOrder(deps, 'ord-1', 'bob', PLAN, sign(order, BOB, 'bob'));
    assert.deepEqual((JSON.parse(approved.approvals!) as Array<{ role: string; person: string }>).map((a) => `${a.role} ${a.person}`), ['performer alice', 'approver bob']);
    assert.ok(ledger.access.audit().some((e) => e.action === 'order.sign-plan' && e.orderId === 'ord-1'));
  });

  it('registers people with checked names, roles and keys, and refuses bad input naming the field, changing nothing', () => {
    const bad: Array<[Record<string, unknown>, string, string]> = [
      [{ name: '', roles: ['approver'] }, '$.name', 'must be 1-64 characters'],
      [{ name: 'has space', roles: ['approver'] }, '$.name', 'must be 1-64 characters'],
      [{ name: 'BOB', roles: ['approver'] }, '$.name', 'another spelling of "bob"'],
      [{ name: 'bob', roles: ['approver'] }, '$.name', 'bob is registered already'],
      [{ name: 'erin', roles: [] }, '$.roles', 'must list one or more'],
      [{ name: 'erin', roles: ['root'] }, '$.roles[0]', 'must be one of operator, approver, auditor, admin'],
      [{ name: 'erin', roles: ['approver', 'approver'] }, '$.roles', 'must not repeat'],
      [{ name: 'erin', roles: ['approver'], publicKeyPem: 'not a key' }, '$.publicKey', 'is not an Ed25519 public key'],
      [{ name: 'erin', roles: ['approver'], publicKeyPem: publicKeyToPem(BOB.publicKey) }, '$.publicKey', 'registered already, to bob'],
    ];
    // A key the server signs certificates with is not a person's.
    ledger.keys.recordSigningKey(CERT_KEY.keyid, publicKeyToPem(CERT_KEY.publicKey), now.toISOString());
    bad.push([{ name: 'erin', roles: ['approver'], publicKeyPem: publicKeyToPem(CERT_KEY.publicKey) }, '$.publicKey', 'is a certificate key of this server']);
    const before = [ledger.people.people().length, ledger.people.personKeys().length, ledger.access.auditHead().entries];
    for (const [input, path, text] of bad) {
      assert.throws(
        () => addPerson(deps, input as Parameters<typeof addPerson>[1], 'root'),
        (e: unknown) => e instanceof ValidationError && e.fields.some((f) => f.path === path && f.problem.includes(text)),
        JSON.stringify(input),
      );
    }
    assert.deepEqual([ledger.people.people().length, ledger.people.personKeys().length, ledger.access.auditHead().entries], before);
    const actions = ledger.access.audit().map((e) => `${e.action} ${e.detail}`);
    assert.ok(actions.some((a) => a.startsWith('person.add person bob registered with roles approver')), actions.join('\n'));
    assert.ok(actions.some((a) => a.startsWith(`person.key key ${BOB.keyid} of bob`) && a.endsWith('signs as approver')), actions.join('\n'));
  });

  it('removing a person revokes every token of theirs at once and ends their key; the trust root shows it', () => {
    const t1 = issueToken(ledger, { name: 'bob', role: 'approver', createdBy: 'root', now });
    assert.equal(authenticate(ledger.access, t1.token, now).ok, true);
    now = new Date('2026-12-01T12:00:00.000Z');
    assert.deepEqual(removePerson(deps, 'bob', 'root'), { tokensRevoked: 1 });
    const check = authenticate(ledger.access, t1.token, now);
    assert.equal(check.ok, false);
    assert.equal(!check.ok && check.reason, 'REVOKED');
    ledger.keys.recordSigningKey(CERT_KEY.keyid, publicKeyToPem(CERT_KEY.publicKey), '2026-12-01T09:00:00.000Z');
    const root = parseTrustRoot(trustRootFile(deps));
    assert.deepEqual(
      root.approvalKeys.map((k) => [k.person, k.roles, k.validFrom, k.validUntil]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      [
        ['alice', ['performer'], '2026-12-01T10:00:00.000Z', undefined],
        ['bob', ['approver'], '2026-12-01T10:00:00.000Z', '2026-12-01T12:00:00.000Z'],
      ],
    );
    assert.equal(root.approvalsRequiredFrom, ledger.people.approvalsRequiredFrom());
    // An auditor's key signs nothing, so the trust root leaves it out.
    addPerson(deps, { name: 'carol', roles: ['auditor'], publicKeyPem: publicKeyToPem(CAROL.publicKey) }, 'root');
    assert.equal(parseTrustRoot(trustRootFile(deps)).approvalKeys.length, 2);
  });

  it('migration 6 makes a person of every token holder of an older ledger, with the roles of their tokens', () => {
    const path = join(dir, 'old.sqlite');
    const db = new Database(path);
    // Migrations 1 to 5 as an older shredproof left them, with three tokens for two people.
    const steps = db.pragma('user_version', { simple: true }) as number;
    assert.equal(steps, 0);
    db.close();
    const old = new SqliteLedger(path);
    old.close();
    const raw = new Database(path);
    // Undo migration 6 to stand for a version 5 file with tokens in it.
    raw.exec('DROP TABLE people; DROP TABLE person_keys; DROP TABLE ledger_settings; DROP TABLE artifact_manifest; DROP TABLE artifacts; ALTER TABLE orders DROP COLUMN derived; DROP TABLE vendors; DROP TABLE log_cosignatures; DROP TABLE log_checkpoints; DROP TABLE log_nodes; DROP TABLE log_entries; DROP TABLE log_witnesses; ALTER TABLE orders DROP COLUMN approvals; PRAGMA user_version = 5;');
    const insert = raw.prepare("INSERT INTO tokens (id, name, role, secret_sha256, created_at, created_by) VALUES (?,?,?,'x',?,'root')");
    insert.run('tok_1', 'olga', 'operator', '2026-01-01T00:00:00.000Z');
    insert.run('tok_2', 'olga', 'approver', '2026-01-02T00:00:00.000Z');
    insert.run('tok_3', 'ada', 'admin', '2026-01-03T00:00:00.000Z');
    now = new Date();
    assert.equal(migrate(raw), 10);
    const people = raw.prepare('SELECT name, roles, created_at AS createdAt, created_by AS createdBy FROM people ORDER BY num').all();
    assert.deepEqual(people, [
      { name: 'olga', roles: 'approver,operator', createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'ledger migration 6' },
      { name: 'ada', roles: 'admin', createdAt: '2026-01-03T00:00:00.000Z', createdBy: 'ledger migration 6' },
    ]);
    const from = (raw.prepare("SELECT value FROM ledger_settings WHERE name = 'approvals_required_from'").get() as { value: string }).value;
    assert.ok(Math.abs(Date.parse(from) - Date.now()) < 60_000, from);
    raw.close();
  });

  it('a certificate key\'s canonical order document is what the signature covers', () => {
    // approvalSubject hashes nothing itself: documentSha256 is the ledger's SHA-256 of the RFC 8785 document.
    const order = plannedOrder('ord-1', canonicalize({ targets: [], reference: 'r' }));
    assert.equal(approvalSubject(order).orderSha256, createHash('sha256').update('{"reference":"r","targets":[]}').digest('hex'));
  });
});
