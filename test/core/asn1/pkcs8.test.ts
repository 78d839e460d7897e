// Tests for PKCS#8 private keys (RFC 9881 §6, RFC 9935 §6, RFC 5958) and PBES2 encryption (RFC 8018, RFC 7914).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodePrivateKey,
  decryptPrivateKey,
  encodePrivateKey,
  encryptPrivateKey,
  isEncryptedPrivateKey,
} from '../../../src/core/asn1/pkcs8.js';
import { ctxConstructed, ctxPrimitive, integer, octetString, oid, seq, setOf } from '../../../src/core/asn1/der.js';
import { algorithmIdentifier } from '../../../src/core/asn1/alg-id.js';
import { concat } from '../../../src/core/crypto/bytes.js';
import { KEY_ALG_OIDS, KEY_SIZES } from '../../../src/core/crypto/algs.js';
import { expandSeed, keyPairFromSeed } from '../../../src/core/crypto/keys.js';
import { KEM_ALGS, SIG_ALGS } from '../../../src/core/crypto/types.js';
import type { KeyAlgName } from '../../../src/core/crypto/types.js';
import { WritError } from '../../../src/core/errors.js';
import { seededRng } from '../../helpers/rng.js';

const ALL: KeyAlgName[] = [...SIG_ALGS, ...KEM_ALGS];
const PQ: KeyAlgName[] = ALL.filter((a) => a !== 'x-wing');
const pw = new TextEncoder().encode('pässwörd');
const FAST = { scrypt: { N: 16, r: 1, p: 1 }, iterations: 10 };
const key = (alg: KeyAlgName, choice: Uint8Array, version = 0, extra: Uint8Array[] = []): Uint8Array =>
  seq(integer(version), algorithmIdentifier(KEY_ALG_OIDS[alg]), octetString(choice), ...extra);
const code = (c: string) => expect.objectContaining({ code: c });

describe('encodePrivateKey / decodePrivateKey', () => {
  it.each(ALL)('%s seed form round-trips and gives the key pair public key', (alg) => {
    const seed = seededRng(alg)(KEY_SIZES[alg].seed);
    const der = encodePrivateKey(alg, seed);
    const d = decodePrivateKey(der);
    expect(d).toMatchObject({ alg, form: 'seed', seed });
    expect(d.publicKey).toEqual(keyPairFromSeed(alg, seed).publicKey);
    expect(d.expandedKey).toBeUndefined();
  });

  it('writes the exact RFC 9881 seed-form bytes', () => {
    const der = encodePrivateKey('ml-dsa-44', new Uint8Array(32).fill(0xab));
    // 30 34 | 02 01 00 | 30 0b 06 09 2.16.840.1.101.3.4.3.17 | 04 22 80 20 <seed>
    expect(Buffer.from(der.subarray(0, 22)).toString('hex')).toBe('3034020100300b060960864801650304031104228020');
    expect(der.length).toBe(54);
    // X-Wing (writ private profile): the OCTET STRING holds the bare seed.
    const xw = encodePrivateKey('x-wing', new Uint8Array(32).fill(1));
    expect(Buffer.from(xw.subarray(xw.length - 34, xw.length - 32)).toString('hex')).toBe('0420');
  });

  it.each(PQ)('%s reads expandedKey and both forms', (alg) => {
    const seed = seededRng(`f-${alg}`)(KEY_SIZES[alg].seed);
    const { publicKey, expandedKey } = expandSeed(alg, seed);
    const e = decodePrivateKey(key(alg, octetString(expandedKey)));
    expect(e).toMatchObject({ alg, form: 'expandedKey', expandedKey, publicKey });
    const b = decodePrivateKey(key(alg, seq(octetString(seed), octetString(expandedKey))));
    expect(b).toMatchObject({ alg, form: 'both', seed, expandedKey, publicKey });
  });

  it.each(PQ)('%s: inconsistent "both" and corrupted expandedKey give KEY_MISMATCH', (alg) => {
    const seed = seededRng(`m-${alg}`)(KEY_SIZES[alg].seed);
    const other = expandSeed(alg, seededRng(`o-${alg}`)(KEY_SIZES[alg].seed)).expandedKey;
    expect(() => decodePrivateKey(key(alg, seq(octetString(seed), octetString(other))))).toThrow(code('KEY_MISMATCH'));
    const bad = Uint8Array.from(expandSeed(alg, seed).expandedKey);
    // ML-DSA: flip a byte of tr; ML-KEM: flip a byte of the embedded ek (H(ek) check fails).
    const pos = alg.startsWith('ml-dsa') ? 80 : KEY_SIZES[alg].publicKey;
    bad[pos] = (bad[pos] as number) ^ 1;
    expect(() => decodePrivateKey(key(alg, octetString(bad)))).toThrow(code('KEY_MISMATCH'));
  });

  it('accepts version 1 with a matching publicKey [1] and attributes [0]; rejects a mismatching one', () => {
    const seed = seededRng('v1')(32);
    const pub = keyPairFromSeed('ml-dsa-65', seed).publicKey;
    const attrs = ctxConstructed(0, seq(oid('1.2'), setOf()));
    const pubField = (p: Uint8Array) => ctxPrimitive(1, concat(Uint8Array.of(0), p));
    expect(decodePrivateKey(key('ml-dsa-65', ctxPrimitive(0, seed), 1, [pubField(pub)])).form).toBe('seed');
    expect(decodePrivateKey(key('ml-dsa-65', ctxPrimitive(0, seed), 1, [attrs, pubField(pub)])).publicKey).toEqual(pub);
    const wrong = Uint8Array.from(pub);
    wrong[0] = (wrong[0] as number) ^ 1;
    expect(() => decodePrivateKey(key('ml-dsa-65', ctxPrimitive(0, seed), 1, [pubField(wrong)]))).toThrow(code('KEY_MISMATCH'));
    expect(() => decodePrivateKey(key('ml-dsa-65', ctxPrimitive(0, seed), 0, [pubField(pub)]))).toThrow(code('PARSE'));
  });

  it('rejects what RFC 9881 does not allow', () => {
    const seed = new Uint8Array(32).fill(3);
    const cases: [string, Uint8Array, string][] = [
      ['bare seed (pre-RFC draft)', key('ml-dsa-44', seed), 'PARSE'],
      ['bare expanded key', key('ml-dsa-44', expandSeed('ml-dsa-44', seed).expandedKey.subarray(0)), 'PARSE'],
      ['seed of wrong size', key('ml-dsa-44', ctxPrimitive(0, new Uint8Array(31))), 'PARSE'],
      ['ML-KEM seed of 32 bytes', key('ml-kem-768', ctxPrimitive(0, seed)), 'PARSE'],
      ['expandedKey wrong size', key('ml-dsa-44', octetString(new Uint8Array(100))), 'PARSE'],
      ['params present', seq(integer(0), algorithmIdentifier(KEY_ALG_OIDS['ml-dsa-44'], Uint8Array.of(5, 0)), octetString(ctxPrimitive(0, seed))), 'PARSE'],
      ['version 2', key('ml-dsa-44', ctxPrimitive(0, seed), 2), 'PARSE'],
      ['unknown alg', seq(integer(0), algorithmIdentifier('2.16.840.1.101.3.4.4.1'), octetString(ctxPrimitive(0, new Uint8Array(64)))), 'UNSUPPORTED_ALG'],
      ['trailing junk', Uint8Array.from([...encodePrivateKey('ml-dsa-44', seed), 0]), 'PARSE'],
      ['x-wing wrapped seed', key('x-wing', ctxPrimitive(0, seed)), 'PARSE'],
    ];
    for (const [name, der, c] of cases) expect(() => decodePrivateKey(der), name).toThrow(code(c));
  });

  it('decodes every encodable seed (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL), fc.uint8Array({ minLength: 64, maxLength: 64 }), (alg, bytes) => {
        const seed = bytes.subarray(0, KEY_SIZES[alg].seed);
        const d = decodePrivateKey(encodePrivateKey(alg, seed));
        return d.alg === alg && d.form === 'seed' && Buffer.from(d.seed!).equals(Buffer.from(seed));
      }),
      { numRuns: 30 },
    );
  });

  it('never throws anything but WritError on mutated input (property)', () => {
    const der = encodePrivateKey('ml-kem-768', new Uint8Array(64).fill(9));
    fc.assert(
      fc.property(fc.nat(der.length - 1), fc.integer({ min: 1, max: 255 }), (pos, x) => {
        const m = Uint8Array.from(der);
        m[pos] = (m[pos] as number) ^ x;
        try {
          decodePrivateKey(m);
          return true; // a flip inside the seed is still a valid (different) key
        } catch (e) {
          return e instanceof WritError;
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('encryptPrivateKey / decryptPrivateKey', () => {
  const der = encodePrivateKey('ml-dsa-87', new Uint8Array(32).fill(5));

  it.each(['scrypt', 'pbkdf2'] as const)('%s round-trips and refuses a wrong passphrase', (kdf) => {
    const enc = encryptPrivateKey(der, pw, { kdf, rng: seededRng(kdf), ...FAST });
    expect(isEncryptedPrivateKey(enc)).toBe(true);
    expect(isEncryptedPrivateKey(der)).toBe(false);
    expect(decryptPrivateKey(enc, pw)).toEqual(der);
    for (const wrong of ['passwörd', 'pässwörd ', 'x']) {
      expect(() => decryptPrivateKey(enc, new TextEncoder().encode(wrong))).toThrow(code('BAD_PASSPHRASE'));
    }
  });

  it('writes PBES2 with the OIDs and layout OpenSSL uses', () => {
    const s = Buffer.from(encryptPrivateKey(der, pw, { kdf: 'scrypt', rng: seededRng('o'), ...FAST })).toString('hex');
    expect(s).toContain('06092a864886f70d01050d'); // PBES2
    expect(s).toContain('06092b06010401da47040b'); // id-scrypt 1.3.6.1.4.1.11591.4.11
    expect(s).toContain('060960864801650304012a0410'); // aes256-CBC, 16-byte IV
    const p = Buffer.from(encryptPrivateKey(der, pw, { kdf: 'pbkdf2', rng: seededRng('o'), ...FAST })).toString('hex');
    expect(p).toContain('06092a864886f70d01050c'); // PBKDF2
    expect(p).toContain('06082a864886f70d02090500'); // hmacWithSHA256, NULL
    expect(p).toContain('060960864801650304012a0410'); // aes256-CBC, 16-byte IV
  });

  it('refuses hostile cost parameters with LIMIT and unknown schemes with UNSUPPORTED_ALG', () => {
    const salt = octetString(new Uint8Array(16));
    const cbc = algorithmIdentifier('2.16.840.1.101.3.4.1.42', octetString(new Uint8Array(16)));
    const epki = (kdf: Uint8Array, cipher = cbc, scheme = '1.2.840.113549.1.5.13') =>
      seq(algorithmIdentifier(scheme, seq(kdf, cipher)), octetString(new Uint8Array(32)));
    const scrypt = (N: number, r: number) => algorithmIdentifier('1.3.6.1.4.1.11591.4.11', seq(salt, integer(N), integer(r), integer(1)));
    const pbkdf2 = (c: number, prf?: string) =>
      algorithmIdentifier('1.2.840.113549.1.5.12', prf === undefined ? seq(salt, integer(c)) : seq(salt, integer(c), algorithmIdentifier(prf, Uint8Array.of(5, 0))));
    expect(() => decryptPrivateKey(epki(scrypt(2 ** 24, 8)), pw)).toThrow(code('LIMIT'));
    expect(() => decryptPrivateKey(epki(pbkdf2(20_000_000, '1.2.840.113549.2.9')), pw)).toThrow(code('LIMIT'));
    expect(() => decryptPrivateKey(epki(pbkdf2(1000)), pw)).toThrow(code('UNSUPPORTED_ALG')); // default PRF is HMAC-SHA-1
    expect(() => decryptPrivateKey(epki(pbkdf2(1000, '1.2.840.113549.2.7')), pw)).toThrow(code('UNSUPPORTED_ALG'));
    expect(() => decryptPrivateKey(epki(scrypt(1000, 8)), pw)).toThrow(code('PARSE')); // N not a power of two
    expect(() => decryptPrivateKey(epki(scrypt(16, 1), algorithmIdentifier('2.16.840.1.101.3.4.1.2', octetString(new Uint8Array(16)))), pw)).toThrow(
      code('UNSUPPORTED_ALG'),
    );
    expect(() => decryptPrivateKey(epki(scrypt(16, 1), cbc, '1.2.840.113549.1.5.3'), pw)).toThrow(code('UNSUPPORTED_ALG'));
    // 32 zero bytes under a real KDF: padding or structure check fails -> BAD_PASSPHRASE.
    expect(() => decryptPrivateKey(epki(scrypt(16, 1)), pw)).toThrow(code('BAD_PASSPHRASE'));
  });

  it('round-trips any key bytes and passphrase (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.constantFrom('scrypt', 'pbkdf2' as const),
        (payload, pass, kdf) => {
          const inner = seq(integer(0), algorithmIdentifier(KEY_ALG_OIDS['ml-dsa-44']), octetString(payload));
          const enc = encryptPrivateKey(inner, pass, { kdf: kdf as 'scrypt' | 'pbkdf2', rng: seededRng('p'), ...FAST });
          return Buffer.from(decryptPrivateKey(enc, pass)).equals(Buffer.from(inner));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects bad arguments', () => {
    expect(() => encryptPrivateKey(der, new Uint8Array(0), { kdf: 'scrypt', rng: seededRng('x') })).toThrow(RangeError);
    expect(() => encryptPrivateKey(der, pw, { kdf: 'md5' as never, rng: seededRng('x') })).toThrow(TypeError);
    expect(() => decryptPrivateKey(der, pw)).toThrow(WritError);
  });
});
