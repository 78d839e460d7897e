// Argument checks and the byte helpers the whole core shares (concat, equality, hex); no spec, house rules.
//
// Low-level wrappers throw TypeError for a wrong type and RangeError naming the argument for a wrong
// length (team brief), so that misuse is loud and never mistaken for a bad signature.

/** Throws TypeError unless `v` is a Uint8Array, RangeError unless its length is one of `lengths` (when given). */
export function checkBytes(name: string, v: unknown, ...lengths: number[]): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (lengths.length > 0 && !lengths.includes(v.length)) {
    throw new RangeError(`${name} must be ${lengths.join(' or ')} bytes, got ${v.length}`);
  }
  return v;
}

/** Returns rng(n) after checking that the injected RNG honoured its contract (n fresh bytes). */
export function drawRandom(rng: unknown, n: number): Uint8Array {
  if (typeof rng !== 'function') throw new TypeError('rng must be a function (length) => Uint8Array');
  const out: unknown = (rng as (n: number) => unknown)(n);
  if (!(out instanceof Uint8Array) || out.length !== n) throw new RangeError(`rng must return exactly ${n} bytes`);
  return out;
}

/** Constant-time equality for equal-length inputs (false at once when lengths differ). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  return concatAll(parts);
}

/** Concatenates a list of byte arrays of any length (spreading 100,000 parts into concat() overflows the call stack). */
export function concatAll(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Lower-case hex, two digits per byte. */
export function toHex(b: Uint8Array): string {
  // Buffer's encoder gives the same lowercase hex ~50x faster than per-byte concatenation (path
  // building hex-encodes every certificate's subject and key: `writ verify batch`, issue 6).
  if (b instanceof Uint8Array) return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
  let s = '';
  for (const x of b as Iterable<number>) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Even-length hex (either case) -> bytes; RangeError otherwise. */
export function fromHex(h: string): Uint8Array {
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new RangeError('hex: not an even-length hex string');
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Overwrites secret buffers with zeros (best effort: JS may have copied them elsewhere). */
export function wipe(...bufs: (Uint8Array | undefined)[]): void {
  for (const b of bufs) b?.fill(0);
}
