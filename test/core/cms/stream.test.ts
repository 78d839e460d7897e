// The streaming CMS codec (src/core/cms/stream.ts): streamed heads match the in-memory DER encoders, and the push reader's result does not depend on where the input is split.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SignedDataStreamReader, parseAuthEnvelopedHead, parseAuthEnvelopedTail, signedDataStreamHead } from '../../../src/core/cms/stream.js';
import { signedDataParts, signCms, verifyCms } from '../../../src/core/cms/signed-data.js';
import { sealAuthEnveloped } from '../../../src/core/cms/enveloped.js';
import { CMS_OID, encodeContentInfo } from '../../../src/core/cms/common.js';
import { ctxExplicit, integer, octetString, oid, seq } from '../../../src/core/asn1/der.js';
import { bytesEqual, concat } from '../../../src/core/crypto/bytes.js';
import { sha512 } from '../../../src/core/crypto/kdf.js';
import { aes256GcmEncryptStream, aesGcmDecryptStream, sha512Stream } from '../../../src/core/crypto/stream.js';
import { aes256GcmEncrypt } from '../../../src/core/crypto/aead.js';
import { buildFixturePki } from '../../../src/fixtures/pki.js';
import { errCode, seededRng } from '../../helpers/index.js';

const pki = buildFixturePki('cms-stream-tests', new Date('2026-06-01T00:00:00Z'));
const h = pki.enclaves.harbor;
const CT = '1.3.6.1.4.1.99999.1';
const content = seededRng('content')(40_000);
const opts = { contentType: CT, signers: [{ signer: h.signing.signer!, cert: h.signing.cert }], certificates: [h.ca.der] };
const parts = signedDataParts(sha512(content), opts);
const trailer = concat(parts.certificates, parts.signerInfos);
const whole = concat(signedDataStreamHead({ eContentType: CT, contentLength: content.length, digestAlgorithms: parts.digestAlgorithms, trailerLength: trailer.length }).head, content, trailer);

function splitAt(b: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let p = 0;
  for (const c of [...cuts].sort((x, y) => x - y)) {
    out.push(b.subarray(p, c));
    p = c;
  }
  out.push(b.subarray(p));
  return out;
}

describe('streamed SignedData', () => {
  it('head + content + trailer is exactly the DER SignedData the in-memory encoder builds from the same parts', () => {
    const expected = encodeContentInfo(
      CMS_OID.signedData,
      seq(integer(3), parts.digestAlgorithms, seq(oid(CT), ctxExplicit(0, octetString(content))), parts.certificates, parts.signerInfos),
    );
    expect(whole).toEqual(expected);
    const v = verifyCms(whole);
    expect(v.contentType).toBe(CT);
    expect(v.signers[0]!.ok).toBe(true);
    expect(v.content).toEqual(content);
  });

  it('sizes match for every length-octet width (short, 1..3 bytes)', () => {
    for (const n of [0, 1, 127, 128, 255, 256, 65535, 65536, 70_000]) {
      const c = new Uint8Array(n);
      const p = signedDataParts(sha512(c), opts);
      const t = concat(p.certificates, p.signerInfos);
      const { head, totalLength } = signedDataStreamHead({ eContentType: CT, contentLength: n, digestAlgorithms: p.digestAlgorithms, trailerLength: t.length });
      const der = concat(head, c, t);
      expect(der.length).toBe(totalLength);
      expect(verifyCms(der).signers[0]!.ok).toBe(true);
    }
  });

  it('the reader passes the content through and returns the same detached SignedData for any split (property)', () => {
    const ref = (() => {
      const got: Uint8Array[] = [];
      const r = new SignedDataStreamReader((b) => got.push(b.slice()));
      r.push(whole);
      return { content: concat(...got), res: r.finish() };
    })();
    expect(ref.content).toEqual(content);
    expect(ref.res.contentLength).toBe(content.length);
    const v = verifyCms(ref.res.detached, { detachedSha512: sha512(content) });
    expect(v.signers[0]!.ok).toBe(true);
    expect(verifyCms(ref.res.detached, { detachedSha512: sha512(content.subarray(1)) }).signers[0]!.ok).toBe(false);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: whole.length }), { maxLength: 40 }), (cuts) => {
        const got: Uint8Array[] = [];
        const r = new SignedDataStreamReader((b) => got.push(b.slice()));
        for (const piece of splitAt(whole, cuts)) r.push(piece);
        expect(bytesEqual(concat(...got), content)).toBe(true);
        expect(bytesEqual(r.finish().detached, ref.res.detached)).toBe(true);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('the reader refuses truncation, trailing bytes, BER, and a signCms detached SignedData (PARSE)', () => {
    const trunc = new SignedDataStreamReader(() => undefined);
    trunc.push(whole.subarray(0, whole.length - 1));
    expect(errCode(() => trunc.finish())).toBe('PARSE');
    const extra = new SignedDataStreamReader(() => undefined);
    expect(errCode(() => extra.push(concat(whole, Uint8Array.of(0))))).toBe('PARSE');
    const ber = whole.slice();
    ber[1] = 0x80; // indefinite length
    expect(errCode(() => new SignedDataStreamReader(() => undefined).push(ber))).toBe('PARSE');
    const detached = signCms({ content, detached: true, ...opts });
    expect(errCode(() => new SignedDataStreamReader(() => undefined).push(detached))).toBe('PARSE');
  });
});

describe('streamed AuthEnvelopedData', () => {
  it('the head parser finds the ciphertext of an in-memory sealed envelope, and the tail parser its authAttrs and mac', () => {
    const env = sealAuthEnveloped({ content: whole, contentType: CMS_OID.signedData, recipient: pki.enclaves.orchard.kem.cert, rng: seededRng('env') });
    const head = parseAuthEnvelopedHead(env.subarray(0, 4096));
    expect(head.contentType).toBe(CMS_OID.signedData);
    expect(head.ciphertextLength).toBe(whole.length);
    expect(head.endOffset).toBe(env.length);
    const tail = parseAuthEnvelopedTail(env.subarray(head.ciphertextOffset + head.ciphertextLength));
    expect(tail.mac).toHaveLength(16);
    expect(tail.authAttributes.map((a) => a.oid)).toEqual([CMS_OID.contentType]);
    expect(errCode(() => parseAuthEnvelopedHead(env.subarray(0, 100)))).toBe('PARSE');
  });
});

describe('streaming primitives', () => {
  it('incremental SHA-512 and AES-256-GCM equal the one-shot functions for any split (property)', () => {
    const key = seededRng('k')(32);
    const nonce = seededRng('n')(12);
    const aad = Uint8Array.of(1, 2, 3);
    const data = seededRng('d')(3000);
    const oneShot = aes256GcmEncrypt(key, nonce, data, aad);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: data.length }), { maxLength: 10 }), (cuts) => {
        const e = aes256GcmEncryptStream(key, nonce, aad);
        const hs = sha512Stream();
        const ct = concat(
          ...splitAt(data, cuts).map((p) => {
            hs.update(p);
            return e.update(p);
          }),
        );
        expect(bytesEqual(concat(ct, e.final()), oneShot)).toBe(true);
        expect(bytesEqual(hs.digest(), sha512(data))).toBe(true);
      }),
      { numRuns: 100, seed: 5 },
    );
    const d = aesGcmDecryptStream(key, nonce, aad, oneShot.subarray(3000));
    expect(new Uint8Array(d.update(oneShot.subarray(0, 3000)))).toEqual(data);
    d.final();
    const bad = aesGcmDecryptStream(key, nonce, aad, new Uint8Array(16));
    bad.update(oneShot.subarray(0, 3000));
    expect(errCode(() => bad.final())).toBe('PARSE');
  });
});
