// Per-batch memo of verified certificate and CRL signatures (issue 6 target 2), plugged into core verify() as options.signatureMemo.
//
// A key is SHA-256(signed object's DER) ‖ SHA-256(issuer certificate's DER) ‖ validation time: the exact
// bytes that were signed and the exact certificate whose key checked them (RFC 5280 §6.1.3 (a)(1)), so a
// forged intermediate with the same names, or the same intermediate under another issuer key, never hits.
// Only successes are stored (a miss re-runs the full check), and nothing but the signature check is
// skipped: validity, constraints, policy and revocation run in full on every item.
import { createHash } from 'node:crypto';
import type { SignatureMemo } from '../core/verify/types.js';
import type { MlDsaKeys } from '../core/crypto/signature.js';
import { prepareMlDsaPublicKey, type PreparedMlDsaKey } from '../core/crypto/ml-dsa-prepared.js';
import type { SigAlgName } from '../core/crypto/types.js';

/** Beyond this many prepared ML-DSA keys the table starts over (a prepared ML-DSA-87 key holds ~240 KiB). */
export const PREPARED_KEYS_MAX = 256;

/** Beyond this many entries the memo starts over: a bound on memory, and a miss is always safe. */
export const MEMO_MAX_ENTRIES = 65_536;

export class SignatureCache implements SignatureMemo {
  #seen = new Set<string>();
  // Digests of byte arrays this worker holds for the whole batch (trust anchors, CRLs, interned
  // intermediates): hashed once. Keyed by the array object, so a different array is hashed afresh.
  #digests = new WeakMap<Uint8Array, string>();
  #keys = new Map<string, PreparedMlDsaKey>();
  hits = 0;
  misses = 0;
  stored = 0;
  keysPrepared = 0;

  /**
   * SignatureMemo.mlDsaKeys: the signature checks that do run (every leaf, every envelope signer) reuse
   * the issuer's prepared key. Keyed by algorithm and the key's exact bytes; preparing is a pure function
   * of them, so a prepared key stands for nothing but that key.
   */
  readonly mlDsaKeys: MlDsaKeys = (alg: SigAlgName, publicKey: Uint8Array) => {
    const k = `${alg}:${this.digest(publicKey)}`;
    let p = this.#keys.get(k);
    if (p === undefined) {
      p = prepareMlDsaPublicKey(alg, publicKey);
      if (this.#keys.size >= PREPARED_KEYS_MAX) this.#keys.clear();
      this.#keys.set(k, p);
      this.keysPrepared++;
    }
    return p;
  };

  constructor(readonly maxEntries = MEMO_MAX_ENTRIES) {}

  /** The SHA-256 of `bytes`, hex; remembered per array object (the arrays are never mutated once parsed). */
  digest(bytes: Uint8Array): string {
    let d = this.#digests.get(bytes);
    if (d === undefined) {
      d = createHash('sha256').update(bytes).digest('hex');
      this.#digests.set(bytes, d);
    }
    return d;
  }

  /** SignatureMemo.sha256Hex: the path fingerprints core verify() reports, from the same per-array memo. */
  sha256Hex(der: Uint8Array): string {
    return this.digest(der);
  }

  key(signedDer: Uint8Array, issuerDer: Uint8Array, now: Date): string {
    return `${this.digest(signedDer)}:${this.digest(issuerDer)}:${now.getTime()}`;
  }

  has(signedDer: Uint8Array, issuerDer: Uint8Array, now: Date): boolean {
    const hit = this.#seen.has(this.key(signedDer, issuerDer, now));
    if (hit) this.hits++;
    else this.misses++;
    return hit;
  }

  add(signedDer: Uint8Array, issuerDer: Uint8Array, now: Date): void {
    if (this.#seen.size >= this.maxEntries) this.#seen.clear();
    this.#seen.add(this.key(signedDer, issuerDer, now));
    this.stored++;
  }

  get size(): number {
    return this.#seen.size;
  }
}
