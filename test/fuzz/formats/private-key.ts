// Fuzz formats: private keys — PKCS#8 OneAsymmetricKey (RFC 5958; ML-DSA RFC 9881 §6, ML-KEM RFC 9935 §6), PBES2-encrypted (RFC 8018 §6.2), and KEM keys.
//
// Seeds: the fixture PKI's keys (seed form) and, when ../shared/vectors is present, the pqc-certificates
// "both" / "expandedKey" / "seed" forms. Encrypted seeds use cheap KDF costs so mutants stay fast; the
// hostile-cost cases (huge scrypt N/r/p, PBKDF2 counts) are what the LIMIT refusals must stop.
import { decodePrivateKey, decryptPrivateKey, encodePrivateKey, encryptPrivateKey, type DecodedPrivateKey } from '../../../src/core/asn1/pkcs8.js';
import { children, decodeDer } from '../../../src/core/asn1/der.js';
import { decodeKemPrivateKey } from '../../../src/core/cms/kem-key.js';
import { bytesEqual } from '../../../src/core/crypto/bytes.js';
import { seededRng } from '../../../src/fixtures/drbg.js';
import type { FuzzFormat } from '../harness.js';
import { fuzzMaterial, vectorFiles } from './_fixture.js';

const V = 'pqc-certificates/certs_r5/bc/';
const vectorKeys = (): Uint8Array[] =>
  vectorFiles(
    ['ml-dsa-44-2.16.840.1.101.3.4.3.17', 'ml-kem-768-2.16.840.1.101.3.4.4.2', 'ml-kem-512-2.16.840.1.101.3.4.4.1'].flatMap((k) =>
      ['both', 'expandedkey', 'seed'].map((f) => `${V}${k}_${f}_priv.der`),
    ),
  );

let plain: Uint8Array[] | undefined;
function plainSeeds(): Uint8Array[] {
  if (plain) return plain;
  const seen = new Map<string, Uint8Array>();
  for (const k of fuzzMaterial().keys) if (!seen.has(k.alg)) seen.set(k.alg, encodePrivateKey(k.alg, k.seed));
  plain = [...seen.values(), ...vectorKeys()];
  return plain;
}

export const FUZZ_PASSPHRASE = new TextEncoder().encode('fuzz passphrase');

let enc: Uint8Array[] | undefined;
function encryptedSeeds(): Uint8Array[] {
  if (enc) return enc;
  const k = plainSeeds()[0]!;
  const rng = seededRng('fuzz-pkcs8', 'enc');
  enc = [
    encryptPrivateKey(k, FUZZ_PASSPHRASE, { kdf: 'scrypt', rng, scrypt: { N: 2 ** 4, r: 8, p: 1 } }),
    encryptPrivateKey(k, FUZZ_PASSPHRASE, { kdf: 'pbkdf2', rng, iterations: 16 }),
  ];
  return enc;
}

function checkDecoded(input: Uint8Array, k: DecodedPrivateKey): void {
  // Attributes (RFC 5958 §2) are read but not kept: only a key without them can re-encode to the input.
  const hasAttributes = children(decodeDer(input)).some((f) => f.cls === 2 && f.tag === 0);
  if (k.form === 'seed' && k.alg !== undefined && k.seed !== undefined && !hasAttributes) {
    // A seed-form key re-encodes to the same bytes (DER is canonical: X.690 §10).
    // Version 1 (RFC 5958 v2) without a publicKey is the same key: compare with the version octet as v1.
    const v0 = input.slice();
    if (v0[4] === 1) v0[4] = 0;
    if (!bytesEqual(encodePrivateKey(k.alg, k.seed), v0)) throw new Error(`accepted ${k.alg} seed key does not re-encode to the input`);
  }
  if (!(k.publicKey instanceof Uint8Array) || k.publicKey.length === 0) throw new Error('accepted key without a public key');
}

const pkcs8: FuzzFormat = {
  name: 'private-key',
  kind: 'der',
  seeds: plainSeeds,
  parse: (input) => decodePrivateKey(input),
  check: (input, r) => checkDecoded(input, r as DecodedPrivateKey),
};

const encrypted: FuzzFormat = {
  name: 'private-key-encrypted',
  kind: 'der',
  seeds: encryptedSeeds,
  parse: (input) => decodePrivateKey(decryptPrivateKey(input, FUZZ_PASSPHRASE)),
  check(input, r) {
    // PBES2 with AES-256-CBC (RFC 8018 §6.2) has no integrity: a flipped ciphertext/IV bit inside the
    // seed decrypts to a *different*, well-formed seed key (docs/fuzzing.md "known limitations"). What
    // must hold: an input whose KDF parameters, IV and ciphertext are a seed's decrypts to that seed's key.
    const k = r as DecodedPrivateKey;
    const want = decodePrivateKey(plainSeeds()[0]!);
    if (encryptedSeeds().some((s) => bytesEqual(s, input)) && (k.alg !== want.alg || !bytesEqual(k.publicKey, want.publicKey))) {
      throw new Error('a seed decrypted to a different key');
    }
    checkDecoded(decodeInner(input), k);
  },
};

function decodeInner(input: Uint8Array): Uint8Array {
  return decryptPrivateKey(input, FUZZ_PASSPHRASE);
}

const kem: FuzzFormat = {
  name: 'kem-private-key',
  kind: 'der',
  seeds: () => plainSeeds().filter((d) => {
    try {
      decodeKemPrivateKey(d);
      return true;
    } catch {
      return false;
    }
  }),
  parse: (input) => decodeKemPrivateKey(input),
};

export default [pkcs8, encrypted, kem];
