// Loading a signing key for the CLI: PKCS#8 file -> ML-DSA Signer (hedged with the CLI's RNG), wiped after use.
import { WritError } from '../core/errors.js';
import { isSigAlg } from '../core/crypto/algs.js';
import { signerFromSeed } from '../core/crypto/keys.js';
import type { Signer } from '../core/crypto/types.js';
import type { Ctx } from './context.js';
import { readPrivateKey } from './keyfile.js';

export type WipeableSigner = Signer & { wipe(): void };

export async function loadSigner(ctx: Ctx, file: string, passFile: string | undefined): Promise<WipeableSigner> {
  const k = await readPrivateKey(file, passFile, ctx.note);
  try {
    if (!isSigAlg(k.alg)) throw new WritError('USAGE', `${file} holds a ${k.alg} key, which cannot sign; give an ML-DSA key`);
    if (!k.seed) throw new WritError('UNSUPPORTED', `${file} holds only the expanded ML-DSA key; writ signs from the seed form (RFC 9881)`);
    return signerFromSeed(k.alg, k.seed, ctx.rng);
  } finally {
    k.seed?.fill(0);
  }
}
