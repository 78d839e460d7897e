// Tests for verifySignature: ML-DSA (RFC 9881) and classical ECDSA / RSA PKCS#1 v1.5 / RSASSA-PSS / Ed25519 via node:crypto.
import { generateKeyPairSync, sign as nodeSign, constants } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureAlgorithm, verifySignature } from '../../../src/core/crypto/signature.js';
import { signerFromSeed } from '../../../src/core/crypto/keys.js';
import { CLASSICAL_OIDS as C, KEY_ALG_OIDS } from '../../../src/core/crypto/algs.js';
import { encodeSpki, parseSpki } from '../../../src/core/asn1/spki.js';
import { WritError } from '../../../src/core/errors.js';
import { SIG_ALGS } from '../../../src/core/crypto/types.js';
import type { AlgorithmId } from '../../../src/core/x509/types.js';
import { seededRng } from '../../helpers/rng.js';

const data = new TextEncoder().encode('to be signed');
const flip = (b: Uint8Array, i = 0): Uint8Array => {
  const c = Uint8Array.from(b);
  c[i] = (c[i] as number) ^ 0x01;
  return c;
};
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'));

describe('ML-DSA', () => {
  it.each(SIG_ALGS)('%s verifies, rejects tampering, and insists on absent parameters', (alg) => {
    const signer = signerFromSeed(alg, seededRng(alg)(32), seededRng('hedge'));
    const spki = parseSpki(encodeSpki(alg, signer.publicKey));
    const sig = signer.sign(data);
    const algId = signatureAlgorithm(alg);
    expect(algId).toEqual({ oid: KEY_ALG_OIDS[alg] });
    expect(verifySignature(algId, spki, data, sig)).toBe(true);
    expect(verifySignature(algId, spki, flip(data), sig)).toBe(false);
    expect(verifySignature(algId, spki, data, flip(sig, 100))).toBe(false);
    expect(verifySignature(algId, spki, data, sig.subarray(1))).toBe(false);
    expect(() => verifySignature({ oid: algId.oid, params: hex('0500') }, spki, data, sig)).toThrow(WritError);
    const other = SIG_ALGS.find((a) => a !== alg)!;
    expect(verifySignature(signatureAlgorithm(other), spki, data, sig)).toBe(false);
    signer.wipe();
  });

  it('throws PARSE for a malformed ML-DSA key and UNSUPPORTED_ALG for unknown algorithms', () => {
    const signer = signerFromSeed('ml-dsa-44', new Uint8Array(32));
    const spki = parseSpki(encodeSpki('ml-dsa-44', signer.publicKey));
    const short = { ...spki, publicKey: spki.publicKey.subarray(1) };
    expect(() => verifySignature(signatureAlgorithm('ml-dsa-44'), short, data, signer.sign(data))).toThrow(
      expect.objectContaining({ code: 'PARSE' }),
    );
    expect(() => verifySignature({ oid: '1.2.3.4' }, spki, data, new Uint8Array(1))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_ALG' }),
    );
    expect(() => verifySignature({ oid: KEY_ALG_OIDS['ml-kem-768'] }, spki, data, new Uint8Array(1))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_ALG' }),
    );
  });
});

describe('classical (node:crypto)', () => {
  const spkiOf = (k: { publicKey: KeyObject }) => parseSpki(new Uint8Array(k.publicKey.export({ format: 'der', type: 'spki' })));

  it.each([
    ['P-256', 'prime256v1', 'sha256', C.ecdsaWithSha256],
    ['P-384', 'secp384r1', 'sha384', C.ecdsaWithSha384],
    ['P-521', 'secp521r1', 'sha512', C.ecdsaWithSha512],
  ])('ECDSA %s', (_n, curve, hash, oid) => {
    const k = generateKeyPairSync('ec', { namedCurve: curve });
    const sig = new Uint8Array(nodeSign(hash, data, k.privateKey));
    const spki = spkiOf(k);
    expect(spki.algorithm.oid).toBe(C.ecPublicKey);
    expect(spki.algorithm.params).toBeDefined(); // the named curve is kept
    expect(verifySignature({ oid }, spki, data, sig)).toBe(true);
    expect(verifySignature({ oid }, spki, flip(data), sig)).toBe(false);
    expect(verifySignature({ oid }, spki, data, flip(sig, sig.length - 1))).toBe(false);
    expect(verifySignature({ oid }, spki, data, new Uint8Array([1, 2, 3]))).toBe(false);
    expect(() => verifySignature({ oid, params: hex('0500') }, spki, data, sig)).toThrow(WritError);
  });

  it('refuses curves other than P-256/384/521', () => {
    const k = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const sig = new Uint8Array(nodeSign('sha256', data, k.privateKey));
    expect(() => verifySignature({ oid: C.ecdsaWithSha256 }, spkiOf(k), data, sig)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_ALG' }));
  });

  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  it.each([
    ['sha256', C.sha256WithRsa],
    ['sha384', C.sha384WithRsa],
    ['sha512', C.sha512WithRsa],
  ])('RSA PKCS#1 v1.5 %s', (hash, oid) => {
    const sig = new Uint8Array(nodeSign(hash, data, rsa.privateKey));
    const spki = spkiOf(rsa);
    for (const alg of [{ oid }, { oid, params: hex('0500') }] as AlgorithmId[]) {
      expect(verifySignature(alg, spki, data, sig)).toBe(true);
      expect(verifySignature(alg, spki, flip(data), sig)).toBe(false);
    }
    expect(verifySignature({ oid: C.ecdsaWithSha256 }, spki, data, sig)).toBe(false);
  });

  it('RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32', () => {
    const sig = new Uint8Array(
      nodeSign('sha256', data, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
    );
    // RSASSA-PSS-params { [0] sha256, [1] mgf1(sha256), [2] 32 } (RFC 4055 §3.1), DER as OpenSSL writes it.
    const params = hex(
      '3034 a00f300d06096086480165030402010500 a11c301a06092a864886f70d010108300d06096086480165030402010500 a203020120',
    );
    const spki = spkiOf(rsa);
    const alg = { oid: C.rsassaPss, params };
    expect(verifySignature(alg, spki, data, sig)).toBe(true);
    expect(verifySignature(alg, spki, flip(data), sig)).toBe(false);
    // salt length 20 declared: verification with the wrong salt length fails.
    const params20 = hex('302f a00f300d06096086480165030402010500 a11c301a06092a864886f70d010108300d06096086480165030402010500');
    expect(verifySignature({ oid: C.rsassaPss, params: params20 }, spki, data, sig)).toBe(false);
    expect(() => verifySignature({ oid: C.rsassaPss }, spki, data, sig)).toThrow(expect.objectContaining({ code: 'PARSE' }));
    // MGF1 with SHA-1 but hash SHA-256: not supported by node:crypto.
    const mixed = hex('3030 a00f300d06096086480165030402010500 a118301606092a864886f70d010108300906052b0e03021a0500 a203020120');
    expect(() => verifySignature({ oid: C.rsassaPss, params: mixed }, spki, data, sig)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_ALG' }),
    );
    expect(() => verifySignature({ oid: C.rsassaPss, params: hex('3003020101') }, spki, data, sig)).toThrow(WritError);
  });

  it('Ed25519', () => {
    const k = generateKeyPairSync('ed25519');
    const sig = new Uint8Array(nodeSign(null, data, k.privateKey));
    const spki = spkiOf(k);
    expect(spki.algorithm).toEqual({ oid: C.ed25519 });
    expect(verifySignature({ oid: C.ed25519 }, spki, data, sig)).toBe(true);
    expect(verifySignature({ oid: C.ed25519 }, spki, data, flip(sig, 5))).toBe(false);
    expect(verifySignature({ oid: C.ed25519 }, spki, data, sig.subarray(1))).toBe(false);
  });

  it('wraps a key node:crypto rejects into PARSE', () => {
    const k = generateKeyPairSync('ed25519');
    const spki = spkiOf(k);
    const broken = { ...spki, der: spki.der.subarray(0, spki.der.length - 3) };
    expect(() => verifySignature({ oid: C.ed25519 }, broken, data, new Uint8Array(64))).toThrow(
      expect.objectContaining({ code: 'PARSE' }),
    );
  });
});
