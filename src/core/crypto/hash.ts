// SHA-2 digests (FIPS 180-4) over @noble/hashes, for key identifiers, fingerprints and seeded DRBGs.
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';

/** SHA-256 (FIPS 180-4 §6.2). */
export function sha256(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
  return nobleSha256(data);
}

/** SHA-512 (FIPS 180-4 §6.4). */
export function sha512(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
  return nobleSha512(data);
}
