// DSSE's pre-authentication encoding (packages/verify/src/core/dsse.ts), checked against the
// spec's own words and example (secure-systems-lab/dsse, protocol.md:
// "LEN(s) = ASCII decimal encoding of the byte length of s, with no leading
// zeros"), and against a second encoding built here with node's Buffer. The
// lengths are of UTF-8 bytes: a payloadType with characters outside ASCII
// differs between bytes and UTF-16 code units (issue 21: counting
// `payloadType.length` passed the whole suite, because every type it used was ASCII).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64Encode, pae, parseEnvelope, seedSigner, signEnvelope, trustedKey, utf8Encode, VerificationError, verifyEnvelope } from '../../packages/verify/src/core/index.js';

/** PAE by the spec's definition, with node's own UTF-8 encoder and byte counts. */
function referencePae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'ascii'), type, Buffer.from(` ${payload.length} `, 'ascii'), payload]);
}

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('DSSE PAE', () => {
  it("counts UTF-8 bytes: pae('é', 'x') is \"DSSEv1 2 é 1 x\"", () => {
    const got = pae('é', utf8Encode('x'));
    assert.equal(text(got), 'DSSEv1 2 é 1 x');
    assert.deepEqual(Buffer.from(got), Buffer.from('DSSEv1 2 \u00e9 1 x', 'utf8'));
    assert.equal(got.length, 15);
  });

  it("is the spec's example: DSSEv1 29 http://example.com/HelloWorld 11 hello world", () => {
    assert.equal(text(pae('http://example.com/HelloWorld', utf8Encode('hello world'))), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('matches a reference encoding for types whose byte and UTF-16 lengths differ', () => {
    const cases: Array<[string, string]> = [
      ['', ''],
      ['application/vnd.shredproof.certificate.v1+json', '{"a":1}'],
      ['é', 'x'],
      ['€', 'ü'], // 3 bytes, 1 UTF-16 unit; a 2-byte payload
      ['😀', '😀😀'], // 4 bytes, 2 UTF-16 units
      ['type/ünïcödé+json', 'payload with\nnewline and \u0000 NUL'],
      ['a'.repeat(1000), 'b'.repeat(12345)],
    ];
    for (const [type, payload] of cases) {
      const bytes = Buffer.from(payload, 'utf8');
      assert.deepEqual(Buffer.from(pae(type, new Uint8Array(bytes))), referencePae(type, bytes), JSON.stringify(type));
    }
  });

  it('payload length is its byte length, whatever the bytes hold', () => {
    const payload = Uint8Array.of(0xff, 0x00, 0xc3, 0xa9, 0x20);
    assert.deepEqual(Buffer.from(pae('t', payload)), Buffer.concat([Buffer.from('DSSEv1 1 t 5 '), Buffer.from(payload)]));
  });

  it('an envelope signed over the reference PAE of a non-ASCII type verifies, and one signed over UTF-16 lengths does not', () => {
    const signer = seedSigner(new Uint8Array(32).fill(7));
    const key = trustedKey(signer.publicKey);
    const type = 'application/vnd.example.ünïcödé+json';
    const payload = Buffer.from('{"claim":"ünïcödé"}', 'utf8');
    const envelope = (message: Buffer) => ({
      payloadType: type,
      payload: base64Encode(payload),
      signatures: [{ keyid: signer.keyid, sig: base64Encode(signer.sign(new Uint8Array(message))) }],
    });
    const good = verifyEnvelope(envelope(referencePae(type, payload)), type, [key]);
    assert.deepEqual(Buffer.from(good.payload), payload);
    // A signer that counted UTF-16 code units signed other bytes: its signature must not verify here.
    const utf16 = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), Buffer.from(type, 'utf8'), Buffer.from(` ${payload.length} `), payload]);
    assert.notEqual(Buffer.byteLength(type), type.length);
    assert.throws(
      () => verifyEnvelope(envelope(utf16), type, [key]),
      (e: unknown) => e instanceof VerificationError && e.code === 'SIGNATURE_INVALID',
    );
    // And what signEnvelope makes verifies against the reference bytes.
    const signed = signEnvelope(type, new Uint8Array(payload), [signer]);
    assert.deepEqual(verifyEnvelope({ ...envelope(referencePae(type, payload)), signatures: signed.signatures }, type, [key]).keyid, signer.keyid);
  });
});

describe('DSSE envelope members', () => {
  const code = (f: () => unknown) => {
    try {
      f();
      return 'ok';
    } catch (e) {
      if (e instanceof VerificationError) return e.code;
      throw e;
    }
  };

  it('a keyid that is not a string makes the envelope malformed, even beside a good signature', () => {
    const signer = seedSigner(new Uint8Array(32).fill(7));
    const env = signEnvelope('t', utf8Encode('x'), [signer]);
    const sig = env.signatures[0]!.sig;
    for (const keyid of [5, null, true, {}, [signer.keyid]]) {
      const bad = { ...env, signatures: [{ keyid, sig }] };
      assert.equal(code(() => parseEnvelope(bad)), 'ENVELOPE_MALFORMED', JSON.stringify(keyid));
      assert.equal(code(() => verifyEnvelope(bad, 't', [trustedKey(signer.publicKey)])), 'ENVELOPE_MALFORMED', JSON.stringify(keyid));
    }
    // No keyid at all is allowed (DSSE makes it optional): every trusted key is tried.
    assert.deepEqual(parseEnvelope({ ...env, signatures: [{ sig }] }).signatures, [{ keyid: '', sig }]);
    assert.equal(verifyEnvelope({ ...env, signatures: [{ sig }] }, 't', [trustedKey(signer.publicKey)]).keyid, signer.keyid);
  });

  it('only a JSON object is an envelope or a signature: a function carrying the same members is ENVELOPE_MALFORMED', () => {
    const signer = seedSigner(new Uint8Array(32).fill(7));
    const trusted = [trustedKey(signer.publicKey)];
    const env = signEnvelope('t', utf8Encode('x'), [signer]);
    const asFunction = <T extends object>(members: T) => Object.assign(() => undefined, members);
    assert.equal(code(() => verifyEnvelope(env, 't', trusted)), 'ok');
    assert.equal(code(() => parseEnvelope(asFunction(env))), 'ENVELOPE_MALFORMED');
    assert.equal(code(() => verifyEnvelope(asFunction(env), 't', trusted)), 'ENVELOPE_MALFORMED');
    assert.equal(code(() => verifyEnvelope({ ...env, signatures: [asFunction(env.signatures[0]!)] }, 't', trusted)), 'ENVELOPE_MALFORMED');
  });
});
