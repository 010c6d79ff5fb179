// Prometheus without a person's token: the scrape listener of
// SHREDPROOF_METRICS_PORT (src/http/metrics.ts, listenForScrapes), open on
// loopback, and behind the scrape token of SHREDPROOF_METRICS_TOKEN_FILE; the
// configuration that refuses it beyond loopback without a token; and the API's
// own GET /metrics, which a person's token of any role still reads.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { ValidationError } from '@shredproof/verify';
import { ApiMetrics, listenForScrapes, loadScrapeToken } from '../../src/http/metrics.js';
import { type ApiHarness, PEOPLE, startApiHarness } from '../helpers/api-harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'sp-metrics-scrape-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function tokenFile(name: string, text: string, mode = 0o600): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
}

const fakeEngine = { queue: { depth: async () => ({ waiting: 4 }), workers: async () => 1 }, ledger: { orderCounts: () => ({ byState: {}, overdue: 0 }) }, clock: { now: () => new Date() } };

async function listen(tokenPath: string | undefined): Promise<{ server: Server; url: string }> {
  const server = await listenForScrapes(new ApiMetrics(fakeEngine), { port: 0, host: '127.0.0.1', tokenFile: tokenPath });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}

describe('the scrape listener', () => {
  it('on loopback without a token: GET /metrics answers the registry, nothing else is there', async () => {
    const { server, url } = await listen(undefined);
    try {
      const r = await fetch(`${url}/metrics`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await r.text();
      assert.match(text, /^process_cpu_seconds_total \d/m);
      assert.match(text, /^shredproof_queue_jobs\{state="waiting"\} 4$/m);
      assert.match(text, /^shredproof_queue_workers 1$/m);
      const other = await fetch(`${url}/v1/orders`);
      assert.equal(other.status, 404);
      assert.equal(other.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      const post = await fetch(`${url}/metrics`, { method: 'POST' });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET, HEAD');
    } finally {
      await close(server);
    }
  });

  describe('with a scrape token', () => {
    const token = randomBytes(32).toString('hex');
    let server: Server;
    let url: string;
    before(async () => ({ server, url } = await listen(tokenFile('scrape.token', `${token}\n`))));
    after(async () => close(server));

    const scrape = (authorization?: string) => fetch(`${url}/metrics`, authorization === undefined ? {} : { headers: { authorization } });

    it('answers the token, with or without the case of "Bearer" and spaces around it', async () => {
      for (const auth of [`Bearer ${token}`, `bearer ${token}`, `Bearer   ${token} `]) {
        const r = await scrape(auth);
        assert.equal(r.status, 200, auth);
        assert.match(await r.text(), /^nodejs_heap_size_used_bytes \d/m);
      }
    });

    it('refuses no token, another token of the same length, the token cut or extended, and a person\'s API token', async () => {
      const flipped = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
      const refused = [undefined, '', 'Bearer', `Bearer ${flipped}`, `Bearer ${token.slice(0, -1)}`, `Bearer ${token}0`, `Basic ${token}`, token, `Bearer sp_0123456789abcdef_${'A'.repeat(43)}`];
      for (const auth of refused) {
        const r = await scrape(auth);
        assert.equal(r.status, 401, String(auth));
        assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="shredproof-metrics"');
        assert.doesNotMatch(await r.text(), /process_cpu/);
      }
    });
  });

  it('refuses a token file that others may read, or that holds no usable token', () => {
    const good = randomBytes(32).toString('hex');
    assert.throws(() => loadScrapeToken(tokenFile('open.token', good, 0o644)), /readable or writable by group or others.*chmod 600/);
    assert.throws(() => loadScrapeToken(tokenFile('short.token', 'swordfish')), /want one line of 32 to 512 printable characters/);
    assert.throws(() => loadScrapeToken(tokenFile('two-words.token', `${good} ${good}`)), /want one line/);
    assert.throws(() => loadScrapeToken(join(tmp, 'missing.token')), /cannot read the metrics scrape token/);
    assert.equal(loadScrapeToken(tokenFile('ok.token', `\n${good}\r\n`)), good);
  });
});

describe('the scrape listener\'s configuration', () => {
  const problemOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (e) {
      assert.ok(e instanceof ValidationError);
      return e.fields.map((f) => f.path);
    }
    return [];
  };

  it('is off by default, on loopback when given a port, and resolves the token file', () => {
    const off = loadConfig({});
    assert.deepEqual(off.metrics, { port: undefined, host: '127.0.0.1', tokenFile: undefined });
    const on = loadConfig({ SHREDPROOF_METRICS_PORT: '9464', SHREDPROOF_METRICS_TOKEN_FILE: 'scrape.token' });
    assert.deepEqual(on.metrics, { port: 9464, host: '127.0.0.1', tokenFile: join(process.cwd(), 'scrape.token') });
  });

  it('refuses a listener beyond loopback without a token, and a port out of range', () => {
    assert.deepEqual(problemOf({ SHREDPROOF_METRICS_PORT: '9464', SHREDPROOF_METRICS_HOST: '0.0.0.0' }), ['SHREDPROOF_METRICS_HOST']);
    assert.deepEqual(problemOf({ SHREDPROOF_METRICS_PORT: '9464', SHREDPROOF_METRICS_HOST: '0.0.0.0', SHREDPROOF_METRICS_TOKEN_FILE: '/run/secrets/scrape' }), []);
    assert.deepEqual(problemOf({ SHREDPROOF_METRICS_PORT: '9464', SHREDPROOF_METRICS_HOST: '::1' }), []);
    assert.deepEqual(problemOf({ SHREDPROOF_METRICS_PORT: '70000' }), ['SHREDPROOF_METRICS_PORT']);
  });
});

describe('the API\'s GET /metrics', () => {
  let api: ApiHarness;
  before(async () => (api = await startApiHarness({ objects: 3, coordinator: false })));
  after(async () => api?.close());

  it('still answers a person\'s token of every role, with the standard process names and the queue up', async () => {
    for (const who of ['olga', 'bob', 'audrey', 'ada'] as const) {
      const r = await api.call('/metrics', { as: who });
      assert.equal(r.status, 200, `${who} (${PEOPLE[who]})`);
      const text = await r.text();
      assert.match(text, /^process_cpu_seconds_total \d/m);
      assert.match(text, /^nodejs_eventloop_lag_p99_seconds \d/m);
      assert.match(text, /^shredproof_queue_up 1$/m);
      assert.match(text, /^shredproof_queue_jobs\{state="waiting"\} 0$/m);
    }
    assert.equal((await api.call('/metrics', { as: null })).status, 401);
  });
});
