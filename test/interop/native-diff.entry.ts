// Differential entry (bundled with esbuild, run under Node 26): noble vs node:crypto backends over Wycheproof, pqc-certificates and seeded random cases (FIPS 203/204, X-Wing).
//
// argv: <vectorsDir|-> <randomCases> <seed>. Prints ONE JSON line (the report) on stdout. For every
// operation three results are compared: the noble backend, the native backend as writ dispatches it (with
// its fall-back to noble when node:crypto throws), and the raw node:crypto call (no fall-back) whenever it
// does not throw. Any difference is a mismatch; raw native throws are counted separately per operation.
import { createHash, createPrivateKey, sign as opensslSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodePrivateKey } from '../../src/core/asn1/pkcs8.js';
import { activeCryptoBackend, setCryptoBackend } from '../../src/core/crypto/backend.js';
import { expandSeed, publicKeyFromSeed } from '../../src/core/crypto/keys.js';
import { mlDsaKeygen, mlDsaSign, mlDsaVerify } from '../../src/core/crypto/ml-dsa.js';
import { mlKemDecapsulate, mlKemEncapsulate, mlKemKeygen } from '../../src/core/crypto/ml-kem.js';
import type { MlKemAlgName } from '../../src/core/crypto/ml-kem.js';
import {
  nativeMlDsaPublicKey,
  nativeMlDsaVerify,
  nativeMlKemDecapsulate,
  nativeMlKemPublicKey,
  nativeXwingDecapsulate,
  nativeXwingEncapsulate,
  nativeXwingPublicKey,
} from '../../src/core/crypto/native.js';
import { signatureAlgorithm, verifySignature } from '../../src/core/crypto/signature.js';
import type { KeyAlgName, SigAlgName } from '../../src/core/crypto/types.js';
import { xwingDecapsulate, xwingEncapsulate, xwingKeygen } from '../../src/core/crypto/x-wing.js';
import { isWritError } from '../../src/core/errors.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { parseCertificate } from '../../src/core/x509/parse.js';

const [vectorsArg = '-', casesArg = '10000', seedArg = 'writ-native-diff'] = process.argv.slice(2);
const vectors = vectorsArg === '-' ? undefined : vectorsArg;
const CASES = Number(casesArg);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

// ---- bookkeeping ----
const counts: Record<string, number> = {};
const rawNativeThrew: Record<string, number> = {};
const rawNativeThrewNobleOk: Record<string, number> = {};
const mismatches: { where: string; noble: string; native: string }[] = [];
let mismatchCount = 0;
const bump = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1;
};

function outcome(f: () => unknown): string {
  try {
    const v = f();
    return v instanceof Uint8Array ? `ok:${hex(v)}` : `ok:${JSON.stringify(v)}`;
  } catch (e) {
    const code = isWritError(e) ? e.code : '';
    return `err:${e instanceof Error ? e.name : 'throw'}:${code}:${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Runs `f` under each backend (and `raw` natively, when given) and records any difference. Returns noble's outcome. */
function compare(kind: string, where: string, f: () => unknown, raw?: () => unknown): string {
  bump(counts, kind);
  setCryptoBackend('noble');
  const a = outcome(f);
  setCryptoBackend('native');
  const b = outcome(f);
  let c: string | undefined;
  if (raw !== undefined) {
    c = outcome(raw);
    if (c.startsWith('err:')) {
      bump(rawNativeThrew, kind);
      // Where noble succeeded, writ's fall-back hid a node:crypto refusal: correct, but worth counting.
      if (a.startsWith('ok:')) bump(rawNativeThrewNobleOk, kind);
      c = undefined;
    }
  }
  if (a !== b || (c !== undefined && c !== a)) {
    mismatchCount++;
    if (mismatches.length < 20) mismatches.push({ where: `${kind} ${where}`, noble: a.slice(0, 200), native: (a !== b ? b : (c ?? '')).slice(0, 200) });
  }
  return a;
}

// ---- seeded byte stream (SHA-256 in counter mode: reproducible, not secret) ----
let ctr = 0;
function rand(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let o = 0; o < n; o += 32) {
    const h = createHash('sha256').update(`${seedArg}:${ctr++}`).digest();
    out.set(h.subarray(0, Math.min(32, n - o)), o);
  }
  return out;
}
const randInt = (n: number): number => Buffer.from(rand(4)).readUInt32BE(0) % n;
const seededRng = (n: number): Uint8Array => rand(n);

const SIGS: SigAlgName[] = ['ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'];
const KEMS: MlKemAlgName[] = ['ml-kem-768', 'ml-kem-1024'];
const ALL: KeyAlgName[] = [...SIGS, ...KEMS, 'x-wing'];

function rawPublic(alg: KeyAlgName, seed: Uint8Array): Uint8Array {
  if (alg === 'x-wing') return nativeXwingPublicKey(seed);
  if (alg === 'ml-kem-768' || alg === 'ml-kem-1024') return nativeMlKemPublicKey(alg, seed);
  return nativeMlDsaPublicKey(alg, seed);
}

function flipBit(b: Uint8Array): Uint8Array {
  const c = Uint8Array.from(b);
  if (c.length === 0) return Uint8Array.of(1);
  const i = randInt(c.length);
  c[i] = (c[i] as number) ^ (1 << randInt(8));
  return c;
}

// ---- vectors ----
const vectorCounts: Record<string, number> = {};
interface WTest {
  tcId: number;
  [k: string]: unknown;
}
interface WGroup {
  tests: WTest[];
  [k: string]: unknown;
}
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function wycheproof(dir: string): void {
  const load = (f: string): WGroup[] => (JSON.parse(readFileSync(path.join(dir, 'testvectors_v1', f), 'utf8')) as { testGroups: WGroup[] }).testGroups;
  for (const alg of SIGS) {
    const kl = alg.slice(-2);
    for (const g of load(`mldsa_${kl}_verify_test.json`)) {
      const pk = unhex(str(g.publicKey));
      for (const t of g.tests) {
        const msg = unhex(str(t.msg));
        const sig = unhex(str(t.sig));
        const ctx = t.ctx === undefined ? undefined : unhex(str(t.ctx));
        const ok = pk.length === (alg === 'ml-dsa-44' ? 1312 : alg === 'ml-dsa-65' ? 1952 : 2592);
        compare(
          'wycheproof-mldsa-verify',
          `${alg} tcId ${t.tcId}`,
          () => mlDsaVerify(alg, pk, msg, sig, ctx),
          ok && (ctx === undefined || ctx.length === 0) && sig.length === { 'ml-dsa-44': 2420, 'ml-dsa-65': 3309, 'ml-dsa-87': 4627 }[alg]
            ? () => nativeMlDsaVerify(alg, pk, msg, sig)
            : undefined,
        );
      }
    }
    for (const g of load(`mldsa_${kl}_sign_seed_test.json`)) {
      const seed = unhex(str(g.privateSeed));
      compare('wycheproof-mldsa-keygen', `${alg} seed`, () => publicKeyFromSeed(alg, seed), seed.length === 32 ? () => nativeMlDsaPublicKey(alg, seed) : undefined);
      for (const t of g.tests) {
        if (t.msg === undefined || seed.length !== 32) continue;
        // Signing is noble in both backends (node:crypto takes no rnd): the signature must verify natively too.
        const ctx = t.ctx === undefined ? undefined : unhex(str(t.ctx));
        const rnd = t.rnd === undefined ? undefined : unhex(str(t.rnd));
        const msg = unhex(str(t.msg));
        let sig: Uint8Array;
        try {
          sig = mlDsaSign(alg, mlDsaKeygen(alg, seed).secretKey, msg, { ...(ctx === undefined ? {} : { context: ctx }), ...(rnd === undefined ? {} : { rng: () => Uint8Array.from(rnd) }) });
        } catch {
          continue; // e.g. context longer than 255 bytes
        }
        const pk = mlDsaKeygen(alg, seed).publicKey;
        compare('wycheproof-mldsa-sign', `${alg} tcId ${t.tcId}`, () => hex(sig) === str(t.sig) && mlDsaVerify(alg, pk, msg, sig, ctx));
      }
    }
  }
  for (const alg of KEMS) {
    const kl = alg.slice(7);
    for (const g of load(`mlkem_${kl}_keygen_seed_test.json`)) {
      for (const t of g.tests) {
        const seed = unhex(str(t.seed));
        compare('wycheproof-mlkem-keygen', `${alg} tcId ${t.tcId}`, () => publicKeyFromSeed(alg, seed), () => nativeMlKemPublicKey(alg, seed));
      }
    }
    for (const g of load(`mlkem_${kl}_test.json`)) {
      for (const t of g.tests) {
        const seed = unhex(str(t.seed));
        const c = unhex(str(t.c));
        let sk: Uint8Array | undefined;
        try {
          sk = mlKemKeygen(alg, seed).secretKey;
        } catch {
          sk = undefined;
        }
        const dk = sk;
        compare('wycheproof-mlkem-decaps', `${alg} tcId ${t.tcId}`, () => (dk === undefined ? 'no key' : mlKemDecapsulate(alg, dk, c)), dk === undefined ? undefined : () => nativeMlKemDecapsulate(alg, dk, c));
      }
    }
    for (const g of load(`mlkem_${kl}_encaps_test.json`)) {
      for (const t of g.tests) {
        const m = unhex(str(t.m));
        const ek = unhex(str(t.ek));
        compare('wycheproof-mlkem-encaps', `${alg} tcId ${t.tcId}`, () => {
          const r = mlKemEncapsulate(alg, ek, () => Uint8Array.from(m));
          return `${hex(r.cipherText)}:${hex(r.sharedSecret)}`;
        });
      }
    }
    for (const g of load(`mlkem_${kl}_semi_expanded_decaps_test.json`)) {
      for (const t of g.tests) {
        const dk = unhex(str(t.dk));
        const c = unhex(str(t.c));
        compare('wycheproof-mlkem-semi-expanded-decaps', `${alg} tcId ${t.tcId}`, () => mlKemDecapsulate(alg, dk, c), () => nativeMlKemDecapsulate(alg, dk, c));
      }
    }
  }
}

function pqcCertificates(dir: string): void {
  const rows = readFileSync(path.join(dir, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t'));
  const file = (f: string): Uint8Array => new Uint8Array(readFileSync(path.join(dir, f)));
  for (const [, f = '', algorithm = '', kind = '', , , , note = ''] of rows) {
    if (kind === 'ta-cert' || kind === 'ee-cert') {
      let issuerFile = f;
      if (kind === 'ee-cert') {
        const m = /in same set: (\S+\.der)/.exec(note);
        if (m?.[1] === undefined) continue;
        issuerFile = path.posix.join(path.posix.dirname(f), m[1]);
      }
      if (!existsSync(path.join(dir, issuerFile))) continue;
      compare('pqc-certificates-signature', f, () => {
        const c = parseCertificate(file(f));
        const i = parseCertificate(file(issuerFile));
        return verifySignature(c.signatureAlgorithm, i.spki, c.tbs, c.signature);
      });
    } else if (kind.startsWith('privkey') && kind !== 'privkey-raw' && /^ML-(DSA|KEM)/.test(algorithm)) {
      compare('pqc-certificates-privkey', f, () => {
        const d = decodePrivateKey(file(f));
        return hex(d.seed === undefined ? d.publicKey : publicKeyFromSeed(d.alg, d.seed)) + (d.seed === undefined ? '' : `:${hex(expandSeed(d.alg, d.seed).publicKey)}`);
      });
    } else if (kind === 'kem-ciphertext' && /^ML-KEM-(768|1024)$/.test(algorithm)) {
      const prefix = f.replace(/_ciphertext\.bin$/, '');
      const ssFile = `${prefix}_ss.bin`;
      const ss = existsSync(path.join(dir, ssFile)) ? hex(file(ssFile)) : undefined;
      const alg = algorithm === 'ML-KEM-768' ? 'ml-kem-768' : 'ml-kem-1024';
      for (const suffix of ['_expandedkey_priv.der', '_both_priv.der', '_seed_priv.der', '_priv.der']) {
        if (!existsSync(path.join(dir, prefix + suffix))) continue;
        let dk: Uint8Array;
        try {
          const d = decodePrivateKey(file(prefix + suffix));
          dk = d.expandedKey ?? mlKemKeygen(alg, d.seed ?? new Uint8Array(0)).secretKey;
        } catch {
          continue;
        }
        const ct = file(f);
        const r = compare('pqc-certificates-decaps', prefix + suffix, () => mlKemDecapsulate(alg, dk, ct), () => nativeMlKemDecapsulate(alg, dk, ct));
        if (ss !== undefined && r !== `ok:${ss}`) {
          mismatchCount++;
          mismatches.push({ where: `pqc-certificates-decaps ${prefix + suffix} vs _ss.bin`, noble: r.slice(0, 80), native: ss });
        }
      }
    }
  }
}

// ---- random cases ----
interface PoolKey {
  seed: Uint8Array;
  publicKey: Uint8Array;
  secretKey: Uint8Array;
  uses: number;
  /** ML-DSA only: the same key in OpenSSL (RFC 9881 seed-form PKCS#8), to sign test messages fast. */
  openssl?: KeyObject;
}

const ML_DSA_OID_LAST: Record<SigAlgName, number> = { 'ml-dsa-44': 0x11, 'ml-dsa-65': 0x12, 'ml-dsa-87': 0x13 };
function opensslKey(alg: SigAlgName, seed: Uint8Array): KeyObject {
  const der = Buffer.concat([Buffer.from('3034020100300b06096086480165030403', 'hex'), Buffer.of(ML_DSA_OID_LAST[alg], 0x04, 0x22, 0x80, 0x20), seed]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}
const signers: Record<string, number> = { noble: 0, openssl: 0 };
const pool = new Map<KeyAlgName, PoolKey>();
function poolKey(alg: KeyAlgName): PoolKey {
  let k = pool.get(alg);
  if (k === undefined || k.uses >= 8) {
    const seed = rand(alg === 'ml-kem-768' || alg === 'ml-kem-1024' ? 64 : 32);
    const kp =
      alg === 'x-wing'
        ? xwingKeygen(seed)
        : alg === 'ml-kem-768' || alg === 'ml-kem-1024'
          ? mlKemKeygen(alg, seed)
          : mlDsaKeygen(alg, seed);
    k = { seed, publicKey: kp.publicKey, secretKey: kp.secretKey, uses: 0 };
    if (alg === 'ml-dsa-44' || alg === 'ml-dsa-65' || alg === 'ml-dsa-87') k.openssl = opensslKey(alg, seed);
    pool.set(alg, k);
  }
  k.uses++;
  return k;
}

function randomCase(i: number): void {
  const kind = i % 5;
  if (kind === 0) {
    const alg = ALL[randInt(ALL.length)] as KeyAlgName;
    const seed = rand(alg === 'ml-kem-768' || alg === 'ml-kem-1024' ? 64 : 32);
    compare('random-keygen', `${alg} #${i}`, () => publicKeyFromSeed(alg, seed), () => rawPublic(alg, seed));
    return;
  }
  if (kind === 1 || kind === 2) {
    const alg = SIGS[randInt(SIGS.length)] as SigAlgName;
    const k = poolKey(alg);
    const msg = rand(randInt(1024));
    // Test messages are signed by writ (noble, deterministic or hedged) one time in four, else by OpenSSL
    // (hedged with its own RNG: fine in a test, and ~30x faster than noble signing).
    let sig: Uint8Array;
    if (i % 4 === 1 || k.openssl === undefined) {
      sig = mlDsaSign(alg, k.secretKey, msg, randInt(2) === 0 ? {} : { rng: seededRng });
      signers.noble = (signers.noble ?? 0) + 1;
    } else {
      sig = new Uint8Array(opensslSign(null, msg, k.openssl));
      signers.openssl = (signers.openssl ?? 0) + 1;
    }
    if (kind === 1) {
      compare('random-verify', `${alg} #${i}`, () => mlDsaVerify(alg, k.publicKey, msg, sig), () => nativeMlDsaVerify(alg, k.publicKey, msg, sig));
      return;
    }
    // Corrupted: a flipped bit in the signature, the message or the key, or a signature from another key.
    const how = randInt(4);
    const s2 = how === 0 ? flipBit(sig) : sig;
    const m2 = how === 1 ? flipBit(msg) : msg;
    const p2 = how === 2 ? flipBit(k.publicKey) : how === 3 ? poolKey(alg).publicKey : k.publicKey;
    if (how === 3 && p2 === k.publicKey) return void compare('random-verify-corrupt', `${alg} #${i}`, () => mlDsaVerify(alg, flipBit(p2), m2, s2));
    compare('random-verify-corrupt', `${alg} #${i} how=${how}`, () => mlDsaVerify(alg, p2, m2, s2), () => nativeMlDsaVerify(alg, p2, m2, s2));
    return;
  }
  const alg = [...KEMS, 'x-wing' as const][randInt(3)] as MlKemAlgName | 'x-wing';
  const k = poolKey(alg);
  // Encapsulation is noble in both backends (m / eseed from the injected Rng): compare it anyway.
  const m = rand(alg === 'x-wing' ? 64 : 32);
  const encaps = (): { cipherText: Uint8Array; sharedSecret: Uint8Array } =>
    alg === 'x-wing' ? xwingEncapsulate(k.publicKey, () => Uint8Array.from(m)) : mlKemEncapsulate(alg, k.publicKey, () => Uint8Array.from(m));
  // X-Wing encapsulation is half native (X25519 with ek_X from the rng): compare the raw composite too.
  compare(
    'random-encaps',
    `${alg} #${i}`,
    () => {
      const r = encaps();
      return `${hex(r.cipherText)}:${hex(r.sharedSecret)}`;
    },
    alg === 'x-wing'
      ? () => {
          const r = nativeXwingEncapsulate(k.publicKey, Uint8Array.from(m), (pkM, mm) => ml_kem768.encapsulate(pkM, mm));
          return `${hex(r.cipherText)}:${hex(r.sharedSecret)}`;
        }
      : undefined,
  );
  const { cipherText, sharedSecret } = encaps();
  const ct = kind === 3 ? cipherText : flipBit(cipherText);
  const decaps = (): Uint8Array => (alg === 'x-wing' ? xwingDecapsulate(k.seed, ct) : mlKemDecapsulate(alg, k.secretKey, ct));
  const raw = (): Uint8Array => (alg === 'x-wing' ? nativeXwingDecapsulate(k.seed, ct) : nativeMlKemDecapsulate(alg, k.secretKey, ct));
  const r = compare(kind === 3 ? 'random-decaps' : 'random-decaps-corrupt', `${alg} #${i}`, decaps, raw);
  // Correct ciphertext: the encapsulated key; corrupted: implicit rejection gives a different key (FIPS 203 §6.3).
  if ((kind === 3) !== (r === `ok:${hex(sharedSecret)}`)) {
    mismatchCount++;
    mismatches.push({ where: `${kind === 3 ? 'decaps' : 'implicit rejection'} ${alg} #${i}`, noble: r.slice(0, 80), native: hex(sharedSecret) });
  }
}

// ---- run ----
const t0 = performance.now();
const active = activeCryptoBackend();
if (vectors !== undefined && existsSync(path.join(vectors, 'wycheproof'))) {
  const before = { ...counts };
  wycheproof(path.join(vectors, 'wycheproof'));
  for (const [k, v] of Object.entries(counts)) vectorCounts[k] = v - (before[k] ?? 0);
}
if (vectors !== undefined && existsSync(path.join(vectors, 'pqc-certificates'))) {
  pqcCertificates(path.join(vectors, 'pqc-certificates'));
  for (const k of Object.keys(counts)) if (k.startsWith('pqc-')) vectorCounts[k] = counts[k] ?? 0;
}
const tVectors = performance.now();
for (let i = 0; i < CASES; i++) randomCase(i);
const randomCounts = Object.fromEntries(Object.entries(counts).filter(([k]) => k.startsWith('random-')));
process.stdout.write(
  `${JSON.stringify({
    node: process.versions.node,
    openssl: process.versions.openssl,
    activeBackendUnderAuto: active,
    vectorCounts,
    randomCases: CASES,
    randomCounts,
    randomSignatures: signers,
    rawNativeThrew,
    rawNativeThrewNobleOk,
    mismatchCount,
    mismatches,
    seconds: { vectors: Math.round(tVectors - t0) / 1000, random: Math.round(performance.now() - tVectors) / 1000 },
  })}\n`,
);
