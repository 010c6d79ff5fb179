// The verifier page's own SHA-256 (src/verifier-page/sha256.ts and
// sha256-compress.ts) and what is built on it (page-hasher.ts, the reader's
// file digest) against node:crypto and @noble/hashes: the FIPS 180-4 example
// vectors, every length up to 300 bytes, lengths around the block and
// padding boundaries, streaming with random split points, a message past
// 512 MiB, RFC 6962 leaf, node and root hashes against the core's
// nobleHasher, and the records file digest. The same checks
// (./page-hashing-checks.ts) run in Node and in Chromium, bundled with the
// page's esbuild settings, and the two must give identical results.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type ChecksPage, openChecksPage } from '../helpers/browser.js';
import { type MerkleCase, type MessageSpec, messageBytes, type PageHashingChecks, pageHashingChecks, seededBytes, type StreamCase } from './page-hashing-checks.js';

const nodeSha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

// FIPS 180-4 section 6.2 examples, as NIST publishes them (csrc.nist.gov, "Examples with Intermediate Values", SHA256.pdf
// and SHA2_Additional.pdf; the million 'a' is FIPS 180-2 appendix B.3).
const NIST: Array<{ name: string; spec: MessageSpec; digest: string }> = [
  { name: '"abc" (one block)', spec: { text: 'abc' }, digest: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
  { name: 'the 448-bit message (two blocks: the length does not fit the first)', spec: { text: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq' }, digest: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1' },
  {
    name: 'the 896-bit message',
    spec: { text: 'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu' },
    digest: 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
  },
  { name: "one million 'a'", spec: { text: 'a', repeat: 1_000_000 }, digest: 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0' },
];

/** Lengths where the padding changes shape: the 0x80 byte and the 8 length bytes fit the last block or spill into a new one. */
function boundaryLengths(): number[] {
  const lengths = new Set<number>();
  for (let blocks = 1; blocks <= 24; blocks++) for (let d = -10; d <= 10; d++) lengths.add(64 * blocks + d);
  for (const big of [1 << 16, 1 << 20, 64 * 1024 + 1024]) for (let d = -9; d <= 9; d++) lengths.add(big + d);
  return [...lengths].filter((n) => n > 300).sort((a, b) => a - b);
}

const streamCases: fc.Arbitrary<StreamCase> = fc
  .uint8Array({ maxLength: 700 })
  .chain((m) => fc.tuple(fc.constant(m), fc.array(fc.integer({ min: 0, max: m.length }), { maxLength: 12 })))
  .map(([m, splits]) => ({ hex: hex(m), splits: splits.sort((a, b) => a - b) }));

describe("the page's SHA-256: the digests of node:crypto and noble, in Node and in Chromium alike", () => {
  let checks: ChecksPage<PageHashingChecks>;
  before(async () => {
    checks = await openChecksPage('page hashing', new URL('./page-hashing-browser.ts', import.meta.url), 'pageHashingChecks');
  });
  after(() => checks?.close());

  /** Each spec's digests by every method, in Node: all equal node:crypto's. Returns them for the browser comparison. */
  async function checkDigests(specs: MessageSpec[]) {
    const node = pageHashingChecks.digests(specs);
    specs.forEach((spec, i) => {
      const want = nodeSha256(messageBytes(spec));
      assert.deepEqual(node[i], { page: want, padded: want, noble: want }, JSON.stringify(spec).slice(0, 80));
    });
    assert.deepEqual(await checks.call('digests', specs), node, 'Chromium and Node differ');
  }

  it('gives the FIPS 180-4 example digests', async () => {
    await checkDigests(NIST.map((v) => v.spec));
    for (const v of NIST) assert.equal(pageHashingChecks.digests([v.spec])[0]!.page, v.digest, v.name);
  });

  it('agrees on every length from 0 to 300 bytes', async () => {
    await checkDigests(Array.from({ length: 301 }, (_, length) => ({ seed: length + 1, length })));
  });

  it('agrees around the block and padding boundaries, up to 1 MiB', async () => {
    const lengths = boundaryLengths();
    assert.ok(lengths.length > 400, `${lengths.length} lengths`);
    await checkDigests(lengths.map((length) => ({ seed: length, length })));
  });

  it('agrees when a message is fed in pieces cut anywhere, and starts afresh after each digest', async () => {
    fc.assert(
      fc.property(streamCases, (c) => {
        const [r] = pageHashingChecks.streamed([c]);
        const want = nodeSha256(Buffer.from(c.hex, 'hex'));
        assert.deepEqual(r, { pieces: want, whole: want, noble: want });
      }),
      { numRuns: 500 },
    );
    // The same generated cases in both runtimes: a fixed seed, so that a failure can be replayed.
    const cases = fc.sample(streamCases, { numRuns: 300, seed: 20_260_611 });
    const node = pageHashingChecks.streamed(cases);
    cases.forEach((c, i) => assert.equal(node[i]!.pieces, nodeSha256(Buffer.from(c.hex, 'hex'))));
    assert.deepEqual(await checks.call('streamed', cases), node, 'Chromium and Node differ');
  });

  it('writes the 64-bit length of a message past 512 MiB (bit length over 2^32) correctly', async () => {
    const length = 2 ** 29 + 3;
    const chunk = seededBytes(7, 1 << 20);
    const reference = createHash('sha256');
    for (let left = length; left > 0; left -= chunk.length) reference.update(left >= chunk.length ? chunk : chunk.subarray(0, left));
    const want = reference.digest('hex');
    assert.equal(pageHashingChecks.longDigest(length), want);
    assert.equal(await checks.call('longDigest', length), want);
  });

  it('computes the RFC 6962 leaf, node and root hashes of the core nobleHasher', async () => {
    const leafLengths = [...Array.from({ length: 301 }, (_, n) => n), 1023, 1024, 1025, 4096, 4097, 64 * 1024, 64 * 1024 + 1024, 64 * 1024 + 1025, 70_000];
    const c: MerkleCase = {
      leaves: leafLengths.map((n) => hex(seededBytes(n + 1000, n))),
      children: [
        ...Array.from({ length: 50 }, (_, i) => [hex(seededBytes(2 * i + 1, 32)), hex(seededBytes(2 * i + 2, 32))] as [string, string]),
        // Children of other lengths: the core hashes what it is given, and so must the page.
        ...[[0, 32], [32, 0], [31, 33], [64, 1], [0, 0]].map(([l, r]) => [hex(seededBytes(l! + 7, l!)), hex(seededBytes(r! + 9, r!))] as [string, string]),
      ],
    };
    const node = pageHashingChecks.merkle(c);
    assert.deepEqual(node.page, node.noble);
    assert.equal(node.page.emptyRoot, nodeSha256(new Uint8Array(0)));
    assert.equal(node.page.leaves[3], nodeSha256(Buffer.concat([Buffer.of(0), Buffer.from(c.leaves[3]!, 'hex')])), 'leaf = SHA-256(0x00 || input)');
    assert.equal(node.page.children[0], nodeSha256(Buffer.concat([Buffer.of(1), ...c.children[0]!.map((h) => Buffer.from(h, 'hex'))])), 'node = SHA-256(0x01 || left || right)');
    assert.deepEqual(await checks.call('merkle', c), node, 'Chromium and Node differ');
  });

  it("gives the records file's digest from the reader's whole reads, whatever the window", async () => {
    // Lines of 0 to 64 bytes (the checks' line limit), so that windows of every size cut some of them.
    const rnd = seededBytes(99, 4000);
    const lines = Array.from({ length: 600 }, (_, i) => Buffer.from(seededBytes(i + 5, rnd[i]! % 65).map((b) => 0x20 + (b % 0x5f))));
    const file = Buffer.concat(lines.flatMap((l) => [l, Buffer.of(0x0a)]));
    const windows = [1, 100, 131, 200, 1000, 4096, 1 << 20];
    const node = await pageHashingChecks.fileDigests({ hex: hex(file), windows });
    const want = nodeSha256(file);
    assert.deepEqual(node.digests, windows.map(() => want));
    assert.deepEqual(node.lines, windows.map(() => lines.length));
    assert.equal(node.noble, want);
    assert.deepEqual(await checks.call('fileDigests', { hex: hex(file), windows }), node, 'Chromium and Node differ');
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(checks.networkRequests(), []);
    assert.deepEqual(checks.pageErrors, []);
  });
});
