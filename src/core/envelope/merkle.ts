// Merkle tree hash, inclusion proofs and their verification as RFC 9162 §2.1 defines them, over SHA-512.
//
// Used twice in envelopes: the records manifest root (a hash over every record hash, in order) and the
// provenance attestation root (one origin signature covers a batch of records, each record carrying its
// inclusion path so that it stays verifiable on its own after it leaves the batch or the federation).
// SHA-512 rather than RFC 9162's SHA-256 to stay inside the CNSA 2.0 hash set (DESIGN.md §3).
import { sha512 } from '../crypto/kdf.js';
import { bytesEqual, concat } from '../crypto/bytes.js';

export const MERKLE_HASH_LENGTH = 64;
const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

/** RFC 9162 §2.1.1: the hash of a leaf, domain-separated from interior nodes by a 0x00 prefix. */
export function leafHash(data: Uint8Array): Uint8Array {
  return sha512(concat(LEAF, data));
}

/** RFC 9162 §2.1.1: the hash of an interior node, prefix 0x01. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha512(concat(NODE, left, right));
}

/** The largest power of two strictly smaller than n (n >= 2), RFC 9162 §2.1.1's k. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function mth(leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  const n = hi - lo;
  if (n === 1) return leaves[lo]!;
  const k = split(n);
  return nodeHash(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi));
}

/**
 * MTH over already-hashed leaves (each the output of leafHash). The empty tree's hash is SHA-512 of
 * the empty string (RFC 9162 §2.1.1).
 */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return sha512(new Uint8Array(0));
  return mth(leafHashes, 0, leafHashes.length);
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]): the audit path of leaf `index`, bottom-up. */
export function inclusionPath(leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leafHashes.length) throw new RangeError('inclusionPath: index out of range');
  const path: Uint8Array[] = [];
  const walk = (lo: number, hi: number, m: number): void => {
    const n = hi - lo;
    if (n === 1) return;
    const k = split(n);
    if (m < k) {
      walk(lo, lo + k, m);
      path.push(mth(leafHashes, lo + k, hi));
    } else {
      walk(lo + k, hi, m - k);
      path.push(mth(leafHashes, lo, lo + k));
    }
  };
  walk(0, leafHashes.length, index);
  return path;
}

/** Every leaf's audit path at once (O(n log n)), for sealing large batches. */
export function allInclusionPaths(leafHashes: readonly Uint8Array[]): Uint8Array[][] {
  const paths: Uint8Array[][] = leafHashes.map(() => []);
  const walk = (lo: number, hi: number): Uint8Array => {
    const n = hi - lo;
    if (n === 1) return leafHashes[lo]!;
    const k = split(n);
    const left = walk(lo, lo + k);
    const right = walk(lo + k, hi);
    for (let i = lo; i < lo + k; i++) paths[i]!.push(right);
    for (let i = lo + k; i < hi; i++) paths[i]!.push(left);
    return nodeHash(left, right);
  };
  if (leafHashes.length > 0) walk(0, leafHashes.length);
  return paths;
}

/** RFC 9162 §2.1.3.2: verifies that `leaf` (a leaf hash) is entry `index` of a tree of `size` leaves with `root`. */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, path: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (p.length !== MERKLE_HASH_LENGTH) return false;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(r, root);
}
