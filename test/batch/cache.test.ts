// Unit and differential tests of the batch signature cache (src/batch/cache.ts) and the core verify() hook it plugs into (RFC 5280 §6.1.3 (a)(1)).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignatureCache } from '../../src/batch/cache.js';
import { ItemVerifier } from '../../src/batch/items.js';
import type { BatchConfig } from '../../src/batch/items.js';
import { verify } from '../../src/core/verify/verify.js';
import { sha256 } from '../../src/core/crypto/kdf.js';
import { toHex } from '../../src/core/crypto/bytes.js';
import { MIX_AT, pkis, writeMix } from './mix.js';
import type { Mix } from './mix.js';

const at = new Date(MIX_AT);

describe('SignatureCache', () => {
  const x = Uint8Array.of(1, 2, 3);
  const y = Uint8Array.of(4, 5, 6);
  const z = Uint8Array.of(7, 8, 9);

  it('records only what was added, keyed by the signed bytes, the issuer bytes and the time', () => {
    const c = new SignatureCache();
    expect(c.has(x, y, at)).toBe(false);
    c.add(x, y, at);
    expect(c.has(x, y, at)).toBe(true);
    // Equal bytes in another array are the same key.
    expect(c.has(Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5, 6), at)).toBe(true);
    expect(c.has(x, z, at)).toBe(false); // another issuer
    expect(c.has(z, y, at)).toBe(false); // another object
    expect(c.has(y, x, at)).toBe(false); // roles swapped
    expect(c.has(x, y, new Date(at.getTime() + 1000))).toBe(false); // another validation time
    expect(c.hits).toBe(2);
    expect(c.misses).toBe(5);
  });

  it('sha256Hex is the fingerprint core verify() computes', () => {
    const c = new SignatureCache();
    const der = pkis().a.enclaves.harbor.ca.der;
    expect(c.sha256Hex(der)).toBe(toHex(sha256(der)));
    expect(c.sha256Hex(der.slice())).toBe(toHex(sha256(der)));
  });

  it('starts over when full (a miss is always safe)', () => {
    const c = new SignatureCache(2);
    c.add(x, y, at);
    c.add(x, z, at);
    expect(c.size).toBe(2);
    c.add(y, z, at);
    expect(c.size).toBe(1);
    expect(c.has(y, z, at)).toBe(true);
    expect(c.has(x, y, at)).toBe(false);
  });
});

describe('core verify() with a signature memo', () => {
  it('never records a failed signature, and skips only the signature check on a hit', () => {
    const { a, b } = pkis();
    const memo = new SignatureCache();
    const trust = [{ cert: a.root.cert }, { cert: b.root.cert }];
    const h = a.enclaves.harbor;
    const good = verify({ leaf: h.workload.cert, untrusted: [h.ca.cert, a.regions.north.ca.cert] }, trust, { now: at, signatureMemo: memo });
    expect(good.ok).toBe(true);
    expect(memo.stored).toBe(3); // leaf, harbor CA, north
    const forged = verify({ leaf: h.workload.cert, untrusted: [b.enclaves.harbor.ca.cert, a.regions.north.ca.cert] }, trust, { now: at, signatureMemo: memo });
    expect(forged.ok).toBe(false);
    expect(forged.errors.map((e) => e.code)).toContain('SIGNATURE');
    expect(memo.stored).toBe(3); // north under the root again (a hit); nothing failed was stored
    // A hit still runs every other step: the same chain at a time after the leaf expired fails.
    const late = new Date(h.workload.cert.notAfter.getTime() + 86_400_000);
    const expired = verify({ leaf: h.workload.cert, untrusted: [h.ca.cert, a.regions.north.ca.cert] }, trust, { now: late, signatureMemo: memo });
    expect(expired.ok).toBe(false);
    expect(expired.errors.map((e) => e.code)).toContain('EXPIRED');
  });
});

describe('ItemVerifier: cached results equal fresh results (differential, any order)', () => {
  let tmp: string;
  let mix: Mix;
  let config: BatchConfig;
  const fresh = new Map<string, unknown>();

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-batch-cache-'));
    mix = writeMix(tmp, { envelopes: true });
    config = { trust: mix.trust, untrusted: [], crl: mix.crls, at: at.getTime() };
    // Reference: a new verifier (empty cache) per item.
    for (const [i, it] of mix.items.entries()) {
      const r = new ItemVerifier(config).run({ index: i, path: path.join(tmp, it.name), kind: it.name.endsWith('.pem') ? 'chain' : 'envelope' });
      fresh.set(it.name, { ok: r.ok, code: r.code, message: r.message });
    }
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('the reference results are what each case must be', () => {
    for (const it of mix.items) {
      const r = fresh.get(it.name) as { ok: boolean; code?: string };
      expect({ name: it.name, ok: r.ok }).toEqual({ name: it.name, ok: it.ok });
      if (it.code !== undefined) expect({ name: it.name, code: r.code }).toEqual({ name: it.name, code: it.code });
    }
  });

  it('one shared verifier gives the same result for every item, whatever came before it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: mix.items.length - 1 }), { minLength: 1, maxLength: 12 }), (order) => {
        const v = new ItemVerifier(config);
        for (const i of order) {
          const it = mix.items[i]!;
          const r = v.run({ index: i, path: path.join(tmp, it.name), kind: it.name.endsWith('.pem') ? 'chain' : 'envelope' });
          expect({ name: it.name, ok: r.ok, code: r.code, message: r.message }).toEqual({ name: it.name, ...(fresh.get(it.name) as object) });
        }
      }),
      { numRuns: 25, seed: 6 },
    );
  });
});
