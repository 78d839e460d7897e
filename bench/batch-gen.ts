// Input generator and raw-verify baseline for bench/batch.mjs (issue 6 target 2): enclave chains and CMS SignedData envelopes from a seed.
//
// bench/batch.mjs bundles this file with esbuild (already installed for tsup) into its temp dir and
// runs it with node: `gen` writes the PKI, the chain files and the envelopes; `baseline` measures the
// raw signature-verify rate of writ's active ML-DSA backend (core verifySignature, the function path
// validation calls) over exactly the signatures a batch must check, on a pool of worker threads.
// Deterministic: every key, serial and signature comes from the seed (src/fixtures/drbg.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { keyPairFromSeed, seedLength, signerFromSeed } from '../src/core/crypto/keys.js';
import { encodeSpki, parseSpki } from '../src/core/asn1/spki.js';
import { issueCertificate, issueCrl } from '../src/core/x509/issue.js';
import { parseCertificate } from '../src/core/x509/parse.js';
import { pemEncode } from '../src/core/asn1/pem.js';
import { signCms } from '../src/core/cms/signed-data.js';
import { CLASS_CONTEXT, TAG, children, decodeDer, expect, isContext, seqOf } from '../src/core/asn1/der.js';
import { parseAlgorithmIdentifier } from '../src/core/asn1/alg-id.js';
import { verifySignature, type MlDsaKeys } from '../src/core/crypto/signature.js';
import { SignatureCache } from '../src/batch/cache.js';
import { activeCryptoBackend } from '../src/core/crypto/backend.js';
import { enclaveHost, spiffeId } from '../src/core/policy/names.js';
import { addDays } from '../src/core/asn1/time.js';
import { drbgBytes, seededRng } from '../src/fixtures/drbg.js';
import type { Certificate } from '../src/core/x509/types.js';
import type { Signer } from '../src/core/crypto/types.js';
import type { AlgorithmId } from '../src/core/x509/types.js';

const DOMAIN = 'writ.bench';
const REGIONS = ['north', 'south', 'east'];
const ENCLAVES_PER_REGION = 2;
const LEAF_KEYS = 32;
const ENVELOPE_SIGNERS = 24;

interface GenArgs {
  seed: string;
  out: string;
  chains: number;
  envelopes: number;
  /** Issuance time (ISO); everything is valid from one day before. */
  now: string;
  /** Which half to write (two processes generate in parallel); both rebuild the same PKI in memory. */
  part?: 'chains' | 'envelopes';
}

interface Ca {
  cert: Certificate;
  der: Uint8Array;
  signer: Signer;
}

const pem = (label: string, der: Uint8Array): string => pemEncode(label, der);

function sigKey(seed: string, label: string, alg: 'ml-dsa-87' | 'ml-dsa-65'): { signer: Signer; spki: Uint8Array } {
  const kp = keyPairFromSeed(alg, drbgBytes(seed, `key:${label}`, seedLength(alg)));
  return { signer: signerFromSeed(alg, kp.seed), spki: encodeSpki(alg, kp.publicKey) };
}

function gen(a: GenArgs): void {
  const now = new Date(a.now);
  const notBefore = addDays(now, -1);
  const opts = { now, rng: seededRng(a.seed, 'serials') };
  fs.mkdirSync(path.join(a.out, 'chains'), { recursive: true });
  fs.mkdirSync(path.join(a.out, 'envelopes'), { recursive: true });
  const crls: string[] = [];
  const writePki = a.part !== 'envelopes';
  const writeCrl = (name: string, ca: Ca): void => {
    const f = path.join(a.out, `${name}.crl`);
    crls.push(f);
    if (!writePki) return;
    const der = issueCrl({ issuerCert: ca.cert, issuerSigner: ca.signer, thisUpdate: notBefore, nextUpdateDays: 31, crlNumber: 1n }, { now });
    fs.writeFileSync(f, pem('X509 CRL', der));
  };

  const rk = sigKey(a.seed, 'root', 'ml-dsa-87');
  const rootDer = issueCertificate({ profile: 'root', issuerSigner: rk.signer, domain: DOMAIN, notBefore }, opts);
  const root: Ca = { der: rootDer, cert: parseCertificate(rootDer), signer: rk.signer };
  if (writePki) fs.writeFileSync(path.join(a.out, 'root.pem'), pem('CERTIFICATE', rootDer));
  writeCrl('root', root);

  const enclaves: { ca: Ca; regional: Ca; host: string }[] = [];
  for (const region of REGIONS) {
    const k = sigKey(a.seed, `region:${region}`, 'ml-dsa-87');
    const der = issueCertificate(
      { profile: 'regional', issuerCert: root.cert, issuerSigner: root.signer, subjectSpki: k.spki, region, levels: ['public', 'internal'], notBefore },
      opts,
    );
    const regional: Ca = { der, cert: parseCertificate(der), signer: k.signer };
    writeCrl(`region-${region}`, regional);
    for (let e = 0; e < ENCLAVES_PER_REGION; e++) {
      const name = `enclave${e}`;
      const ek = sigKey(a.seed, `enclave:${region}:${name}`, 'ml-dsa-87');
      const eder = issueCertificate(
        { profile: 'enclave-ca', issuerCert: regional.cert, issuerSigner: regional.signer, subjectSpki: ek.spki, enclave: name, levels: ['internal'], notBefore },
        opts,
      );
      const ca: Ca = { der: eder, cert: parseCertificate(eder), signer: ek.signer };
      writeCrl(`enclave-${region}-${name}`, ca);
      enclaves.push({ ca, regional, host: enclaveHost(name, region, DOMAIN) });
    }
  }

  // Leaf keys are shared by many leaves (the leaf's own key is not checked when verifying its chain).
  const leafKeys = Array.from({ length: LEAF_KEYS }, (_, i) => sigKey(a.seed, `leaf:${i}`, 'ml-dsa-65'));
  const issueLeaf = (i: number, label: string): { der: Uint8Array; enclave: (typeof enclaves)[number]; key: (typeof leafKeys)[number] } => {
    const enclave = enclaves[i % enclaves.length]!;
    const key = leafKeys[i % LEAF_KEYS]!;
    const der = issueCertificate(
      {
        profile: 'workload',
        issuerCert: enclave.ca.cert,
        issuerSigner: enclave.ca.signer,
        subjectSpki: key.spki,
        subject: `O=${DOMAIN}, OU=${enclave.host}, CN=${label}`,
        identity: spiffeId(enclave.host, `/${label}`),
        notBefore,
      },
      opts,
    );
    return { der, enclave, key };
  };
  const width = String(Math.max(a.chains, a.envelopes)).length;
  for (let i = 0; i < (a.part === 'envelopes' ? 0 : a.chains); i++) {
    const { der, enclave } = issueLeaf(i, `wl-${i}`);
    const bundle = [pem('CERTIFICATE', der), pem('CERTIFICATE', enclave.ca.der), pem('CERTIFICATE', enclave.regional.der)].join('');
    fs.writeFileSync(path.join(a.out, 'chains', `c${String(i).padStart(width, '0')}.pem`), bundle);
  }
  // Envelopes: a few senders (one workload certificate each), many SignedData messages, each carrying the
  // sender's certificate, its enclave CA and regional CA (RFC 5652 §5.1 certificates).
  const senders = Array.from({ length: a.part === 'chains' ? 0 : ENVELOPE_SIGNERS }, (_, i) => {
    const { der, enclave, key } = issueLeaf(i, `sender-${i}`);
    return { cert: parseCertificate(der), signer: key.signer, chain: [enclave.ca.der, enclave.regional.der] };
  });
  const enc = new TextEncoder();
  for (let i = 0; i < (a.part === 'chains' ? 0 : a.envelopes); i++) {
    const s = senders[i % senders.length]!;
    const records = Array.from({ length: 8 }, (_, r) => JSON.stringify({ id: `${i}-${r}`, year: 2020 + (r % 6), value: (i * 31 + r * 7) % 1000 })).join('\n');
    const der = signCms({ content: enc.encode(`${records}\n`), signers: [{ signer: s.signer, cert: s.cert }], certificates: s.chain, signingTime: now });
    fs.writeFileSync(path.join(a.out, 'envelopes', `e${String(i).padStart(width, '0')}.env`), der);
  }
  if (writePki) fs.writeFileSync(path.join(a.out, 'manifest.json'), JSON.stringify({ trust: path.join(a.out, 'root.pem'), crls, chains: a.chains, envelopes: a.envelopes }, null, 2));
}

// ------------------------------------------------------------------------------------ baseline

interface SigJob {
  alg: AlgorithmId;
  spki: Uint8Array;
  data: Uint8Array;
  signature: Uint8Array;
}

/** The leaf signature of every chain file: what remains to verify per chain once intermediates are cached. */
function chainJobs(dir: string): SigJob[] {
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'latin1');
      const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)].map((m) => new Uint8Array(Buffer.from(m[1]!, 'base64')));
      const leaf = parseCertificate(blocks[0]!);
      const issuer = parseCertificate(blocks[1]!);
      return { alg: leaf.signatureAlgorithm, spki: issuer.spki.der, data: leaf.tbs, signature: leaf.signature };
    });
}

/**
 * The SignerInfo signature of every envelope (RFC 5652 §5.4: over the DER of signedAttrs with the SET
 * tag), under the certificate the SignedData carries first (the sender's).
 */
function envelopeJobs(dir: string): SigJob[] {
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => {
      const der = new Uint8Array(fs.readFileSync(path.join(dir, f)));
      const ci = seqOf(decodeDer(der), 'ContentInfo');
      const sd = seqOf(children(ci[1]!)[0], 'SignedData');
      const certs = sd.find((t) => isContext(t, 0))!;
      // The sender is the one end-entity certificate (the SET OF certificates is in DER order, RFC 5652 §5.1).
      const sender = children(certs)
        .map((c) => parseCertificate(c.der))
        .find((c) => !c.basicConstraints?.ca)!;
      const si = seqOf(children(expect(sd[sd.length - 1], TAG.SET, 'signerInfos'))[0], 'SignerInfo');
      // version, sid (itself [0] when it is a subjectKeyIdentifier), digestAlgorithm, then signedAttrs [0].
      const attrs = si[3]!;
      if (attrs.cls !== CLASS_CONTEXT || attrs.tag !== 0) throw new Error(`${f}: no signedAttrs`);
      const signedAttrs = new Uint8Array(attrs.der);
      signedAttrs[0] = 0x31; // [0] IMPLICIT → SET OF for the signature input
      const alg = parseAlgorithmIdentifier(si[si.length - 2]!, 'signatureAlgorithm');
      return { alg, spki: sender.spki.der, data: signedAttrs, signature: si[si.length - 1]!.content };
    });
}

interface BaselineArgs {
  dir: string;
  workers: number;
  /** Verify the whole set this many times (more samples, same signatures). */
  rounds: number;
}

async function baseline(a: BaselineArgs): Promise<void> {
  const out: Record<string, unknown> = { backend: activeCryptoBackend() };
  // 'chains' / 'envelopes': each signature through verifySignature, as a single command verifies it.
  // 'chainsPrepared' / 'envelopesPrepared': the same signatures with a per-worker cache of prepared
  // issuer keys (src/batch/cache.ts mlDsaKeys, what verify batch itself uses): the lower floor.
  for (const [name, jobs, prepared] of [
    ['chains', chainJobs(path.join(a.dir, 'chains')), false],
    ['envelopes', envelopeJobs(path.join(a.dir, 'envelopes')), false],
    ['chainsPrepared', chainJobs(path.join(a.dir, 'chains')), true],
    ['envelopesPrepared', envelopeJobs(path.join(a.dir, 'envelopes')), true],
  ] as const) {
    const workers = Math.min(a.workers, jobs.length);
    const shares = Array.from({ length: workers }, (_, w) => jobs.filter((_j, i) => i % workers === w));
    const pool = shares.map(
      (share) => new Worker(new URL(import.meta.url), { workerData: { role: 'verify', jobs: share, rounds: a.rounds, prepared } }),
    );
    // Every worker warms up (parses its keys, JITs the verifier), says ready; then all start together.
    await Promise.all(pool.map((w) => new Promise((r) => w.once('message', r))));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', (m: { ok: boolean }) => (m.ok ? resolve() : reject(new Error('baseline: a signature did not verify'))));
            w.postMessage('go');
          }),
      ),
    );
    const seconds = (performance.now() - t0) / 1000;
    // CPU time of the whole process (both worker threads; the main thread only waits meanwhile).
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    await Promise.all(pool.map((w) => w.terminate()));
    const verifies = jobs.length * a.rounds;
    out[name] = { verifies, seconds, perSecond: verifies / seconds, cpuSeconds, perCpuSecond: verifies / cpuSeconds, workers };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function verifyWorker(): void {
  const { jobs, rounds, prepared } = workerData as { jobs: SigJob[]; rounds: number; prepared: boolean };
  const parsed = jobs.map((j) => ({ ...j, spki: parseSpki(j.spki) }));
  // Warm-up on a throwaway cache: the timed run prepares its keys itself, as a batch worker does.
  const warm: MlDsaKeys | undefined = prepared ? new SignatureCache().mlDsaKeys : undefined;
  for (const j of parsed.slice(0, 3)) verifySignature(j.alg, j.spki, j.data, j.signature, warm);
  parentPort!.postMessage('ready');
  parentPort!.once('message', () => {
    let ok = true;
    const keys: MlDsaKeys | undefined = prepared ? new SignatureCache().mlDsaKeys : undefined;
    for (let r = 0; r < rounds; r++) for (const j of parsed) ok = verifySignature(j.alg, j.spki, j.data, j.signature, keys) && ok;
    parentPort!.postMessage({ ok });
  });
}

if (!isMainThread) {
  verifyWorker();
} else {
  const [mode, json] = process.argv.slice(2);
  const args = JSON.parse(json ?? '{}');
  if (mode === 'gen') gen(args as GenArgs);
  else if (mode === 'baseline') await baseline({ workers: os.availableParallelism(), rounds: 1, ...(args as Partial<BaselineArgs>) } as BaselineArgs);
  else if (mode === 'check') {
    const a = args as BaselineArgs;
    for (const [name, jobs] of [['chains', chainJobs(path.join(a.dir, 'chains'))], ['envelopes', envelopeJobs(path.join(a.dir, 'envelopes'))]] as const) {
      const bad = jobs.filter((j) => !verifySignature(j.alg, parseSpki(j.spki), j.data, j.signature)).length;
      process.stdout.write(`${name}: ${jobs.length - bad}/${jobs.length} verify\n`);
    }
  } else throw new Error('usage: batch-gen.mjs gen|baseline JSON');
}
