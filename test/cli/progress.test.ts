// Progress that survives pipes and logs (issue 12, item 2). Not a terminal:
// `shredproof demo` with its stderr captured by this test (a pipe) prints
// complete lines, the plan's total being what the plan lists, and ends each
// phase with a final line whose counts are the certificate's. On a terminal:
// the progress code is driven with a stand-in for a terminal (an object with
// isTTY, columns and write, as process.stderr has on a terminal) and a clock
// of the test's own.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { progressBar, type ProgressStream } from '../../src/cli/progress.js';
import { spawnCli } from '../helpers/run-cli.js';
import { requireRedis } from '../helpers/services.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-progress-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for a terminal (or, with isTTY false, for a pipe) that keeps what is written. */
function fakeStream(isTTY: boolean, columns = 80): ProgressStream & { text: string } {
  return {
    isTTY,
    columns,
    text: '',
    write(s: string) {
      this.text += s;
      return true;
    },
  };
}

const RATE = String.raw`(?:\d+(?:\.\d)?|-)/s`;
const LINE = new RegExp(String.raw`^(plan|execute): (\d+)/(\d+) \((\d+)%\), ${RATE}, ETA (?:-|\d+ s|\d+ min \d+ s|\d+ h \d+ min)(?:; .+)?$`);
const FINAL = /^(plan|execute): (\d+)\/(\d+) \(100%\) finished in \d+\.\d s(?:, \d+(?:\.\d)?\/s on average)?(?:; (.+))?$/;

describe('progress when stderr is not a terminal', () => {
  it('demo prints complete lines, the plan ends at 100% of what it lists, and execute ends with the final counts', async () => {
    await requireRedis();
    const r = spawnCli(['demo', '--out', join(dir, 'demo'), '--objects', '1500'], { env: { LOG_LEVEL: 'warn' } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /[\r\u001b]/, 'no carriage returns or escape sequences in a log');
    const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{')); // JSON lines are the logger's
    const planned = Number(/demo: planned (\d+) objects/.exec(r.stdout)![1]);
    const destroyed = Number(/destroyed (\d+) objects/.exec(r.stdout)![1]);
    for (const phase of ['plan', 'execute']) {
      const mine = lines.filter((l) => l.startsWith(`${phase}:`));
      assert.ok(mine.length >= 2, `${phase}: a first line and a final one in\n${r.stderr}`);
      for (const l of mine.slice(0, -1)) {
        const m = LINE.exec(l);
        assert.ok(m, `an incomplete or malformed ${phase} line: ${JSON.stringify(l)}`);
        assert.equal(Number(m[3]), planned, `the total is what the plan lists: ${l}`);
      }
      const final = FINAL.exec(mine[mine.length - 1]!);
      assert.ok(final, `the last ${phase} line is the final one: ${JSON.stringify(mine[mine.length - 1])}`);
      assert.deepEqual([Number(final[2]), Number(final[3])], [planned, planned]);
      if (phase === 'execute') assert.match(final[4]!, new RegExp(`^destroyed ${destroyed}, retained ${planned - destroyed}, exceptions 0; certified$`));
    }
    assert.ok(lines.findIndex((l) => l.startsWith('execute:')) > lines.findIndex((l) => FINAL.test(l) && l.startsWith('plan:')), 'plan finishes before execute starts');
  });

  it('prints at once, then one line per period however often it is updated, and always the final line', () => {
    let t = 1_000_000;
    const s = fakeStream(false);
    const p = progressBar('execute', { stream: s, everyMs: 2000, now: () => t });
    for (let i = 0; i <= 40; i++, t += 250) p.update(i * 100, 5000, `destroyed ${i * 90}`);
    p.finish(4000, 5000, 'destroyed 3600; cancelled');
    const lines = s.text.trimEnd().split('\n');
    // updates at 0, 0.25 ... 10 s: lines at 0, 2, 4, 6, 8 and 10 s, and the final one
    assert.equal(lines.length, 7, s.text);
    assert.equal(lines[0], 'execute: 0/5000 (0%), -/s, ETA -; destroyed 0');
    assert.equal(lines[1], 'execute: 800/5000 (16%), 400/s, ETA 11 s; destroyed 720');
    assert.equal(lines[5], 'execute: 4000/5000 (80%), 400/s, ETA 3 s; destroyed 3600');
    assert.match(lines[6]!, /^execute: 4000\/5000 \(80%\) finished in 10\.\d s, 39\d\/s on average; destroyed 3600; cancelled$/);
  });
});

describe('progress on a terminal (a stand-in object for one)', () => {
  /** Each redraw of the line (written as CR, erase line, text). */
  const frames = (text: string) => text.split('\r\u001b[K').filter(Boolean);

  it('never claims a rate from a first update that comes fast, nor an infinite ETA when nothing moves; the bar ends at 100%', () => {
    let t = 5_000;
    const s = fakeStream(true, 100);
    const p = progressBar('plan', { stream: s, now: () => t });
    t += 1;
    p.update(1000, 20_000); // 1 ms after the start: 1000 done (a page listed), as demo's first tick
    for (let i = 0; i < 20; i++, t += 150) p.update(1000, 20_000); // 3 s without progress
    for (let i = 1; i <= 38; i++, t += 250) p.update(1000 + i * 500, 20_000); // 2000/s
    p.finish(20_000, 20_000);
    const all = frames(s.text);
    assert.ok(all.length > 20, `redrawn as it goes: ${all.length} frames`);
    for (const f of all) {
      assert.doesNotMatch(f, /NF|Infinity|NaN|undefined/, f);
      for (const m of f.matchAll(/(\d+(?:\.\d+)?)\/s/g)) assert.ok(Number(m[1]) <= 2100, `an impossible rate: ${f}`);
    }
    assert.match(all[0]!, /\b1000\/20000, -\/s, ETA -$/, 'no rate and no ETA before a second has passed');
    assert.ok(all.some((f) => /, 0\.0\/s, ETA -$/.test(f)), 'a stall shows rate 0 and no ETA');
    assert.ok(all.some((f) => /, (?:1[5-9]\d\d|20\d\d)\/s, ETA \d+ s$/.test(f)), 'the steady rate (2000/s) and an ETA');
    for (const f of all.slice(0, -1)) assert.ok(f.length <= 99, `a redrawn line fits in the terminal (a wrapped one cannot be redrawn): ${f.length}`);
    const last = all[all.length - 1]!;
    assert.match(last, /^plan    \[#+\] 100% 20000\/20000, done in \d+\.\d s, \d+\/s\n$/);
  });

  it('shows a rate known elsewhere (the server\'s, for order wait) as given', () => {
    const s = fakeStream(true);
    const p = progressBar('execute', { stream: s });
    p.update(250, 1000, 'destroyed 200', { perSecond: 120, etaSeconds: 6.2, extra: '1.2 MB/s' });
    assert.match(s.text, /\] {2}25% 250\/1000, 120\/s, 1\.2 MB\/s, ETA 6 s, destroyed 200$/);
  });
});
