// The StorageBackend conformance suite: one set of node:test cases that runs,
// unchanged, against every backend through its fixture (fixture.ts). Every
// claim the backend makes is checked against the store itself (fixture.exists)
// and against hashes the fixture computed on its own, never against the
// backend's own word. Each case gets a fresh fixture (a fresh temp dir, bucket,
// schema or key prefix) so that cases cannot see each other's objects.

import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { ValidationError } from '../../../../packages/verify/src/core/errors.js';
import type {
  ConsumeOutcome,
  DestroyOutcome,
  DestructionMethod,
  HashOutcome,
  ListedObject,
  ObjectRef,
  ProbeOutcome,
  TargetSession,
} from '../../../../src/app/ports/storage-backend.js';
import type { BackendFixture, FixtureFactory, ObjectSpec, SeededObject } from './fixture.js';

const METHODS: readonly DestructionMethod[] = ['unlink', 's3-delete-all-versions', 'sql-delete', 'redis-unlink', 'crypto-erase'];
const SHA256_HEX = /^[0-9a-f]{64}$/;

type Hashed = Extract<HashOutcome, { status: 'hashed' }>;

/** The standard population: 12 in scope, 3 held (in scope, under the fixture's hold), 3 out of scope. */
function population(): ObjectSpec[] {
  const specs: ObjectSpec[] = [];
  for (let i = 0; i < 12; i++) specs.push({ name: `in/a${i}`, seed: 100 + i });
  for (let i = 0; i < 3; i++) specs.push({ name: `held/h${i}`, seed: 200 + i });
  for (let i = 0; i < 3; i++) specs.push({ name: `out/o${i}`, seed: 300 + i });
  return specs;
}

interface World {
  fx: BackendFixture;
  session: TargetSession;
  /** Seeded objects by abstract name. */
  byName: Map<string, SeededObject>;
  all: SeededObject[];
}

async function world(t: TestContext, factory: FixtureFactory, specs: ObjectSpec[] = population()): Promise<World> {
  const fx = await factory();
  t.after(() => fx.close());
  const seeded = await fx.seed(specs);
  assert.equal(seeded.length, specs.length, 'fixture.seed must answer one SeededObject per spec');
  const byName = new Map(specs.map((s, i) => [s.name, seeded[i]!]));
  const session = await fx.backend.openTarget(fx.scope, [fx.hold]);
  t.after(() => session.close());
  return { fx, session, byName, all: seeded };
}

const get = (w: World, name: string): SeededObject => {
  const o = w.byName.get(name);
  assert.ok(o, `no seeded object ${name}`);
  return o;
};

const ref = (o: SeededObject): ObjectRef => ({ locator: o.locator });

async function listAll(session: TargetSession): Promise<{ pages: ListedObject[][]; objects: ListedObject[] }> {
  const pages: ListedObject[][] = [];
  for await (const page of session.list()) {
    assert.ok(Array.isArray(page), 'list() yields arrays');
    pages.push(page);
  }
  return { pages, objects: pages.flat() };
}

function hashed(o: HashOutcome | undefined, what: string): Hashed {
  assert.equal(o?.status, 'hashed', `${what}: ${JSON.stringify(o)}`);
  const h = o as Hashed;
  assert.match(h.sha256, SHA256_HEX);
  assert.equal(typeof h.fingerprint, 'string');
  assert.ok(h.fingerprint.length > 0, 'a fingerprint is never empty');
  return h;
}

async function hashOne(w: World, o: SeededObject): Promise<Hashed> {
  const [h] = await w.session.hash([ref(o)]);
  return hashed(h, o.locator);
}

async function assertExists(w: World, objects: readonly SeededObject[], expected: boolean): Promise<void> {
  for (const o of objects) assert.equal(await w.fx.exists(o.locator), expected, `${o.locator} should ${expected ? 'still be there' : 'be gone'}`);
}

/** A transient failure, in either form the port allows: a throw of the whole call, or a per-item error marked transient. */
async function transientOrOk<T extends { status: string }>(call: () => Promise<T[]>): Promise<{ threw: unknown } | { outcomes: T[] }> {
  try {
    return { outcomes: await call() };
  } catch (e) {
    return { threw: e };
  }
}

function isTransientItemError(o: { status: string; transient?: unknown }): boolean {
  return o.status === 'error' && o.transient === true;
}

/** Calls until the answer is neither a throw nor a transient item error; at most `tries` times. */
async function retrying<T extends { status: string }>(call: () => Promise<T[]>, tries = 20): Promise<T[]> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    const r = await transientOrOk(call);
    if ('outcomes' in r) {
      if (!r.outcomes.some((o) => isTransientItemError(o as T & { transient?: unknown }))) return r.outcomes;
      last = r.outcomes;
    } else last = r.threw;
    await new Promise((res) => setTimeout(res, 25 * (i + 1)));
  }
  assert.fail(`still failing after ${tries} tries: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

type RecordCall = HashOutcome[];

/** Calls consume with a record() that keeps every call and runs `during` inside it. */
async function consumeLogged(w: World, items: readonly ObjectRef[], during: (hashes: readonly HashOutcome[]) => Promise<void> = async () => undefined): Promise<{ out: ConsumeOutcome[]; calls: RecordCall[] }> {
  const calls: RecordCall[] = [];
  const out = await w.session.consume!(items, async (hashes) => {
    calls.push([...hashes]);
    await during(hashes);
  });
  return { out, calls };
}

const consumeCases: Record<string, (t: TestContext, factory: FixtureFactory) => Promise<void>> = {
  'destroys what it hashed, recording the fixture\'s own SHA-256 and size exactly once, while every object is still there': async (t, factory) => {
    const w = await world(t, factory);
    const victims = ['in/a0', 'in/a1', 'in/a2'].map((n) => get(w, n));
    const { out, calls } = await consumeLogged(w, victims.map(ref), async () => assertExists(w, victims, true));
    assert.equal(calls.length, 1, 'record is called exactly once');
    assert.equal(calls[0]!.length, victims.length);
    victims.forEach((o, i) => {
      const h = hashed(calls[0]![i], o.locator);
      assert.equal(h.sha256, o.sha256, `sha256 of ${o.locator}`);
      assert.equal(h.size, o.size, `size of ${o.locator}`);
      assert.deepEqual(out[i]!.hash, h, 'the outcome carries the hash recorded');
      assert.ok(out[i]!.destroy?.status === 'destroyed', JSON.stringify(out[i]!.destroy));
    });
    await assertExists(w, victims, false);
    assert.deepEqual(await w.session.probe(victims.map(ref)), victims.map((): ProbeOutcome => ({ status: 'absent' })));
    await assertExists(w, w.all.filter((o) => !victims.includes(o)), true);
  },
  'refuses out-of-scope, held, vanished and malformed items in order, with no destroy outcome, and leaves them': async (t, factory) => {
    const w = await world(t, factory);
    const [out, held, gone, good] = ['out/o0', 'held/h0', 'in/a3', 'in/a4'].map((n) => get(w, n)) as [SeededObject, SeededObject, SeededObject, SeededObject];
    await w.fx.remove(gone.locator);
    const items = [ref(out), ref(held), ref(gone), { locator: 42 } as unknown as ObjectRef, ref(good)];
    const { out: outcomes, calls } = await consumeLogged(w, items);
    assert.equal(calls.length, 1);
    assert.equal(outcomes.length, items.length);
    assert.deepEqual(outcomes.slice(0, 3), [{ hash: { status: 'out-of-scope' } }, { hash: { status: 'held', holdId: w.fx.hold.id } }, { hash: { status: 'absent' } }]);
    const bad = outcomes[3]!;
    assert.ok(bad.hash.status === 'error' ? bad.hash.transient === false : bad.hash.status === 'out-of-scope' || bad.hash.status === 'absent', JSON.stringify(bad));
    assert.equal(bad.destroy, undefined);
    assert.equal(hashed(outcomes[4]!.hash, good.locator).sha256, good.sha256);
    assert.ok(outcomes[4]!.destroy?.status === 'destroyed');
    await assertExists(w, [out, held], true);
    await assertExists(w, [good], false);
  },
  'destroys nothing and rethrows when record() throws': async (t, factory) => {
    const w = await world(t, factory);
    const victims = ['in/a0', 'in/a1'].map((n) => get(w, n));
    const boom = new Error('the intents could not be written');
    await assert.rejects(
      w.session.consume!(victims.map(ref), async () => {
        throw boom;
      }),
      (e: unknown) => e === boom,
    );
    await assertExists(w, w.all, true);
  },
  'records once for an empty batch, and answers nothing': async (t, factory) => {
    const w = await world(t, factory, [{ name: 'in/a0', seed: 1 }]);
    const { out, calls } = await consumeLogged(w, []);
    assert.deepEqual(calls, [[]]);
    assert.deepEqual(out, []);
  },
  'under a transient fault, whatever it destroyed had its hash recorded in that call; retried, it destroys the rest': async (t, factory) => {
    const w = await world(t, factory);
    if (!w.fx.failNext) {
      t.diagnostic(`no real transient fault injected: ${w.fx.transientFaultNote ?? ''}`);
      return;
    }
    const victims = ['in/a0', 'in/a1'].map((n) => get(w, n));
    // The fixture's own look may meet the fault too (a lock still held): asked again until it answers.
    const exists = async (o: SeededObject): Promise<boolean> => {
      for (let i = 0; ; i++) {
        try {
          return await w.fx.exists(o.locator);
        } catch (e) {
          if (i >= 40) throw e;
          await new Promise((r) => setTimeout(r, 25));
        }
      }
    };
    for (let fault = 1; fault <= 3; fault++) {
      await w.fx.failNext(fault); // the fault lands on a different statement each time
      const calls: RecordCall[] = [];
      await w.session.consume!(victims.map(ref), async (hashes) => void calls.push([...hashes])).catch(() => undefined);
      for (const [i, o] of victims.entries()) {
        if (await exists(o)) continue;
        const h = calls.flat().filter((x, k) => k % victims.length === i && x.status === 'hashed') as Hashed[];
        assert.ok(h.some((x) => x.sha256 === o.sha256), `${o.locator} was destroyed without its hash recorded (fault ${fault})`);
      }
      if (!(await Promise.all(victims.map(exists))).some(Boolean)) break;
    }
    // Retried as the engine would until no transient error is left: everything is gone, nothing else is.
    for (let i = 0; i < 20 && (await Promise.all(victims.map(exists))).some(Boolean); i++) {
      await w.session.consume!(victims.map(ref), async () => undefined).catch(() => undefined);
    }
    await assertExists(w, victims, false);
    await assertExists(w, w.all.filter((o) => !victims.includes(o)), true);
  },
};

export function runConformance(label: string, factory: FixtureFactory): void {
  describe(`StorageBackend conformance: ${label}`, () => {
    it('describes itself: name, kind, a known method and non-empty persistence statements', async (t) => {
      const fx = await factory();
      t.after(() => fx.close());
      const b = fx.backend;
      assert.ok(typeof b.name === 'string' && b.name.length > 0);
      assert.ok(typeof b.kind === 'string' && b.kind.length > 0);
      assert.ok(METHODS.includes(b.method), `method ${b.method}`);
      assert.ok(Array.isArray(b.persistence) && b.persistence.length > 0, 'persistence states what may survive');
      for (const s of b.persistence) assert.ok(typeof s === 'string' && s.length > 20, `persistence statement too thin: ${s}`);
    });

    it('lists exactly the in-scope and held objects, in pages, sizes as seeded, held ones with heldBy = the hold id', async (t) => {
      const w = await world(t, factory);
      const { pages, objects } = await listAll(w.session);
      assert.ok(pages.length >= 1);
      for (const p of pages) assert.ok(p.length > 0, 'no empty pages');
      const locators = objects.map((o) => o.locator);
      assert.equal(new Set(locators).size, locators.length, `an object is listed once: ${locators.join(', ')}`);
      const expected = [...w.byName.entries()].filter(([n]) => !n.startsWith('out/'));
      assert.deepEqual(new Set(locators), new Set(expected.map(([, o]) => o.locator)));
      const listed = new Map(objects.map((o) => [o.locator, o]));
      for (const [name, o] of expected) {
        const l = listed.get(o.locator)!;
        assert.equal(l.size, o.size, `size of ${name}`);
        if (name.startsWith('held/')) assert.equal(l.heldBy, w.fx.hold.id, `${name} is held`);
        else assert.equal(l.heldBy, undefined, `${name} is not held`);
      }
    });

    it('lists in the same order twice when nothing changed (the plan order is deterministic)', async (t) => {
      const w = await world(t, factory);
      const a = (await listAll(w.session)).objects.map((o) => o.locator);
      const b = (await listAll(w.session)).objects.map((o) => o.locator);
      assert.deepEqual(b, a);
    });

    it('hashes in-scope objects to the fixture\'s own SHA-256 and size, one outcome per item in order', async (t) => {
      const w = await world(t, factory);
      const inScope = [...w.byName].filter(([n]) => n.startsWith('in/')).map(([, o]) => o);
      const outcomes = await w.session.hash(inScope.map(ref));
      assert.equal(outcomes.length, inScope.length);
      inScope.forEach((o, i) => {
        const h = hashed(outcomes[i], o.locator);
        assert.equal(h.sha256, o.sha256, `sha256 of ${o.locator}`);
        assert.equal(h.size, o.size, `size of ${o.locator}`);
      });
      await assertExists(w, w.all, true); // hashing destroys nothing
    });

    it('destroys what it hashed; the store no longer has it; probe says absent; nothing else is touched', async (t) => {
      const w = await world(t, factory);
      const victims = ['in/a0', 'in/a1', 'in/a2'].map((n) => get(w, n));
      const hashes = await w.session.hash(victims.map(ref));
      const items = victims.map((o, i) => ({ ...ref(o), fingerprint: hashed(hashes[i], o.locator).fingerprint }));
      assert.deepEqual(await w.session.destroy(items), victims.map((): DestroyOutcome => ({ status: 'destroyed' })));
      await assertExists(w, victims, false);
      assert.deepEqual(await w.session.probe(victims.map(ref)), victims.map((): ProbeOutcome => ({ status: 'absent' })));
      await assertExists(w, w.all.filter((o) => !victims.includes(o)), true);
      // A second destroy of the same objects finds nothing to destroy and claims nothing.
      assert.deepEqual(await w.session.destroy(items), victims.map((): DestroyOutcome => ({ status: 'absent' })));
    });

    it('refuses out-of-scope and held objects passed directly to hash and destroy, and leaves them intact', async (t) => {
      const w = await world(t, factory);
      const out = get(w, 'out/o0');
      const held = get(w, 'held/h0');
      const donor = await hashOne(w, get(w, 'in/a0')); // a well-formed fingerprint, for the destroy call
      assert.deepEqual(await w.session.hash([ref(out), ref(held)]), [{ status: 'out-of-scope' }, { status: 'held', holdId: w.fx.hold.id }]);
      const destroyed = await w.session.destroy([
        { ...ref(out), fingerprint: donor.fingerprint },
        { ...ref(held), fingerprint: donor.fingerprint },
      ]);
      assert.deepEqual(destroyed, [{ status: 'out-of-scope' }, { status: 'held', holdId: w.fx.hold.id }]);
      await assertExists(w, w.all, true);
    });

    it('a hold given at openTarget wins over the scope for every held object', async (t) => {
      const w = await world(t, factory);
      const held = ['held/h0', 'held/h1', 'held/h2'].map((n) => get(w, n));
      const outcomes = await w.session.hash(held.map(ref));
      assert.deepEqual(outcomes, held.map(() => ({ status: 'held', holdId: w.fx.hold.id })));
      // Without the hold the same objects are in scope: the refusal above came from the hold.
      const unheld = await w.fx.backend.openTarget(w.fx.scope, []);
      t.after(() => unheld.close());
      const free = await unheld.hash(held.map(ref));
      held.forEach((o, i) => assert.equal(hashed(free[i], o.locator).sha256, o.sha256));
    });

    it('reports an object that vanished between list and hash as absent', async (t) => {
      const w = await world(t, factory);
      const o = get(w, 'in/a3');
      await w.fx.remove(o.locator);
      assert.deepEqual(await w.session.hash([ref(o)]), [{ status: 'absent' }]);
    });

    it('reports an object that vanished between hash and destroy as absent, never as destroyed', async (t) => {
      const w = await world(t, factory);
      const o = get(w, 'in/a4');
      const h = await hashOne(w, o);
      await w.fx.remove(o.locator);
      // 'changed' would also be safe (the engine re-hashes and then finds it absent), but a
      // backend must never claim to have destroyed what someone else removed (invariant 2).
      const [d] = await w.session.destroy([{ ...ref(o), fingerprint: h.fingerprint }]);
      assert.ok(d?.status === 'absent' || d?.status === 'changed', JSON.stringify(d));
      assert.deepEqual(await w.session.probe([ref(o)]), [{ status: 'absent' }]);
    });

    it('leaves an object whose content changed between hash and destroy alone, with its new content', async (t) => {
      const w = await world(t, factory);
      const o = get(w, 'in/a5');
      const h = await hashOne(w, o);
      assert.equal(h.sha256, o.sha256);
      await w.fx.mutate(o.locator);
      assert.deepEqual(await w.session.destroy([{ ...ref(o), fingerprint: h.fingerprint }]), [{ status: 'changed' }]);
      assert.equal(await w.fx.exists(o.locator), true);
      const again = await hashOne(w, o);
      assert.notEqual(again.sha256, h.sha256, 'the new content is there, not the old one');
      assert.notEqual(again.fingerprint, h.fingerprint);
    });

    it('refuses a fingerprint that is not the one it gave, and leaves the object alone', async (t) => {
      const w = await world(t, factory);
      const o = get(w, 'in/a6');
      const other = await hashOne(w, get(w, 'in/a7'));
      const [d] = await w.session.destroy([{ ...ref(o), fingerprint: other.fingerprint }]);
      assert.ok(d?.status === 'changed' || (d?.status === 'error' && d.transient === false), JSON.stringify(d));
      assert.equal(await w.fx.exists(o.locator), true);
    });

    it('refuses malformed items (untrusted job data) per item, with a permanent error, and goes on', async (t) => {
      const w = await world(t, factory);
      const good = get(w, 'in/a8');
      const bad = [{ locator: 42 }, { locator: '' }, null] as unknown as ObjectRef[];
      const outcomes = await w.session.hash([...bad, ref(good)]);
      assert.equal(outcomes.length, 4);
      for (const o of outcomes.slice(0, 3)) {
        assert.ok(o.status === 'error' || o.status === 'out-of-scope' || o.status === 'absent', JSON.stringify(o));
        if (o.status === 'error') assert.equal(o.transient, false);
      }
      assert.equal(hashed(outcomes[3], good.locator).sha256, good.sha256);
      await assertExists(w, w.all, true);
    });

    it('probes: present for an object that is there, absent for one that never was (seeded, then removed behind its back)', async (t) => {
      const w = await world(t, factory, [...population(), { name: 'in/ghost', seed: 999 }]);
      const ghost = get(w, 'in/ghost');
      await w.fx.remove(ghost.locator);
      const present = get(w, 'in/a9');
      assert.deepEqual(await w.session.probe([ref(ghost), ref(present), ref(get(w, 'out/o1'))]), [
        { status: 'absent' },
        { status: 'present' },
        { status: 'present' },
      ]);
      assert.deepEqual(await w.session.probe([]), []);
    });

    it('answers a batch mixing every case with one outcome per item, in order', async (t) => {
      const w = await world(t, factory);
      const [ok1, gone, changing, ok2] = ['in/a0', 'in/a1', 'in/a2', 'in/a3'].map((n) => get(w, n)) as [SeededObject, SeededObject, SeededObject, SeededObject];
      const out = get(w, 'out/o0');
      const held = get(w, 'held/h1');
      const vanishedEarly = get(w, 'in/a10');
      await w.fx.remove(vanishedEarly.locator);
      const batch = [ok1, out, gone, held, vanishedEarly, changing, ok2];
      const hashes = await w.session.hash(batch.map(ref));
      assert.equal(hashes.length, batch.length);
      const fp = (i: number) => hashed(hashes[i], batch[i]!.locator).fingerprint;
      assert.equal(hashes[1]!.status, 'out-of-scope');
      assert.deepEqual(hashes[3], { status: 'held', holdId: w.fx.hold.id });
      assert.deepEqual(hashes[4], { status: 'absent' });
      for (const i of [0, 2, 5, 6]) assert.equal((hashes[i] as Hashed).sha256, batch[i]!.sha256);
      const donor = fp(0);
      await w.fx.remove(gone.locator);
      await w.fx.mutate(changing.locator);
      const items = [
        { ...ref(ok1), fingerprint: fp(0) },
        { ...ref(out), fingerprint: donor },
        { ...ref(gone), fingerprint: fp(2) },
        { ...ref(held), fingerprint: donor },
        { ...ref(vanishedEarly), fingerprint: donor },
        { ...ref(changing), fingerprint: fp(5) },
        { ...ref(ok2), fingerprint: fp(6) },
      ];
      const destroyed = await w.session.destroy(items);
      assert.equal(destroyed.length, items.length);
      assert.deepEqual(destroyed[0], { status: 'destroyed' });
      assert.deepEqual(destroyed[1], { status: 'out-of-scope' });
      assert.ok(destroyed[2]!.status === 'absent' || destroyed[2]!.status === 'changed', JSON.stringify(destroyed[2]));
      assert.deepEqual(destroyed[3], { status: 'held', holdId: w.fx.hold.id });
      assert.ok(destroyed[4]!.status === 'absent' || destroyed[4]!.status === 'changed', JSON.stringify(destroyed[4]));
      assert.deepEqual(destroyed[5], { status: 'changed' });
      assert.deepEqual(destroyed[6], { status: 'destroyed' });
      assert.deepEqual(await w.session.probe(batch.map(ref)), [
        { status: 'absent' },
        { status: 'present' },
        { status: 'absent' },
        { status: 'present' },
        { status: 'absent' },
        { status: 'present' },
        { status: 'absent' },
      ]);
      await assertExists(w, [out, held, changing], true);
    });

    it('rejects every bad scope at openTarget with a ValidationError naming the bad fields', async (t) => {
      const fx = await factory();
      t.after(() => fx.close());
      assert.ok(fx.badScopes.length > 0, 'a fixture lists the bad scopes of its backend');
      const seeded = await fx.seed(population());
      for (const { label: what, scope } of fx.badScopes) {
        await assert.rejects(
          () => fx.backend.openTarget(scope, [fx.hold]),
          (e: unknown) => {
            assert.ok(e instanceof ValidationError, `${what}: ${String(e)}`);
            assert.ok(e.fields.length > 0, `${what}: names at least one field`);
            for (const f of e.fields) assert.ok(f.path.startsWith('$'), `${what}: field path ${f.path}`);
            return true;
          },
          what,
        );
      }
      for (const o of seeded) assert.equal(await fx.exists(o.locator), true);
    });

    it('survives transient faults: reported as transient (a throw or a transient item error), then retried to the right answer', async (t) => {
      const fx = await factory();
      t.after(() => fx.close());
      if (!fx.failNext) {
        // The port's retry path is then exercised by the engine tests only; say why, visibly.
        assert.ok(typeof fx.transientFaultNote === 'string' && fx.transientFaultNote.length > 0, 'a fixture without failNext explains why');
        t.diagnostic(`${label}: no real transient fault injected: ${fx.transientFaultNote}`);
        return;
      }
      const specs = population();
      const seeded = await fx.seed(specs);
      const w: World = { fx, session: await fx.backend.openTarget(fx.scope, [fx.hold]), byName: new Map(specs.map((s, i) => [s.name, seeded[i]!])), all: seeded };
      t.after(() => w.session.close());
      const victims = ['in/a0', 'in/a1'].map((n) => get(w, n));

      await fx.failNext(1);
      const first = await transientOrOk(() => w.session.hash(victims.map(ref)));
      if ('outcomes' in first) {
        assert.ok(first.outcomes.some((o) => isTransientItemError(o as HashOutcome & { transient?: unknown })), `the injected fault shows: ${JSON.stringify(first.outcomes)}`);
        for (const o of first.outcomes) assert.ok(o.status === 'hashed' || isTransientItemError(o as { status: string }), JSON.stringify(o));
      }
      const hashes = await retrying(() => w.session.hash(victims.map(ref)));
      victims.forEach((o, i) => assert.equal(hashed(hashes[i], o.locator).sha256, o.sha256));
      await assertExists(w, w.all, true);

      const items = victims.map((o, i) => ({ ...ref(o), fingerprint: (hashes[i] as Hashed).fingerprint }));
      await fx.failNext(1);
      const failed = await transientOrOk(() => w.session.destroy(items));
      if ('outcomes' in failed) {
        for (const o of failed.outcomes) assert.ok(o.status === 'destroyed' || isTransientItemError(o as { status: string }), JSON.stringify(o));
      }
      // Retried as the engine would: whatever the fault let through is now absent, the rest is destroyed now.
      const retried = await retrying(() => w.session.destroy(items));
      for (const o of retried) assert.ok(o.status === 'destroyed' || o.status === 'absent', JSON.stringify(o));
      await assertExists(w, victims, false);
      await assertExists(w, w.all.filter((o) => !victims.includes(o)), true);

      await fx.failNext(1);
      await transientOrOk(() => w.session.probe(victims.map(ref)));
      assert.deepEqual(await retrying(() => w.session.probe(victims.map(ref))), [{ status: 'absent' }, { status: 'absent' }]);
    });

    // consume() is optional (the port): these cases are subtests, made only when the backend's session has it.
    it('consume(): one pass, the hashes recorded before anything is destroyed (only for sessions that have consume)', async (t) => {
      const probe = await world(t, factory, [{ name: 'in/a0', seed: 1 }]);
      if (!probe.session.consume) {
        t.diagnostic(`${label}: no consume(); the engine uses hash() and destroy(), covered above`);
        return;
      }
      for (const [name, run] of Object.entries(consumeCases)) await t.test(name, (st) => run(st, factory));
    });

    it('answers empty batches with empty arrays', async (t) => {
      const w = await world(t, factory, [{ name: 'in/a0', seed: 1 }]);
      assert.deepEqual(await w.session.hash([]), []);
      assert.deepEqual(await w.session.destroy([]), []);
      assert.deepEqual(await w.session.probe([]), []);
    });
  });
}
