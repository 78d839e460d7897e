// Tests of the primitives added for reading CMS: any-size AES (RFC 3394 wrap, RFC 5084 GCM, CBC) and ML-KEM-512 (FIPS 203).
import { describe, expect, it } from 'vitest';
import { WritError } from '../../../src/core/errors.js';
import { aes256GcmEncrypt, aes256CbcEncrypt, aes256KeyWrap, aesCbcDecrypt, aesGcmDecrypt, aesKeyUnwrap, aesKeyWrap } from '../../../src/core/crypto/aead.js';
import { ML_KEM_512, mlKem512Decapsulate, mlKem512Encapsulate, mlKem512Keygen, mlKem512PublicKeyFromSecret } from '../../../src/core/crypto/ml-kem.js';
import { fromHex } from '../../../src/core/crypto/bytes.js';
import { errCode, seededRng } from '../../helpers/index.js';

describe('AES key wrap, any KEK size', () => {
  it('RFC 3394 §4.1 test vector (128-bit KEK, 128-bit key)', () => {
    const kek = fromHex('000102030405060708090A0B0C0D0E0F');
    const key = fromHex('00112233445566778899AABBCCDDEEFF');
    const wrapped = aesKeyWrap(kek, key);
    expect(Buffer.from(wrapped).toString('hex')).toBe('1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5');
    expect(aesKeyUnwrap(kek, wrapped)).toEqual(key);
  });
  it('RFC 3394 §4.6 test vector (256-bit KEK, 256-bit key) agrees with the AES-256 wrapper', () => {
    const kek = fromHex('000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F');
    const key = fromHex('00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F');
    expect(Buffer.from(aesKeyWrap(kek, key)).toString('hex')).toBe('28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21');
    expect(aesKeyWrap(kek, key)).toEqual(aes256KeyWrap(kek, key));
  });
  it('unwrap under the wrong KEK -> PARSE; bad sizes -> RangeError', () => {
    const w = aesKeyWrap(new Uint8Array(24).fill(1), new Uint8Array(32).fill(2));
    expect(aesKeyUnwrap(new Uint8Array(24).fill(1), w)).toEqual(new Uint8Array(32).fill(2));
    expect(errCode(() => aesKeyUnwrap(new Uint8Array(24).fill(3), w))).toBe('PARSE');
    expect(() => aesKeyWrap(new Uint8Array(20), new Uint8Array(16))).toThrow(RangeError);
  });
});

describe('AES-GCM / CBC decryption, any key size', () => {
  it('decrypts what the AES-256 encryptors wrote; tampering -> PARSE', () => {
    const key = new Uint8Array(32).fill(9);
    const nonce = new Uint8Array(12).fill(1);
    const ct = aes256GcmEncrypt(key, nonce, new TextEncoder().encode('gcm'), Uint8Array.of(1));
    expect(new TextDecoder().decode(aesGcmDecrypt(key, nonce, ct, Uint8Array.of(1)))).toBe('gcm');
    expect(errCode(() => aesGcmDecrypt(key, nonce, ct, Uint8Array.of(2)))).toBe('PARSE');
    const iv = new Uint8Array(16).fill(4);
    const c2 = aes256CbcEncrypt(key, iv, new TextEncoder().encode('cbc'));
    expect(new TextDecoder().decode(aesCbcDecrypt(key, iv, c2))).toBe('cbc');
    expect(errCode(() => aesCbcDecrypt(key, iv, c2.subarray(1)))).toBe('PARSE');
  });
  it('NIST GCM test case 3 (AES-128, 12-byte IV, no AAD) decrypts', () => {
    const key = fromHex('feffe9928665731c6d6a8f9467308308');
    const iv = fromHex('cafebabefacedbaddecaf888');
    const ct = fromHex(
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985' +
        '4d5c2af327cd64a62cf35abd2ba6fab4',
    );
    const pt = aesGcmDecrypt(key, iv, ct);
    expect(Buffer.from(pt).toString('hex')).toBe(
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255',
    );
  });
});

describe('ML-KEM-512 (read-only)', () => {
  it('keygen / encapsulate / decapsulate agree; the public key is recovered from the expanded key', () => {
    const { publicKey, secretKey } = mlKem512Keygen(new Uint8Array(64).fill(1));
    expect(publicKey).toHaveLength(ML_KEM_512.publicKey);
    expect(secretKey).toHaveLength(ML_KEM_512.expandedKey);
    expect(mlKem512PublicKeyFromSecret(secretKey)).toEqual(publicKey);
    const { cipherText, sharedSecret } = mlKem512Encapsulate(publicKey, seededRng('512'));
    expect(cipherText).toHaveLength(ML_KEM_512.cipherText);
    expect(mlKem512Decapsulate(secretKey, cipherText)).toEqual(sharedSecret);
    const bad = Uint8Array.from(secretKey);
    bad[800]! ^= 1; // inside the embedded ek: the H(ek) check fails
    expect(() => mlKem512PublicKeyFromSecret(bad)).toThrow(WritError);
    expect(() => mlKem512Decapsulate(secretKey, cipherText.subarray(1))).toThrow(RangeError);
  });
});
