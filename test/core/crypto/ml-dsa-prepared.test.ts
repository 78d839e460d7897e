// Prepared-key ML-DSA verify (FIPS 204 Algorithms 3, 8) against mlDsaVerify: Wycheproof and PQC-certificate vectors, and fast-check differentials.
//
// The prepared verifier must give exactly mlDsaVerify's answer (true / false / the same thrown error) for
// every input; the vectors also pin it to the expected answer. Corruptions target each sigDecode field
// (Algorithm 27): c̃, z (including ‖z‖∞ at the bound), and the hint section (Algorithm 21's malformed
// encodings: indices out of order, counts decreasing or above ω, nonzero padding), plus wrong lengths.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSpki, pqPublicKey } from '../../../src/core/asn1/spki.js';
import { KEY_ALG_OIDS } from '../../../src/core/crypto/algs.js';
import { ML_DSA_SIGNATURE_SIZE, mlDsaKeygen, mlDsaSign, mlDsaVerify } from '../../../src/core/crypto/ml-dsa.js';
import { prepareMlDsaPublicKey } from '../../../src/core/crypto/ml-dsa-prepared.js';
import type { PreparedMlDsaKey } from '../../../src/core/crypto/ml-dsa-prepared.js';
import type { SigAlgName } from '../../../src/core/crypto/types.js';
import { parseCertificate } from '../../../src/core/x509/parse.js';
import type { Certificate } from '../../../src/core/x509/types.js';
import { assertLoaded, requireVectors } from '../../helpers/vectors.js';

const ALGS: SigAlgName[] = ['ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'];
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** FIPS 204 Table 1 / Algorithm 27 layout: c̃ length, z section length, ω, k. */
const LAYOUT: Record<SigAlgName, { ctilde: number; z: number; omega: number; k: number; gamma1: number; beta: number; zBits: number }> = {
  'ml-dsa-44': { ctilde: 32, z: (4 * 256 * 18) / 8, omega: 80, k: 4, gamma1: 1 << 17, beta: 78, zBits: 18 },
  'ml-dsa-65': { ctilde: 48, z: (5 * 256 * 20) / 8, omega: 55, k: 6, gamma1: 1 << 19, beta: 196, zBits: 20 },
  'ml-dsa-87': { ctilde: 64, z: (7 * 256 * 20) / 8, omega: 75, k: 8, gamma1: 1 << 19, beta: 120, zBits: 20 },
};

type Outcome = { ok: boolean } | { error: string };
function outcome(f: () => boolean): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e) };
  }
}

/** Prepared and plain verify agree (value or error); returns the common value (undefined for an error). */
function same(p: PreparedMlDsaKey, pk: Uint8Array, msg: Uint8Array, sig: Uint8Array, ctx?: Uint8Array, what = ''): boolean | undefined {
  const a = outcome(() => p.verify(msg, sig, ctx));
  const b = outcome(() => mlDsaVerify(p.alg, pk, msg, sig, ctx));
  expect(a, `${p.alg} ${what}`).toEqual(b);
  return 'ok' in a ? a.ok : undefined;
}

describe('prepared ML-DSA verify: vectors', () => {
  const wp = requireVectors('wycheproof');
  it.skipIf(wp === undefined)('Wycheproof ML-DSA verify vectors: prepared == expected == mlDsaVerify', () => {
    let n = 0;
    let valid = 0;
    for (const alg of ALGS) {
      const file = path.join(wp!, 'testvectors_v1', `mldsa_${alg.slice(-2)}_verify_test.json`);
      const groups = (JSON.parse(readFileSync(file, 'utf8')) as { testGroups: { publicKey?: string; tests: Record<string, unknown>[] }[] }).testGroups;
      for (const g of groups) {
        const pk = unhex(str(g.publicKey));
        const prep = outcome(() => (prepareMlDsaPublicKey(alg, pk), true));
        let prepared: PreparedMlDsaKey | undefined;
        if ('ok' in prep) prepared = prepareMlDsaPublicKey(alg, pk);
        for (const t of g.tests) {
          const msg = unhex(str(t.msg));
          const sig = unhex(str(t.sig));
          const ctx = t.ctx === undefined ? undefined : unhex(str(t.ctx));
          const where = `${alg} tcId ${String(t.tcId)} ${str(t.comment)}`;
          let ok: boolean;
          if (prepared === undefined) {
            // A key of the wrong length: both refuse it with the same RangeError.
            const plain = outcome(() => mlDsaVerify(alg, pk, msg, sig, ctx));
            expect(plain, where).toEqual(prep);
            ok = false;
          } else {
            ok = same(prepared, pk, msg, sig, ctx, where) ?? false; // an error (context > 255 bytes) is "invalid"
          }
          if (t.result !== 'acceptable') expect(ok, where).toBe(t.result === 'valid');
          n++;
          if (ok) valid++;
        }
      }
    }
    console.log(`ml-dsa-prepared: wycheproof ${n} verify vectors (${valid} valid) matched`);
    assertLoaded('wycheproof ML-DSA verify (prepared)', n);
  });

  const pc = requireVectors('pqc-certificates');
  it.skipIf(pc === undefined)('PQC-certificate ML-DSA signatures: every certificate under every same-algorithm anchor', () => {
    const root = pc!;
    const rows = readFileSync(path.join(root, 'MANIFEST.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() !== '')
      .map((l) => l.split('\t'));
    const algOf = (oid: string): SigAlgName | undefined => ALGS.find((a) => KEY_ALG_OIDS[a] === oid);
    const load = (file: string): Certificate | undefined => {
      try {
        return parseCertificate(new Uint8Array(readFileSync(path.join(root, file))));
      } catch {
        return undefined; // unparseable files are the parser's business (pqc-certificates.test.ts)
      }
    };
    const certs: { file: string; check: string; kind: string; note: string; cert: Certificate }[] = [];
    for (const [, file = '', , kind = '', , check = '', , note = ''] of rows) {
      if (kind !== 'ta-cert' && kind !== 'ee-cert') continue;
      const cert = load(file);
      if (cert !== undefined && algOf(cert.signatureAlgorithm.oid) !== undefined) certs.push({ file, check, kind, note, cert });
    }
    const anchors = certs
      .filter((c) => c.kind === 'ta-cert' && c.check === 'PASS')
      .map((c) => ({ file: c.file, ...pqPublicKey(c.cert.spki) }))
      .filter((a): a is { file: string; alg: SigAlgName; publicKey: Uint8Array } => (ALGS as string[]).includes(a.alg))
      .map((a) => ({ ...a, prepared: prepareMlDsaPublicKey(a.alg, a.publicKey) }));
    let n = 0;
    let expectedTrue = 0;
    for (const c of certs) {
      const alg = algOf(c.cert.signatureAlgorithm.oid)!;
      const issuer =
        c.kind === 'ta-cert' ? c.file : path.posix.join(path.posix.dirname(c.file), /in same set: (\S+\.der)/.exec(c.note)?.[1] ?? '');
      for (const a of anchors) {
        if (a.alg !== alg) continue;
        const ok = same(a.prepared, a.publicKey, c.cert.tbs, c.cert.signature, undefined, `${c.file} under ${a.file}`);
        n++;
        // The manifest's PASS pairs (self-signature; end entity under its named or key-matched anchor) verify.
        if ((c.check === 'PASS' || c.check === 'PASS-SIG-ONLY') && a.file === issuer) {
          expect(ok, `${c.file} under ${a.file}`).toBe(true);
          expectedTrue++;
        }
        if (c.check === 'FAIL') expect(ok, `${c.file} under ${a.file}`).toBe(false);
      }
    }
    console.log(`ml-dsa-prepared: pqc-certificates ${n} (certificate, anchor) pairs matched, ${expectedTrue} expected-valid pairs verified`);
    assertLoaded('pqc-certificates ML-DSA (prepared)', n);
    expect(expectedTrue).toBeGreaterThan(0);
  });
});

/** A copy of `sig` with hint section bytes rewritten by `f` (y = the ω + k bytes of Algorithm 21). */
function withHints(alg: SigAlgName, sig: Uint8Array, f: (y: Uint8Array) => void): Uint8Array {
  const L = LAYOUT[alg];
  const s = sig.slice();
  f(s.subarray(L.ctilde + L.z));
  return s;
}

/** Sets z coefficient `i` of `sig` to γ1 − raw (raw written zBits wide, little-endian; Algorithm 27). */
function withZRaw(alg: SigAlgName, sig: Uint8Array, i: number, raw: number): Uint8Array {
  const L = LAYOUT[alg];
  const s = sig.slice();
  for (let b = 0; b < L.zBits; b++) {
    const bit = L.ctilde * 8 + i * L.zBits + b;
    const byte = bit >> 3;
    const mask = 1 << (bit & 7);
    s[byte] = ((raw >> b) & 1) === 1 ? (s[byte] as number) | mask : (s[byte] as number) & ~mask;
  }
  return s;
}

const bytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });

describe('prepared ML-DSA verify: differential against mlDsaVerify (fast-check)', () => {
  for (const alg of ALGS) {
    it(`${alg}: valid and corrupted signatures, contexts, lengths`, () => {
      const L = LAYOUT[alg];
      const size = ML_DSA_SIGNATURE_SIZE[alg];
      let validSeen = 0;
      let hintCases = 0;
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          bytes(300),
          fc.option(bytes(255), { nil: undefined }),
          fc.nat(),
          fc.nat(),
          fc.integer({ min: 0, max: 10 }),
          (seed, msg, ctx, r1, r2, kind) => {
            const { publicKey, secretKey } = mlDsaKeygen(alg, seed);
            const sig = mlDsaSign(alg, secretKey, msg, ctx === undefined ? {} : { context: ctx });
            const pkCopy = publicKey.slice();
            const p = prepareMlDsaPublicKey(alg, pkCopy);
            pkCopy.fill(0); // the preparation copied the key
            expect(same(p, publicKey, msg, sig, ctx, 'valid')).toBe(true);
            validSeen++;
            // The wrong context (or message) does not verify.
            const ctx2 = ctx === undefined || ctx.length === 0 ? new Uint8Array([r1 & 0xff]) : ctx.subarray(1);
            expect(same(p, publicKey, msg, sig, ctx2, 'other context')).toBe(false);
            let bad: Uint8Array;
            const y = L.ctilde + L.z; // start of the hint section
            switch (kind) {
              case 0: // a bit flip in c̃
                bad = sig.slice();
                bad[r1 % L.ctilde] = (bad[r1 % L.ctilde] as number) ^ (1 << (r2 % 8));
                break;
              case 1: // a bit flip in z
                bad = sig.slice();
                bad[L.ctilde + (r1 % L.z)] = (bad[L.ctilde + (r1 % L.z)] as number) ^ (1 << (r2 % 8));
                break;
              case 2: // a bit flip in the hint section (indices or counts)
                bad = sig.slice();
                bad[y + (r1 % (L.omega + L.k))] = (bad[y + (r1 % (L.omega + L.k))] as number) ^ (1 << (r2 % 8));
                hintCases++;
                break;
              case 3: // two hint indices swapped (out of order), or a duplicate index
                bad = withHints(alg, sig, (h) => {
                  const total = h[L.omega + L.k - 1] as number;
                  if (total >= 2) {
                    const i = r1 % (total - 1);
                    if (r2 % 2 === 0) [h[i], h[i + 1]] = [h[i + 1] as number, h[i] as number];
                    else h[i + 1] = h[i] as number;
                  } else h[0] = 1;
                });
                hintCases++;
                break;
              case 4: // a count above ω, or a count smaller than the previous one
                bad = withHints(alg, sig, (h) => {
                  const i = r1 % L.k;
                  if (r2 % 2 === 0) h[L.omega + i] = L.omega + 1 + (r2 % (255 - L.omega));
                  else h[L.omega + i] = i === 0 ? L.omega + 1 : Math.max(0, (h[L.omega + i - 1] as number) - 1 - (r2 % 3));
                });
                hintCases++;
                break;
              case 5: // nonzero padding after the last used index
                bad = withHints(alg, sig, (h) => {
                  const total = h[L.omega + L.k - 1] as number;
                  if (total < L.omega) h[total + (r1 % (L.omega - total))] = 1 + (r2 % 255);
                  else h[L.omega + L.k - 1] = (total - 1) & 0xff;
                });
                hintCases++;
                break;
              case 6: // a z coefficient at, just below, or beyond the ‖z‖∞ bound γ1 − β (raw = γ1 − z)
                {
                  const zs = [L.gamma1 - L.beta, L.gamma1 - L.beta - 1, -(L.gamma1 - L.beta), -(L.gamma1 - L.beta) + 1, L.gamma1, -L.gamma1 + 1];
                  const z = zs[r2 % zs.length] as number;
                  bad = withZRaw(alg, sig, r1 % ((L.z * 8) / L.zBits), L.gamma1 - z);
                }
                break;
              case 7: // wrong length
                bad = r2 % 2 === 0 ? sig.subarray(0, r1 % size) : new Uint8Array([...sig, r1 & 0xff]);
                break;
              case 8: // the same signature on another message
                bad = sig;
                expect(same(p, publicKey, new Uint8Array([...msg, r1 & 0xff]), sig, ctx, 'other message')).toBe(false);
                break;
              case 9: // random bytes of the right length
                bad = new Uint8Array(size).map((_, i) => (Math.imul(i + 1, r1 | 1) + r2) & 0xff);
                break;
              default: // a random hint section built from valid-looking counts
                bad = withHints(alg, sig, (h) => {
                  let c = 0;
                  for (let i = 0; i < L.k; i++) {
                    c = Math.min(L.omega, c + ((r1 >> (i * 3)) & 7));
                    h[L.omega + i] = c;
                  }
                  for (let i = 0; i < L.omega; i++) h[i] = i < c ? (Math.imul(i + 1, r2 | 1) >>> 3) & 0xff : 0;
                });
                hintCases++;
            }
            same(p, publicKey, msg, bad, ctx, `corruption kind ${kind}`);
          },
        ),
        { numRuns: 200 },
      );
      expect(validSeen).toBeGreaterThanOrEqual(200);
      expect(hintCases).toBeGreaterThan(0);
    });
  }

  it('one prepared key, many messages and signatures: no state leaks between calls', () => {
    for (const alg of ALGS) {
      const { publicKey, secretKey } = mlDsaKeygen(alg, new Uint8Array(32).fill(alg.length + 3));
      const p = prepareMlDsaPublicKey(alg, publicKey);
      const msgs = Array.from({ length: 12 }, (_, i) => new Uint8Array(i * 7).fill(i));
      const sigs = msgs.map((m, i) => mlDsaSign(alg, secretKey, m, i % 3 === 0 ? { context: new Uint8Array([i]) } : {}));
      // Interleave: valid, then a malformed-hint signature, then a different valid one, in a shuffled order.
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < msgs.length; i++) {
          const j = (i * 5 + round) % msgs.length;
          const ctx = j % 3 === 0 ? new Uint8Array([j]) : undefined;
          expect(same(p, publicKey, msgs[j]!, sigs[j]!, ctx, `msg ${j}`)).toBe(true);
          const broken = withHints(alg, sigs[j]!, (h) => void (h[LAYOUT[alg].omega] = 255));
          expect(same(p, publicKey, msgs[j]!, broken, ctx, `broken ${j}`)).toBe(false);
          const k = (j + 1) % msgs.length;
          expect(same(p, publicKey, msgs[j]!, sigs[k]!, ctx, `swapped ${j}/${k}`)).toBe(false);
        }
      }
    }
  });

  it('argument errors are mlDsaVerify\'s: key length, context length, types', () => {
    for (const alg of ALGS) {
      const { publicKey, secretKey } = mlDsaKeygen(alg, new Uint8Array(32).fill(1));
      const msg = new Uint8Array([1, 2, 3]);
      const sig = mlDsaSign(alg, secretKey, msg);
      const p = prepareMlDsaPublicKey(alg, publicKey);
      const short = publicKey.subarray(1);
      expect(() => prepareMlDsaPublicKey(alg, short)).toThrow(RangeError);
      expect(outcome(() => (prepareMlDsaPublicKey(alg, short), true))).toEqual(outcome(() => mlDsaVerify(alg, short, msg, sig)));
      expect(outcome(() => (prepareMlDsaPublicKey('ml-dsa-00' as SigAlgName, publicKey), true))).toEqual(
        outcome(() => mlDsaVerify('ml-dsa-00' as SigAlgName, publicKey, msg, sig)),
      );
      expect(() => p.verify(msg, sig, new Uint8Array(256))).toThrow(RangeError);
      expect(same(p, publicKey, msg, sig, new Uint8Array(256), 'ctx 256')).toBeUndefined();
      expect(same(p, publicKey, msg, sig, new Uint8Array(0), 'empty ctx')).toBe(true);
      expect(same(p, publicKey, 'abc' as unknown as Uint8Array, sig, undefined, 'string message')).toBeUndefined();
      expect(same(p, publicKey, msg, [1, 2] as unknown as Uint8Array, undefined, 'array signature')).toBeUndefined();
      expect(same(p, publicKey, msg, new Uint8Array(0), undefined, 'empty signature')).toBe(false);
    }
  });
});
