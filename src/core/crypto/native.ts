// Native ML-DSA / ML-KEM / X-Wing operations through node:crypto (OpenSSL 3.5: FIPS 204, FIPS 203; RFC 9881 / RFC 9935 key forms).
//
// Only operations whose result is a pure function of their inputs go native (verify, public key from
// seed, decapsulation, the X25519 half of X-Wing encapsulation): node:crypto's ML-DSA sign and ML-KEM
// encapsulate draw from OpenSSL's own RNG and take no caller randomness (no rnd, no deterministic flag,
// no m), which would break the core's rule that randomness comes only from the injected Rng (DESIGN.md §4).
// Nothing here draws random bytes.
//
// @types/node is 20: the newer node:crypto surface (decapsulate; post-quantum asymmetricKeyType names) is
// reached through the narrow local types below, read from the namespace at run time (an import by name
// would fail to link on a Node.js without it).
import * as nodeCrypto from 'node:crypto';
import type { KeyObject, VerifyKeyObjectInput } from 'node:crypto';
import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
import { KEY_ALG_OIDS, KEY_SIZES } from './algs.js';
import { concat } from './bytes.js';
import type { SigAlgName } from './types.js';

type MlKemName = 'ml-kem-768' | 'ml-kem-1024';

/** node:crypto.decapsulate (Node.js 24.7+): the shared key for `ciphertext` under a private KEM key. */
type Decapsulate = (key: KeyObject, ciphertext: Uint8Array) => Uint8Array;

function nodeDecapsulate(): Decapsulate | undefined {
  const f: unknown = (nodeCrypto as { decapsulate?: unknown }).decapsulate;
  return typeof f === 'function' ? (f as Decapsulate) : undefined;
}

// ---- minimal DER for the fixed-shape key containers node:crypto imports (X.690 §8.1.3 length octets) ----

const lengthOctets = (n: number): number[] => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);

function der(tag: number, body: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(tag, ...lengthOctets(body.length)), body);
}

function oidDer(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const out: number[] = [40 * (arcs[0] ?? 0) + (arcs[1] ?? 0)];
  for (const a of arcs.slice(2)) {
    const b: number[] = [a & 0x7f];
    for (let v = Math.floor(a / 128); v > 0; v = Math.floor(v / 128)) b.unshift((v & 0x7f) | 0x80);
    out.push(...b);
  }
  return der(0x06, Uint8Array.from(out));
}

/** AlgorithmIdentifier with parameters absent (RFC 9881 §2, RFC 9935 §3, RFC 8410 §3). */
const algId = (oid: string): Uint8Array => der(0x30, oidDer(oid));
const X25519_OID = '1.3.101.110';
const VERSION0 = Uint8Array.of(0x02, 0x01, 0x00);

/** SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) holding a raw public key. */
function spki(oid: string, publicKey: Uint8Array): Uint8Array {
  return der(0x30, concat(algId(oid), der(0x03, concat(Uint8Array.of(0), publicKey))));
}

/**
 * OneAsymmetricKey v0 (RFC 5958) whose privateKey OCTET STRING holds one TLV (innerTag, secret): [0] for the
 * RFC 9881 / RFC 9935 seed form, OCTET STRING for the ML-KEM expandedKey form and for X25519 (RFC 8410 §7).
 * The secret comes last, so the DER is built in ONE allocation that importPrivate wipes.
 */
function pkcs8(oid: string, innerTag: 0x80 | 0x04, secret: Uint8Array): Uint8Array {
  const inner = [innerTag, ...lengthOctets(secret.length)];
  const octet = [0x04, ...lengthOctets(inner.length + secret.length)];
  const a = algId(oid);
  const body = VERSION0.length + a.length + octet.length + inner.length + secret.length;
  const head = [0x30, ...lengthOctets(body), ...VERSION0, ...a, ...octet, ...inner];
  const out = new Uint8Array(head.length + secret.length);
  out.set(head);
  out.set(secret, head.length);
  return out;
}

/** Imports a PKCS#8 key and wipes the DER copy of the secret (best effort). */
function importPrivate(p8: Uint8Array): KeyObject {
  try {
    return nodeCrypto.createPrivateKey({ key: Buffer.from(p8.buffer, p8.byteOffset, p8.byteLength), format: 'der', type: 'pkcs8' });
  } finally {
    p8.fill(0);
  }
}

/** The raw public key of a KeyObject: the tail of its SPKI DER (fixed-length keys, BIT STRING last). */
function rawPublic(key: KeyObject, length: number): Uint8Array {
  const d = nodeCrypto.createPublicKey(key).export({ format: 'der', type: 'spki' });
  return Uint8Array.from(d.subarray(d.length - length));
}

const publicKeyObject = (oid: string, publicKey: Uint8Array): KeyObject =>
  nodeCrypto.createPublicKey({ key: Buffer.from(spki(oid, publicKey)), format: 'der', type: 'spki' });

// ---- X25519 (RFC 7748), in every OpenSSL Node.js has shipped since 12: the classical half of X-Wing ----

/** X25519(sk, 9): the public key of a 32-byte scalar (RFC 7748 §6.1), via the RFC 8410 §7 PKCS#8 form. */
export function x25519PublicKey(secret: Uint8Array): Uint8Array {
  return rawPublic(importPrivate(pkcs8(X25519_OID, 0x04, secret)), 32);
}

/** X25519(sk, pk) (RFC 7748 §6.1). OpenSSL throws on an all-zero result: callers defer to noble then. */
export function x25519Shared(secret: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const privateKey = importPrivate(pkcs8(X25519_OID, 0x04, secret));
  return Uint8Array.from(nodeCrypto.diffieHellman({ privateKey, publicKey: publicKeyObject(X25519_OID, publicKey) }));
}

// ---- ML-DSA (FIPS 204) ----

/**
 * FIPS 204 Algorithm 3 ML-DSA.Verify, pure, EMPTY context only (RFC 9881 §3, RFC 9882 §3): callers
 * route a non-empty context to noble, so a Node.js that ignored the `context` option cannot matter.
 * Lengths are checked by the caller.
 */
export function nativeMlDsaVerify(alg: SigAlgName, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = publicKeyObject(KEY_ALG_OIDS[alg], publicKey);
  const input: VerifyKeyObjectInput = { key };
  return nodeCrypto.verify(null, message, input, signature);
}

/** The public key of the 32-byte seed xi (FIPS 204 Algorithm 6), via the RFC 9881 §6 seed-form PKCS#8 [0]. */
export function nativeMlDsaPublicKey(alg: SigAlgName, seed: Uint8Array): Uint8Array {
  const key = importPrivate(pkcs8(KEY_ALG_OIDS[alg], 0x80, seed));
  return rawPublic(key, KEY_SIZES[alg].publicKey);
}

// ---- ML-KEM (FIPS 203) ----

/** The encapsulation key of the 64-byte seed d||z (FIPS 203 Algorithm 16), via the RFC 9935 seed-form PKCS#8 [0]. */
export function nativeMlKemPublicKey(alg: MlKemName, seed: Uint8Array): Uint8Array {
  const key = importPrivate(pkcs8(KEY_ALG_OIDS[alg], 0x80, seed));
  return rawPublic(key, KEY_SIZES[alg].publicKey);
}

/**
 * FIPS 203 Algorithm 21 ML-KEM.Decaps with an expanded decapsulation key (RFC 9935 §6 expandedKey form;
 * OpenSSL runs the §7.3 hash check on import and throws, the caller then defers to noble for the error).
 */
export function nativeMlKemDecapsulate(alg: MlKemName, secretKey: Uint8Array, cipherText: Uint8Array): Uint8Array {
  const decaps = nodeDecapsulate();
  if (decaps === undefined) throw new Error('node:crypto has no decapsulate');
  const key = importPrivate(pkcs8(KEY_ALG_OIDS[alg], 0x04, secretKey));
  return Uint8Array.from(decaps(key, cipherText));
}

// ---- X-Wing (draft-connolly-cfrg-xwing-kem): native ML-KEM-768 + X25519, combiner in SHA3-256 ----

/** XWingLabel, the 6 bytes "\.//^\" (draft-connolly-cfrg-xwing-kem §5.3). */
export const XWING_LABEL = Uint8Array.of(0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c);
const ML_KEM_768_CT = 1088;

/** §5.2 expandDecapsulationKey: SHAKE256(sk, 96) = d || z (ML-KEM-768 seed) || sk_X (X25519 scalar). */
function xwingKeys(seed: Uint8Array): { kem: KeyObject; x: KeyObject; pkM: Uint8Array; pkX: Uint8Array } {
  const expanded = shake256(seed, { dkLen: 96 });
  try {
    const kem = importPrivate(pkcs8(KEY_ALG_OIDS['ml-kem-768'], 0x80, expanded.subarray(0, 64)));
    const x = importPrivate(pkcs8(X25519_OID, 0x04, expanded.subarray(64, 96)));
    return { kem, x, pkM: rawPublic(kem, KEY_SIZES['ml-kem-768'].publicKey), pkX: rawPublic(x, 32) };
  } finally {
    expanded.fill(0);
  }
}

/** §5.2: pk = pk_M || X25519(sk_X, 9). */
export function nativeXwingPublicKey(seed: Uint8Array): Uint8Array {
  const { pkM, pkX } = xwingKeys(seed);
  return concat(pkM, pkX);
}

/**
 * §5.4 Decapsulate: ss = SHA3-256(ss_M || ss_X || ct_X || pk_X || XWingLabel). OpenSSL refuses an
 * all-zero X25519 output (RFC 7748 §6.1 check) by throwing; the caller then defers to noble.
 */
export function nativeXwingDecapsulate(seed: Uint8Array, cipherText: Uint8Array): Uint8Array {
  const decaps = nodeDecapsulate();
  if (decaps === undefined) throw new Error('node:crypto has no decapsulate');
  const { kem, x, pkX } = xwingKeys(seed);
  const ctM = cipherText.subarray(0, ML_KEM_768_CT);
  const ctX = cipherText.subarray(ML_KEM_768_CT);
  const ssM = Uint8Array.from(decaps(kem, ctM));
  const ssX = Uint8Array.from(nodeCrypto.diffieHellman({ privateKey: x, publicKey: publicKeyObject(X25519_OID, ctX) }));
  try {
    return sha3_256(concat(ssM, ssX, ctX, pkX, XWING_LABEL));
  } finally {
    ssM.fill(0);
    ssX.fill(0);
  }
}

/** KeyObject.asymmetricKeyType as a plain string (@types/node 20 lists no post-quantum key types). */
const keyType = (k: KeyObject): string | undefined => k.asymmetricKeyType as string | undefined;

/**
 * §5.3 EncapsulateDerand(pk, eseed) with the X25519 half in node:crypto: ek_X = eseed[32:64] (the caller's
 * randomness, so the result is deterministic), ct_X = X25519(ek_X, 9), ss_X = X25519(ek_X, pk_X). The
 * ML-KEM-768 half takes m = eseed[0:32], which node:crypto's encapsulate cannot accept: the caller passes
 * noble's EncapsDerand as `mlKemEncaps`.
 */
export function nativeXwingEncapsulate(
  publicKey: Uint8Array,
  eseed: Uint8Array,
  mlKemEncaps: (pkM: Uint8Array, m: Uint8Array) => { cipherText: Uint8Array; sharedSecret: Uint8Array },
): { cipherText: Uint8Array; sharedSecret: Uint8Array } {
  const pkM = publicKey.subarray(0, KEY_SIZES['ml-kem-768'].publicKey);
  const pkX = publicKey.subarray(KEY_SIZES['ml-kem-768'].publicKey);
  const ek = importPrivate(pkcs8(X25519_OID, 0x04, eseed.subarray(32, 64)));
  const ctX = rawPublic(ek, 32);
  const ssX = Uint8Array.from(nodeCrypto.diffieHellman({ privateKey: ek, publicKey: publicKeyObject(X25519_OID, pkX) }));
  const m = eseed.slice(0, 32);
  try {
    const { cipherText: ctM, sharedSecret: ssM } = mlKemEncaps(pkM, m);
    const sharedSecret = sha3_256(concat(ssM, ssX, ctX, pkX, XWING_LABEL));
    ssM.fill(0);
    return { cipherText: concat(ctM, ctX), sharedSecret };
  } finally {
    m.fill(0);
    ssX.fill(0);
  }
}

const NO_PQ_API = 'node:crypto has no post-quantum API (no decapsulate: needs Node.js 24.7 or later with OpenSSL 3.5)';

// ---- feature probes (no key generation; a few imports and one operation each, ~1-2 ms CPU on Node 26) ----

/**
 * ML-DSA: SPKI import of ML-DSA-44/65/87 public keys reporting the right key type, and one-shot verify
 * (an all-zero ML-DSA-44 signature must be refused, not throw). Undefined when all is there, else why not.
 */
export function probeNativeSignatures(): string | undefined {
  // A free first gate: node:crypto's KEM API arrived together with OpenSSL 3.5's post-quantum algorithms;
  // where it is missing (Node 20, 22) nothing else is tried, so the probe costs nothing there.
  if (nodeDecapsulate() === undefined) return NO_PQ_API;
  try {
    for (const alg of ['ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'] as const) {
      const k = publicKeyObject(KEY_ALG_OIDS[alg], new Uint8Array(KEY_SIZES[alg].publicKey));
      if (keyType(k) !== alg) return `node:crypto does not know ${alg}`;
    }
    const k44 = publicKeyObject(KEY_ALG_OIDS['ml-dsa-44'], new Uint8Array(KEY_SIZES['ml-dsa-44'].publicKey));
    if (nodeCrypto.verify(null, new Uint8Array(0), k44, new Uint8Array(2420)) !== false) return 'ML-DSA verify accepted a zero signature';
  } catch (e) {
    return `node:crypto lacks ML-DSA (${e instanceof Error ? e.message : String(e)})`;
  }
  return undefined;
}

/**
 * ML-KEM and X-Wing: a decapsulate function, seed-form PKCS#8 import of ML-KEM-768/1024 with one
 * decapsulation each, X25519 PKCS#8 import. Undefined when all is there, else why not.
 */
export function probeNativeKems(): string | undefined {
  const decaps = nodeDecapsulate();
  if (decaps === undefined) return NO_PQ_API;
  try {
    for (const [alg, ct] of [['ml-kem-768', 1088], ['ml-kem-1024', 1568]] as const) {
      const k = importPrivate(pkcs8(KEY_ALG_OIDS[alg], 0x80, new Uint8Array(64)));
      if (keyType(k) !== alg) return `node:crypto does not know ${alg}`;
      if (decaps(k, new Uint8Array(ct)).length !== 32) return `${alg} decapsulate gave a key of the wrong length`;
    }
    const x = importPrivate(pkcs8(X25519_OID, 0x04, new Uint8Array(32).fill(1)));
    if (keyType(x) !== 'x25519') return 'node:crypto does not know X25519';
  } catch (e) {
    return `node:crypto lacks ML-KEM (${e instanceof Error ? e.message : String(e)})`;
  }
  return undefined;
}
