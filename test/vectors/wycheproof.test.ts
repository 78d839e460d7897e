// C2SP Wycheproof ML-DSA (FIPS 204) and ML-KEM (FIPS 203) vectors through writ's SPKI/PKCS#8 parsing and crypto wrappers.
//
// ML-DSA verify: the public key comes from publicKeyDer through parseSpki + pqPublicKey (RFC 9881), the
// signature through verifySignature (empty context) or, for vectors with a non-empty ctx, the low-level
// mlDsaVerify with that context. Any error (bad key DER, context too long) counts as "invalid".
// ML-DSA sign (seed form): keygen from the seed, PKCS#8 decode, deterministic / randomized signature bytes.
// ML-KEM (768/1024 only; 512 is not a writ algorithm): keygen from seed, encaps with the vector's m, decaps.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WritError } from '../../src/core/errors.js';
import { parseSpki, pqPublicKey } from '../../src/core/asn1/spki.js';
import { decodePrivateKey } from '../../src/core/asn1/pkcs8.js';
import { mlDsaKeygen, mlDsaSign, mlDsaVerify } from '../../src/core/crypto/ml-dsa.js';
import { mlKemDecapsulate, mlKemEncapsulate, mlKemKeygen } from '../../src/core/crypto/ml-kem.js';
import type { MlKemAlgName } from '../../src/core/crypto/ml-kem.js';
import { signatureAlgorithm, verifySignature } from '../../src/core/crypto/signature.js';
import type { SigAlgName } from '../../src/core/crypto/types.js';
import { assertLoaded, requireVectors } from '../helpers/vectors.js';

const dir = requireVectors('wycheproof');
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface Test {
  tcId: number;
  comment?: string;
  flags?: string[];
  result: 'valid' | 'invalid' | 'acceptable';
  [k: string]: unknown;
}
interface Group {
  tests: Test[];
  [k: string]: unknown;
}
const load = (file: string): Group[] =>
  (JSON.parse(readFileSync(path.join(dir!, 'testvectors_v1', file), 'utf8')) as { testGroups: Group[] }).testGroups;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** "acceptable" is not used by these files; if it appears, either outcome is fine. */
function check(t: Test, ok: boolean, where: string): void {
  if (t.result === 'acceptable') return;
  expect(ok, `${where} tcId ${t.tcId} (${t.comment ?? ''} ${(t.flags ?? []).join(',')})`).toBe(t.result === 'valid');
}

const DSA: [SigAlgName, string][] = [
  ['ml-dsa-44', '44'],
  ['ml-dsa-65', '65'],
  ['ml-dsa-87', '87'],
];
const KEM: [MlKemAlgName, string][] = [
  ['ml-kem-768', '768'],
  ['ml-kem-1024', '1024'],
];

describe.skipIf(dir === undefined)('wycheproof', () => {
  it('ML-DSA verify vectors give the expected valid/invalid through our SPKI parsing', () => {
    let n = 0;
    let valid = 0;
    let withCtx = 0;
    for (const [alg, kl] of DSA) {
      for (const g of load(`mldsa_${kl}_verify_test.json`)) {
        let spki: ReturnType<typeof parseSpki> | undefined;
        let keyError: unknown;
        try {
          spki = parseSpki(unhex(str(g.publicKeyDer)));
          const pq = pqPublicKey(spki);
          expect(pq.alg).toBe(alg);
          expect(hex(pq.publicKey)).toBe(str(g.publicKey));
        } catch (e) {
          keyError = e;
        }
        for (const t of g.tests) {
          n++;
          let ok = false;
          if (keyError === undefined) {
            const msg = unhex(str(t.msg));
            const sig = unhex(str(t.sig));
            const ctx = t.ctx === undefined ? undefined : unhex(str(t.ctx));
            try {
              if (ctx === undefined || ctx.length === 0) ok = verifySignature(signatureAlgorithm(alg), spki!, msg, sig);
              else {
                withCtx++;
                ok = mlDsaVerify(alg, spki!.publicKey, msg, sig, ctx);
              }
            } catch {
              ok = false; // e.g. context longer than 255 bytes
            }
          }
          if (ok) valid++;
          check(t, ok, `${alg} verify`);
        }
      }
    }
    console.log(`wycheproof ML-DSA verify: ${n} vectors, ${valid} valid, ${n - valid} invalid, ${withCtx} with a non-empty context`);
    assertLoaded('wycheproof ML-DSA verify', n);
  });

  it('ML-DSA sign (seed) vectors: keygen, PKCS#8 seed form and signatures match', () => {
    let n = 0;
    let signed = 0;
    let rejected = 0;
    let skipped = 0;
    for (const [alg, kl] of DSA) {
      for (const g of load(`mldsa_${kl}_sign_seed_test.json`)) {
        const seed = unhex(str(g.privateSeed));
        let sk: Uint8Array | undefined;
        try {
          const kp = mlDsaKeygen(alg, seed);
          expect(hex(kp.publicKey)).toBe(str(g.publicKey));
          sk = kp.secretKey;
          if (typeof g.privateKeyPkcs8 === 'string') {
            const d = decodePrivateKey(unhex(g.privateKeyPkcs8));
            expect(d).toMatchObject({ alg, form: 'seed' });
            expect(hex(d.publicKey)).toBe(str(g.publicKey));
          }
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
        }
        for (const t of g.tests) {
          n++;
          if (t.msg === undefined) {
            skipped++; // "Internal" vectors give only mu (external-mu signing is not offered by writ)
            continue;
          }
          let ok = false;
          if (sk !== undefined) {
            try {
              const ctx = t.ctx === undefined ? undefined : unhex(str(t.ctx));
              const rnd = t.rnd === undefined ? undefined : unhex(str(t.rnd));
              const sig = mlDsaSign(alg, sk, unhex(str(t.msg)), {
                ...(ctx === undefined ? {} : { context: ctx }),
                ...(rnd === undefined ? {} : { rng: () => Uint8Array.from(rnd) }),
              });
              ok = hex(sig) === str(t.sig) && mlDsaVerify(alg, mlDsaKeygen(alg, seed).publicKey, unhex(str(t.msg)), sig, ctx);
              if (ok) signed++;
            } catch (e) {
              if (!(e instanceof RangeError)) throw e;
            }
          }
          if (!ok) rejected++;
          check(t, ok, `${alg} sign`);
        }
      }
    }
    console.log(
      `wycheproof ML-DSA sign (seed): ${n} vectors, ${signed} signed byte-exact and verified, ${rejected} rejected (bad seed length / context), ${skipped} mu-only skipped (no external-mu API)`,
    );
    assertLoaded('wycheproof ML-DSA sign', signed);
  });

  it('ML-KEM keygen / encaps / decaps vectors (768, 1024)', () => {
    const counts = { keygen: 0, encaps: 0, decaps: 0, semiExpanded: 0 };
    for (const [alg, kl] of KEM) {
      for (const g of load(`mlkem_${kl}_keygen_seed_test.json`)) {
        for (const t of g.tests) {
          const kp = mlKemKeygen(alg, unhex(str(t.seed)));
          check(t, hex(kp.publicKey) === str(t.ek) && hex(kp.secretKey) === str(t.dk), `${alg} keygen`);
          counts.keygen++;
        }
      }
      for (const g of load(`mlkem_${kl}_test.json`)) {
        for (const t of g.tests) {
          let ok = false;
          try {
            const kp = mlKemKeygen(alg, unhex(str(t.seed)));
            if (t.ek !== undefined) expect(hex(kp.publicKey)).toBe(str(t.ek));
            ok = hex(mlKemDecapsulate(alg, kp.secretKey, unhex(str(t.c)))) === str(t.K);
          } catch (e) {
            if (!(e instanceof RangeError)) throw e;
          }
          check(t, ok, `${alg} decaps`);
          counts.decaps++;
        }
      }
      for (const g of load(`mlkem_${kl}_encaps_test.json`)) {
        for (const t of g.tests) {
          let ok = false;
          try {
            const m = unhex(str(t.m));
            const r = mlKemEncapsulate(alg, unhex(str(t.ek)), () => Uint8Array.from(m));
            ok = hex(r.cipherText) === str(t.c) && hex(r.sharedSecret) === str(t.K);
          } catch (e) {
            if (!(e instanceof RangeError)) throw e;
          }
          check(t, ok, `${alg} encaps`);
          counts.encaps++;
        }
      }
      for (const g of load(`mlkem_${kl}_semi_expanded_decaps_test.json`)) {
        for (const t of g.tests) {
          let ok = false;
          try {
            const k = mlKemDecapsulate(alg, unhex(str(t.dk)), unhex(str(t.c)));
            ok = t.K === undefined || hex(k) === str(t.K);
          } catch (e) {
            if (!(e instanceof RangeError) && !(e instanceof WritError && e.code === 'KEY_MISMATCH')) throw e; // a dk failing the FIPS 203 §7.3 check is KEY_MISMATCH
          }
          check(t, ok, `${alg} semi-expanded decaps`);
          counts.semiExpanded++;
        }
      }
    }
    console.log(`wycheproof ML-KEM (768/1024; 512 skipped: not a writ algorithm): ${JSON.stringify(counts)}`);
    assertLoaded('wycheproof ML-KEM', counts.keygen + counts.encaps + counts.decaps);
  });
});
