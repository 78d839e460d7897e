// Shared types of the crypto layer: algorithm names, the injected RNG, and the Signer interface.
//
// The core never reads a clock or an RNG of its own (DESIGN.md §4): randomness is passed in as an Rng.

/** Fills and returns `length` fresh random bytes. The CLI passes node:crypto's randomBytes; tests pass a seeded one. */
export type Rng = (length: number) => Uint8Array;

export type SigAlgName = 'ml-dsa-44' | 'ml-dsa-65' | 'ml-dsa-87';
export type KemAlgName = 'ml-kem-768' | 'ml-kem-1024' | 'x-wing';
export type KeyAlgName = SigAlgName | KemAlgName;

export const SIG_ALGS: readonly SigAlgName[] = ['ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'];
export const KEM_ALGS: readonly KemAlgName[] = ['ml-kem-768', 'ml-kem-1024', 'x-wing'];

/** Something that can sign with a post-quantum key we hold (pure ML-DSA, empty context: RFC 9881 §3). */
export interface Signer {
  readonly alg: SigAlgName;
  /** Raw public key bytes (the SPKI subjectPublicKey BIT STRING contents). */
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}
