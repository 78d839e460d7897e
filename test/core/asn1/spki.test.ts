// Tests for SubjectPublicKeyInfo parse/encode (RFC 5280 §4.1.2.7, RFC 9881 §4, RFC 9935 §4).
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeSpki, parseSpki, pqPublicKey } from '../../../src/core/asn1/spki.js';
import { KEY_ALG_OIDS, KEY_SIZES } from '../../../src/core/crypto/algs.js';
import { keyPairFromSeed } from '../../../src/core/crypto/keys.js';
import { KEM_ALGS, SIG_ALGS } from '../../../src/core/crypto/types.js';
import { WritError } from '../../../src/core/errors.js';

const ALL = [...SIG_ALGS, ...KEM_ALGS];

describe('spki', () => {
  it.each(ALL)('%s round-trips with parameters absent', (alg) => {
    const kp = keyPairFromSeed(alg, new Uint8Array(KEY_SIZES[alg].seed).fill(7));
    const der = encodeSpki(alg, kp.publicKey);
    const spki = parseSpki(der);
    expect(spki.der).toEqual(der);
    expect(spki.algorithm).toEqual({ oid: KEY_ALG_OIDS[alg] });
    expect(pqPublicKey(spki)).toEqual({ alg, publicKey: kp.publicKey });
    // AlgorithmIdentifier is exactly SEQUENCE { OID } (no NULL): 30 0b 06 09 <9-byte OID> or 30 0e 06 0c <12-byte X-Wing OID>.
    const algId = der.subarray(4, 4 + 2 + (der[5] as number));
    expect(algId[2]).toBe(0x06);
    expect(algId[3]).toBe((der[5] as number) - 2);
  });

  it('encodes the exact DER of an ML-DSA-44 SPKI header', () => {
    const der = encodeSpki('ml-dsa-44', new Uint8Array(1312));
    // 30 82 0532 | 30 0b 06 09 60864801650304 03 11 | 03 82 0521 00 ...
    expect(Buffer.from(der.subarray(0, 22)).toString('hex')).toBe('30820532300b06096086480165030403110382052100');
  });

  it('rejects wrong lengths and unknown algorithms at encode time', () => {
    expect(() => encodeSpki('ml-dsa-65', new Uint8Array(10))).toThrow(RangeError);
    expect(() => encodeSpki('nope' as never, new Uint8Array(10))).toThrow(TypeError);
  });

  it('pqPublicKey rejects parameters, wrong length, classical keys', () => {
    const spki = parseSpki(encodeSpki('ml-kem-768', new Uint8Array(1184)));
    expect(() => pqPublicKey({ ...spki, algorithm: { oid: spki.algorithm.oid, params: Uint8Array.of(5, 0) } })).toThrow(
      expect.objectContaining({ code: 'PARSE' }),
    );
    expect(() => pqPublicKey({ ...spki, publicKey: new Uint8Array(10) })).toThrow(expect.objectContaining({ code: 'PARSE' }));
    const ec = parseSpki(new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' })));
    expect(() => pqPublicKey(ec)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_ALG' }));
  });

  it('parses classical SPKIs and keeps their parameters', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' });
    const s = parseSpki(new Uint8Array(rsa));
    expect(s.algorithm.oid).toBe('1.2.840.113549.1.1.1');
    expect(s.algorithm.params).toEqual(Uint8Array.of(5, 0));
    const ec = parseSpki(new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'der', type: 'spki' })));
    expect(Buffer.from(ec.algorithm.params!).toString('hex')).toBe('06052b81040022');
  });

  it('rejects malformed DER with PARSE', () => {
    const good = encodeSpki('ml-dsa-44', new Uint8Array(1312));
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      good.subarray(0, good.length - 1),
      Uint8Array.from([...good, 0]),
      Uint8Array.of(0x30, 0x80, 0, 0), // indefinite length
      Uint8Array.of(0x30, 0x81, 0x03, 0x30, 0x01, 0x06), // non-minimal length
    ];
    const unused = Uint8Array.from(good);
    unused[21] = 1; // BIT STRING unused-bits octet
    bad.push(unused);
    for (const b of bad) expect(() => parseSpki(b)).toThrow(WritError);
  });

  it('never throws anything but WritError on random input (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        try {
          parseSpki(b);
          return true;
        } catch (e) {
          return e instanceof WritError && e.code === 'PARSE';
        }
      }),
    );
  });
});
