// The SSE reader (src/client/sse.ts) against a real HTTP server that writes
// the stream in pieces cut where a hand-written reader breaks: inside a line,
// inside a UTF-8 character, between the CR and the LF of a CRLF, and a CR as
// the very last byte. Also cut at every byte offset without HTTP, so that no
// boundary depends on how TCP happened to deliver the writes.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { parseSse, type SseEvent } from '../../src/client/sse.js';

const enc = new TextEncoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Byte strings the server sends, by name; each write is a separate chunk on the wire. */
const STREAMS: Record<string, Uint8Array[]> = {};
let closedStreams = 0;

function bytes(s: string): Uint8Array {
  return enc.encode(s);
}

/** Cuts `b` at the given byte offsets. */
function cut(b: Uint8Array, ...at: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const k of [...at, b.length]) {
    out.push(b.subarray(from, k));
    from = k;
  }
  return out;
}

async function read(body: ReadableStream<Uint8Array>): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of parseSse(body)) out.push(e);
  return out;
}

function fromChunks(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(ch);
      c.close();
    },
  });
}

describe('parseSse over HTTP, with awkward chunk boundaries', () => {
  let server: Server;
  let url: string;
  before(async () => {
    const app = express();
    app.get('/stream/:name', async (req, res) => {
      res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store' });
      res.flushHeaders();
      res.on('close', () => closedStreams++);
      for (const chunk of STREAMS[req.params.name]!) {
        if (res.destroyed) return;
        res.write(chunk);
        // Long enough for each write to reach the client as a read of its own.
        await sleep(5);
      }
      res.end();
    });
    app.get('/endless', async (_req, res) => {
      res.status(200).set({ 'Content-Type': 'text/event-stream' });
      res.on('close', () => closedStreams++);
      res.write('data: ');
      const block = 'x'.repeat(256 * 1024);
      // A line that never ends: 64 MiB unless the reader gives up first.
      for (let i = 0; i < 256 && !res.destroyed; i++) {
        if (!res.write(block)) {
          await new Promise<void>((r) => {
            const done = () => {
              res.off('drain', done).off('close', done);
              r();
            };
            res.on('drain', done).on('close', done);
          });
        }
      }
      res.end();
    });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  async function fetchEvents(name: string, chunks: Uint8Array[]): Promise<SseEvent[]> {
    STREAMS[name] = chunks;
    const res = await fetch(`${url}/stream/${name}`);
    assert.equal(res.status, 200);
    return read(res.body!);
  }

  it('joins a UTF-8 character split between two chunks, and a line split in its middle', async () => {
    const text = 'event: progress\ndata: {"who":"Zoë 😀"}\n\n';
    const b = bytes(text);
    const e = b.indexOf(0xc3); // ë is C3 AB
    const emoji = b.indexOf(0xf0); // 😀 is F0 9F 98 80
    const events = await fetchEvents('utf8', cut(b, 4, e + 1, emoji + 1, emoji + 3, b.length - 1));
    assert.deepEqual(events, [{ event: 'progress', data: '{"who":"Zoë 😀"}' }]);
  });

  it('reads CRLF split between its CR and its LF, and does not count the LF as a blank line', async () => {
    const b = bytes('event: a\r\ndata: 1\r\n\r\ndata: 2\r\ndata: 3\r\n\r\n');
    // After each CR: a reader that takes the CR as a line end and then the LF as another sees blank lines.
    const crs = [...b.keys()].filter((k) => b[k] === 0x0d).map((k) => k + 1);
    const events = await fetchEvents('crlf', cut(b, ...crs));
    assert.deepEqual(events, [
      { event: 'a', data: '1' },
      { event: 'message', data: '2\n3' },
    ]);
  });

  it('takes a CR as the last byte of the stream as a line end, and drops an event cut off by the end', async () => {
    assert.deepEqual(await fetchEvents('cr-last', [bytes('data: one\r'), bytes('\r')]), [{ event: 'message', data: 'one' }]);
    assert.deepEqual(await fetchEvents('cr-then-text', [bytes('data: two\r\r'), bytes('data: cut')]), [{ event: 'message', data: 'two' }]);
    assert.deepEqual(await fetchEvents('cut-off', [bytes('data: three\n\ndata: fo'), bytes('ur\n')]), [{ event: 'message', data: 'three' }]);
  });

  it('keeps the last event id for later events, and ignores comments, unknown fields and retry', async () => {
    const events = await fetchEvents('ids', [bytes(': hello\nretry: soon\nid: 7\nfoo: bar\ndata: a\n\ndata: b\n\nid\ndata: c\n\n')]);
    assert.deepEqual(events, [
      { event: 'message', data: 'a', id: '7' },
      { event: 'message', data: 'b', id: '7' },
      { event: 'message', data: 'c', id: '' },
    ]);
  });

  it('sends one byte per chunk and still reads every event', async () => {
    const text = ': beat\r\nevent: progress\r\ndata: {"n":"ß€😀"}\r\n\r\nevent: end\rdata: {"state":"certified"}\r\r';
    const b = bytes(text);
    const events = await fetchEvents('bytewise', [...b].map((x) => Uint8Array.of(x)));
    assert.deepEqual(events, [
      { event: 'progress', data: '{"n":"ß€😀"}' },
      { event: 'end', data: '{"state":"certified"}' },
    ]);
  });

  it('refuses a line that never ends, and closes the connection instead of reading on', async () => {
    const before = closedStreams;
    const res = await fetch(`${url}/endless`);
    await assert.rejects(read(res.body!), /longer than 4194304 characters/);
    for (let i = 0; i < 100 && closedStreams === before; i++) await sleep(20);
    assert.equal(closedStreams, before + 1, 'the server saw the stream closed');
  });
});

describe('parseSse, cut at every byte offset', () => {
  const text = 'id: 1\r\nevent: progress\r\ndata: {"a":"é😀"}\r\ndata: line 2\r\n\r\n: beat\n\nevent: end\rdata: x\r\r';
  const want: SseEvent[] = [
    { event: 'progress', data: '{"a":"é😀"}\nline 2', id: '1' },
    { event: 'end', data: 'x', id: '1' },
  ];
  it('gives the same events for every single cut and every pair of neighbouring cuts', async () => {
    const b = bytes(text);
    for (let k = 0; k <= b.length; k++) {
      assert.deepEqual(await read(fromChunks(cut(b, k))), want, `cut at ${k}`);
      if (k + 1 < b.length) assert.deepEqual(await read(fromChunks(cut(b, k, k + 1))), want, `cut at ${k} and ${k + 1}`);
    }
  });
});
