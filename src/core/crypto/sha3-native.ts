// SHA-3 / SHAKE (FIPS 202) for the bundle: noble's sha3 module with SHAKE128/256 and SHA3-256/512 computed by node:crypto.
//
// Why: a cold `writ verify chain` spends most of its ML-DSA time in noble's keccak permutation running in
// V8's interpreter before the JIT warms up (docs/performance.md). OpenSSL's keccak gives the same bytes
// (FIPS 202 fixes them) at native speed from the first call. tsup.config.ts points every import of
// '@noble/hashes/sha3.js' inside the bundle (@noble/post-quantum and src/core/crypto) at this module;
// tests run the source against plain noble, and test/crypto/sha3-native.test.ts compares the two.
//
// SHAKE is an XOF (FIPS 202 §6.2): an output of length n is the prefix of any longer output of the same
// input, so an incremental reader (noble's xofInto) is served from one squeezed buffer that grows by
// doubling; node:crypto's Hash.copy({ outputLength }) squeezes without consuming the absorbed state.
// When node:crypto has no SHAKE (a Node.js built without it), the noble functions are used unchanged.
import { createHash } from 'node:crypto';
import type { Hash as NodeHash } from 'node:crypto';
import * as noble from '@noble/hashes/sha3.js';

export * from '@noble/hashes/sha3.js';

type NodeAlg = 'shake128' | 'shake256' | 'sha3-256' | 'sha3-512';

let nativeOk: boolean | undefined;
/** Feature test, once: does this Node.js's OpenSSL provide SHAKE and SHA-3? */
function native(): boolean {
  if (nativeOk === undefined) {
    try {
      createHash('shake128', { outputLength: 1 }).update(new Uint8Array(1)).digest();
      createHash('sha3-256').update(new Uint8Array(1)).digest();
      nativeOk = true;
    } catch {
      nativeOk = false;
    }
  }
  return nativeOk;
}

// An empty Hash per algorithm, copied for each new instance: OpenSSL 3 looks the algorithm up (EVP_MD_fetch)
// on every createHash, which costs more than the hashing itself for the short inputs ML-DSA absorbs, while
// Hash.copy duplicates the context only. The empty hashes are never updated.
const empty = new Map<NodeAlg, NodeHash>();
function fresh(alg: NodeAlg, outputLength: number): NodeHash {
  let e = empty.get(alg);
  if (e === undefined) {
    e = alg.startsWith('shake') ? createHash(alg, { outputLength: 32 }) : createHash(alg);
    empty.set(alg, e);
  }
  return alg.startsWith('shake') ? e.copy({ outputLength }) : e.copy();
}

function toU8(b: Uint8Array): Uint8Array {
  // A fresh Uint8Array, never a Buffer view: callers rely on Uint8Array#slice copying.
  return new Uint8Array(b);
}

/** The noble Hash surface that @noble/post-quantum and src/core/crypto use, over a node:crypto Hash. */
class NativeKeccak {
  readonly blockLen: number;
  readonly outputLen: number;
  readonly canXOF: boolean;
  private h: NodeHash;
  private squeezed: Uint8Array | undefined;
  private pos = 0;
  private destroyed = false;

  constructor(
    private readonly alg: NodeAlg,
    blockLen: number,
    outputLen: number,
  ) {
    this.blockLen = blockLen;
    this.outputLen = outputLen;
    this.canXOF = alg.startsWith('shake');
    this.h = fresh(alg, outputLen);
  }

  update(data: Uint8Array): this {
    if (this.destroyed) throw new Error('Hash instance has been destroyed');
    if (this.squeezed !== undefined) throw new Error('Hash#digest() has already been called');
    // As noble's abytes: bytes only (node:crypto would also hash a string).
    if (!(data instanceof Uint8Array)) throw new TypeError('"data" expected Uint8Array, got type=' + typeof data);
    this.h.update(data);
    return this;
  }

  xofInto(out: Uint8Array): Uint8Array {
    if (!this.canXOF) throw new Error('XOF is not possible for this instance');
    if (this.destroyed) throw new Error('Hash instance has been destroyed');
    const need = this.pos + out.length;
    if (this.squeezed === undefined || this.squeezed.length < need) {
      const size = Math.max(need, this.squeezed === undefined ? 4 * this.blockLen : 2 * this.squeezed.length);
      this.squeezed = this.h.copy({ outputLength: size }).digest();
    }
    out.set(this.squeezed.subarray(this.pos, need));
    this.pos = need;
    return out;
  }

  xof(bytes: number): Uint8Array {
    return this.xofInto(new Uint8Array(bytes));
  }

  digestInto(out: Uint8Array): Uint8Array {
    if (out.length < this.outputLen) throw new Error('digestInto() expects output buffer of length at least ' + this.outputLen);
    if (this.canXOF) {
      this.xofInto(out.subarray(0, this.outputLen));
    } else {
      if (this.squeezed !== undefined) throw new Error('Hash#digest() has already been called');
      this.squeezed = this.h.digest();
      out.set(this.squeezed);
    }
    return out;
  }

  digest(): Uint8Array {
    return this.digestInto(new Uint8Array(this.outputLen));
  }

  destroy(): void {
    this.destroyed = true;
  }
}

interface DkOpts {
  dkLen?: number;
}

/** What is read from noble's hasher functions (CHash / CHashXOF). */
interface NobleHasher {
  (msg: Uint8Array, opts?: DkOpts): Uint8Array;
  blockLen: number;
  outputLen: number;
  create(opts?: DkOpts): unknown;
}

/** A noble-shaped hasher (callable, .create, .blockLen, .outputLen, .oid) that picks native or noble per call. */
function hasher<T>(nobleFn: T, alg: NodeAlg): T {
  const fallback = nobleFn as unknown as NobleHasher;
  const xof = alg.startsWith('shake');
  const len = (opts?: DkOpts): number => (xof && opts?.dkLen !== undefined ? opts.dkLen : fallback.outputLen);
  const f = (msg: Uint8Array, opts?: DkOpts): Uint8Array => {
    if (!native() || !(msg instanceof Uint8Array)) return fallback(msg, opts);
    return toU8(fresh(alg, len(opts)).update(msg).digest());
  };
  const create = (opts?: DkOpts): unknown => (native() ? new NativeKeccak(alg, fallback.blockLen, len(opts)) : fallback.create(opts));
  return Object.freeze(Object.assign(f, { ...fallback, create })) as unknown as T;
}

export const shake128: typeof noble.shake128 = hasher(noble.shake128, 'shake128');
export const shake256: typeof noble.shake256 = hasher(noble.shake256, 'shake256');
export const sha3_256: typeof noble.sha3_256 = hasher(noble.sha3_256, 'sha3-256');
export const sha3_512: typeof noble.sha3_512 = hasher(noble.sha3_512, 'sha3-512');
