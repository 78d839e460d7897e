// Property tests for the RFC 9162 Merkle tree over SHA-512 and the envelope records manifest (DER round trip, tamper detection).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha512 } from '../../../src/core/crypto/kdf.js';
import { concat, toHex } from '../../../src/core/crypto/bytes.js';
import { allInclusionPaths, inclusionPath, leafHash, merkleRoot, nodeHash, verifyInclusion } from '../../../src/core/envelope/merkle.js';
import { buildManifest, decodeManifest, encodeManifest, hashRecord, manifestMatches } from '../../../src/core/envelope/manifest.js';
import { canonicalBytes } from '../../../src/core/json/canonical.js';
import { errCode } from '../../helpers/index.js';

const leaves = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => leafHash(Uint8Array.of(i & 0xff, i >> 8)));

describe('merkle (RFC 9162 §2.1, SHA-512)', () => {
  it('matches the definition on small trees', () => {
    const l = leaves(3);
    expect(toHex(merkleRoot([]))).toBe(toHex(sha512(new Uint8Array(0))));
    expect(toHex(merkleRoot(l.slice(0, 1)))).toBe(toHex(l[0]!));
    expect(toHex(merkleRoot(l))).toBe(toHex(nodeHash(nodeHash(l[0]!, l[1]!), l[2]!)));
    expect(toHex(leafHash(Uint8Array.of(7)))).toBe(toHex(sha512(concat(Uint8Array.of(0), Uint8Array.of(7)))));
  });

  it('every inclusion path verifies, and the batch and single-leaf paths agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), (n) => {
        const l = leaves(n);
        const root = merkleRoot(l);
        const all = allInclusionPaths(l);
        for (let i = 0; i < n; i++) {
          const p = inclusionPath(l, i);
          expect(p.map(toHex)).toEqual(all[i]!.map(toHex));
          expect(verifyInclusion(l[i]!, i, n, p, root)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a path does not verify for another leaf, index, size or root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.nat(), fc.nat(), (n, a, b) => {
        const l = leaves(n);
        const root = merkleRoot(l);
        const i = a % n;
        const j = (i + 1 + (b % (n - 1))) % n;
        const p = inclusionPath(l, i);
        expect(verifyInclusion(l[j]!, i, n, p, root)).toBe(false);
        expect(verifyInclusion(l[i]!, j, n, p, root)).toBe(false);
        expect(verifyInclusion(l[i]!, i, n, p, leafHash(root))).toBe(false);
        expect(verifyInclusion(l[i]!, n, n, p, root)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});

const jsonValue = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe('records manifest', () => {
  it('round-trips through DER and matches exactly the records it was built from', () => {
    fc.assert(
      fc.property(fc.array(jsonValue, { minLength: 0, maxLength: 12 }), (records) => {
        const m = buildManifest(records);
        expect(m.recordHashes).toEqual(records.map((r) => toHex(hashRecord(r))));
        expect(decodeManifest(encodeManifest(m))).toEqual(m);
        expect(manifestMatches(m, records)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('is blind to JSON member order (RFC 8785) but sees any change of a record, its order, or the count', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string({ maxLength: 4 }), fc.integer()), { minLength: 2, maxLength: 8 }), fc.nat(), (records, k) => {
        const m = buildManifest(records);
        const reordered = records.map((r) => Object.fromEntries(Object.entries(r).reverse()));
        expect(manifestMatches(m, reordered)).toBe(true);
        const i = k % records.length;
        const changed = records.map((r, j) => (j === i ? { ...r, __x: 1 } : r));
        expect(manifestMatches(m, changed)).toBe(false);
        expect(manifestMatches(m, records.slice(1))).toBe(false);
        expect(manifestMatches(m, [...records, records[0]])).toBe(false);
        if (toHex(canonicalBytes(records[0])) !== toHex(canonicalBytes(records[1]))) {
          expect(manifestMatches(m, [records[1], records[0], ...records.slice(2)])).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a manifest whose root does not match its hashes, or a hash of the wrong size', () => {
    const m = buildManifest([{ a: 1 }, { b: 2 }]);
    const der = encodeManifest(m);
    const bad = der.slice();
    const rootAt = toHex(der).indexOf(m.root) / 2;
    bad[rootAt]! ^= 1;
    expect(errCode(() => decodeManifest(bad))).toBe('PARSE');
    expect(() => encodeManifest({ ...m, recordHashes: ['00'] })).toThrow();
  });
});
