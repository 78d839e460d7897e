// Shared test helper: a deterministic, seeded Rng (SHA-256 in counter mode) for reproducible tests.
//
// Not for production: the CLI passes node:crypto randomBytes. Here determinism makes failures replayable.
import { createHash } from 'node:crypto';
import type { Rng } from '../../src/core/crypto/types.js';

/** An Rng whose output is a pure function of `seed` and the sequence of requested lengths. */
export function seededRng(seed: string): Rng {
  let counter = 0;
  return (length: number): Uint8Array => {
    const out = new Uint8Array(length);
    for (let off = 0; off < length; off += 32) {
      const block = createHash('sha256').update(`${seed}\u0000${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, length - off)), off);
    }
    return out;
  };
}
