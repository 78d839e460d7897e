// `writ demo`, part three (issue 5): two enclaves provisioned through init → issue → install, their status, a signed baseline diff, and a constrained partner anchor accepted inside its constraints and refused outside them.
//
// Every act runs the same code as the CLI: initEnclave / issueBundle (src/enclave) and the install,
// trust add and trust check handlers themselves (src/cli/commands), on real directories under
// OUT/provisioning, so each printed command can be re-run there. Deterministic: seeded RNG, fixed clock.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError, isWritError } from '../core/errors.js';
import type { Rng, Signer } from '../core/crypto/types.js';
import { keyPairFromSeed, signerFromSeed } from '../core/crypto/keys.js';
import { encodePrivateKey, encryptPrivateKey } from '../core/asn1/pkcs8.js';
import { encodeSpki } from '../core/asn1/spki.js';
import { pemEncode } from '../core/asn1/pem.js';
import { sha256 } from '../core/crypto/kdf.js';
import { toHex } from '../core/crypto/bytes.js';
import { createCsr, issueCertificate } from '../core/x509/issue.js';
import { parseCertificate } from '../core/x509/parse.js';
import { addDays } from '../core/asn1/time.js';
import { defaultBaseline, signBaseline } from '../core/policy/baseline.js';
import type { FixturePki } from '../fixtures/pki.js';
import { drbgBytes, seededRng } from '../fixtures/drbg.js';
import type { Ctx } from '../cli/context.js';
import { ensureDir, writeFileAtomic } from '../cli/io.js';
import { initEnclave } from '../enclave/init.js';
import { issueBundle, readRegionalPublic, regionalPaths } from '../enclave/issue.js';
import { enclaveFacts } from '../enclave/status.js';
import { baselineAuthoritiesFile, diffEnclave } from '../enclave/diff.js';
import { run as installRun } from '../cli/commands/enclave/install.js';
import { run as trustAddRun } from '../cli/commands/trust/add.js';
import { run as trustCheckRun } from '../cli/commands/trust/check.js';

export interface ProvisioningStep {
  name: string;
  expected: string;
  got: string;
  asExpected: boolean;
}

export interface ProvisioningResult {
  dir: string;
  steps: ProvisioningStep[];
  /** The text of `writ enclave diff` for the fixture enclave (the departures case). */
  diffOutput: string[];
  allAsExpected: boolean;
}

/** The demo's enclave passphrase (written to provisioning/pass.txt so the printed commands run as shown). */
export const DEMO_PASS = 'correct horse battery staple (demo only)';

/** Writes a regional authority directory (src/enclave/issue.ts layout) from the fixture PKI. */
export function writeRegionalDir(pki: FixturePki, region: 'north' | 'south', dir: string, o: { pass?: Uint8Array; rng: Rng; crls?: Uint8Array[] }): void {
  const r = pki.regions[region];
  const p = regionalPaths(dir);
  ensureDir(p.crlDir);
  const der = encodePrivateKey('ml-dsa-87', r.ca.key.seed);
  try {
    const pem = o.pass ? pemEncode('ENCRYPTED PRIVATE KEY', encryptPrivateKey(der, o.pass, { kdf: 'scrypt', rng: o.rng })) : pemEncode('PRIVATE KEY', der);
    writeFileAtomic(p.key, pem, { force: true, mode: 0o600 });
  } finally {
    der.fill(0);
  }
  writeFileAtomic(p.cert, pemEncode('CERTIFICATE', r.ca.der), { force: true });
  writeFileAtomic(p.anchors, pemEncode('CERTIFICATE', pki.root.der), { force: true });
  const crls = o.crls ?? [pki.rootCrl.der, r.crl.der];
  crls.forEach((c, i) => writeFileAtomic(path.join(p.crlDir, `${String(i).padStart(2, '0')}.crl`), pemEncode('X509 CRL', c), { force: true }));
}

/** A self-signed ML-DSA-87 baseline authority from the seed (label "baseline-authority"). */
export function baselineAuthority(seed: string, now: Date): { der: Uint8Array; signer: Signer } {
  const kp = keyPairFromSeed('ml-dsa-87', drbgBytes(seed, 'key:baseline-authority', 32));
  const signer = signerFromSeed('ml-dsa-87', kp.seed);
  const der = issueCertificate(
    { profile: 'root', issuerSigner: signer, subjectSpki: encodeSpki('ml-dsa-87', kp.publicKey), subject: 'O=writ.test, CN=writ.test baseline authority', notBefore: addDays(now, -1), validityDays: 3650 },
    { now, rng: seededRng(seed, 'baseline-authority-serial') },
  );
  return { der, signer };
}

/**
 * An allied post-quantum PKI (its own root, domain "ally.example"): region "east" and "west", enclave
 * "depot" in each, a workload per enclave at "internal" and one at "restricted" in east.
 */
export function allyPki(seed: string, now: Date): { root: Uint8Array; files: Record<string, Uint8Array> } {
  const rng = seededRng(seed, 'ally');
  const key = (label: string, alg: 'ml-dsa-87' | 'ml-dsa-65'): { spki: Uint8Array; signer: Signer } => {
    const kp = keyPairFromSeed(alg, drbgBytes(seed, `key:ally:${label}`, 32));
    return { spki: encodeSpki(alg, kp.publicKey), signer: signerFromSeed(alg, kp.seed) };
  };
  const opts = { now, rng };
  const nb = addDays(now, -1);
  const rootK = key('root', 'ml-dsa-87');
  const rootDer = issueCertificate({ profile: 'root', issuerSigner: rootK.signer, domain: 'ally.example', notBefore: nb }, opts);
  const root = parseCertificate(rootDer);
  const files: Record<string, Uint8Array> = { 'ally-root.pem': rootDer };
  for (const region of ['east', 'west'] as const) {
    const rk = key(`region:${region}`, 'ml-dsa-87');
    const rDer = issueCertificate({ profile: 'regional', issuerCert: root, issuerSigner: rootK.signer, subjectSpki: rk.spki, region, levels: ['internal', 'restricted'], notBefore: nb }, opts);
    const rCert = parseCertificate(rDer);
    const level = 'internal';
    const ek = key(`enclave:${region}`, 'ml-dsa-87');
    const eDer = issueCertificate({ profile: 'enclave-ca', issuerCert: rCert, issuerSigner: rk.signer, subjectSpki: ek.spki, enclave: 'depot', levels: [level], notBefore: nb }, opts);
    const eCert = parseCertificate(eDer);
    const wk = key(`workload:${region}`, 'ml-dsa-65');
    const wCsr = createCsr({ signer: wk.signer, subject: `O=ally.example, CN=svc ${region}`, identity: `spiffe://depot.${region}.ally.example/svc` });
    files[`ally-${region}.pem`] = rDer;
    files[`ally-${region}-depot.pem`] = eDer;
    files[`ally-${region}-svc.pem`] = issueCertificate({ profile: 'workload', issuerCert: eCert, issuerSigner: ek.signer, csr: wCsr, notBefore: nb }, opts);
    if (region === 'east') {
      // A second east enclave at "restricted": inside the names, outside the levels the anchor admits.
      const xk = key('enclave:east-vault', 'ml-dsa-87');
      const xDer = issueCertificate({ profile: 'enclave-ca', issuerCert: rCert, issuerSigner: rk.signer, subjectSpki: xk.spki, enclave: 'vault', levels: ['restricted'], notBefore: nb }, opts);
      const xk2 = key('workload:east-vault', 'ml-dsa-65');
      const xCsr = createCsr({ signer: xk2.signer, subject: 'O=ally.example, CN=svc vault', identity: 'spiffe://vault.east.ally.example/svc' });
      files['ally-east-vault.pem'] = xDer;
      files['ally-east-vault-svc.pem'] = issueCertificate({ profile: 'workload', issuerCert: parseCertificate(xDer), issuerSigner: xk.signer, csr: xCsr, notBefore: nb }, opts);
    }
  }
  return { root: rootDer, files };
}

export interface ProvisioningDemoInput {
  pki: FixturePki;
  outDir: string;
  force: boolean;
  note: (m: string) => void;
  now: Date;
  /** A fixture enclave directory (keys unencrypted) to diff as the "departures" case. */
  fixtureEnclaveDir?: string;
}

export async function runProvisioningDemo(input: ProvisioningDemoInput): Promise<ProvisioningResult> {
  const { pki, now } = input;
  const dir = path.join(input.outDir, 'provisioning');
  if (fs.existsSync(dir)) {
    if (!input.force) throw new WritError('EXISTS', `${dir} already exists; use --force to replace it`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  ensureDir(dir);
  input.note('writ demo: provisioning harbor and orchard through init → issue → install…');
  const passFile = path.join(dir, 'pass.txt');
  writeFileAtomic(passFile, `${DEMO_PASS}\n`, { mode: 0o600 });
  const pass = new TextEncoder().encode(DEMO_PASS);
  const rng = seededRng(pki.seed, 'provisioning');
  const ctx: Ctx = { json: false, note: () => {}, now: () => now, rng };
  const steps: ProvisioningStep[] = [];
  const step = (name: string, expected: string, got: string): void => {
    steps.push({ name, expected, got, asExpected: expected === got });
  };
  const attempt = async (f: () => Promise<unknown> | unknown): Promise<string> => {
    try {
      await f();
      return 'OK';
    } catch (e) {
      if (isWritError(e)) return e.code;
      throw e;
    }
  };
  const rootFile = path.join(dir, 'root.pem');
  writeFileAtomic(rootFile, pemEncode('CERTIFICATE', pki.root.der));
  const rootSha256 = toHex(sha256(pki.root.der));

  const plan = [
    { name: 'harbor', region: 'north', level: 'restricted', kem: 'ml-kem-1024' },
    { name: 'orchard', region: 'south', level: 'internal', kem: 'x-wing' },
  ] as const;
  for (const e of plan) {
    const eDir = path.join(dir, e.name);
    const caDir = path.join(dir, `${e.region}-authority`);
    writeRegionalDir(pki, e.region, caDir, { pass, rng });
    initEnclave(eDir, { enclave: e.name, region: e.region, domain: pki.domain, level: e.level, kemAlg: e.kem, now, rng, pass, rootSha256 });
    const ra = readRegionalPublic(caDir);
    issueBundle(path.join(eDir, 'request'), { ...ra, signer: pki.regions[e.region].ca.signer! }, path.join(dir, `${e.name}-bundle`), { now, rng });
    step(`${e.name}: install`, 'OK', await attempt(() => installRun(ctx, [path.join(dir, `${e.name}-bundle`)], { into: eDir, passFile })));
  }
  // A request to the wrong region is refused at issuance.
  const wrongDir = path.join(dir, 'stray');
  initEnclave(wrongDir, { enclave: 'stray', region: 'south', domain: pki.domain, level: 'internal', kemAlg: 'ml-kem-1024', now, rng, pass, rootSha256 });
  step('stray (south) at north', 'NAME_CONSTRAINT', await attempt(() => issueBundle(path.join(wrongDir, 'request'), { ...readRegionalPublic(path.join(dir, 'north-authority')), signer: pki.regions.north.ca.signer! }, path.join(dir, 'stray-bundle'), { now, rng })));
  // orchard's bundle offered to harbor.
  step('orchard bundle into harbor', 'IDENTITY', await attempt(() => installRun(ctx, [path.join(dir, 'orchard-bundle')], { into: path.join(dir, 'harbor'), passFile })));
  const hs = enclaveFacts(path.join(dir, 'harbor'), now);
  step('harbor status', 'OK', hs.chainOk && hs.due.length === 0 ? 'OK' : hs.due[0]?.what ?? 'chain');

  // Baseline: signed by a baseline authority that both enclaves trust.
  const ba = baselineAuthority(pki.seed, now);
  const baCert = parseCertificate(ba.der);
  const body = defaultBaseline('writ.test enclaves 2026', now);
  const signed = signBaseline(body, { signer: ba.signer, cert: baCert, signingTime: now });
  const baselineFile = path.join(dir, 'baseline.signed.json');
  writeFileAtomic(baselineFile, signed);
  writeFileAtomic(path.join(dir, 'baseline.json'), `${JSON.stringify(body, null, 2)}\n`);
  writeFileAtomic(path.join(dir, 'baseline-authority.pem'), pemEncode('CERTIFICATE', ba.der));
  for (const e of plan) writeFileAtomic(baselineAuthoritiesFile(path.join(dir, e.name)), pemEncode('CERTIFICATE', ba.der));
  const dh = diffEnclave(path.join(dir, 'harbor'), baselineFile, undefined, now);
  step('harbor vs baseline', '0 departures', `${dh.departures.length} departures`);
  let diffOutput: string[] = [];
  if (input.fixtureEnclaveDir) {
    const df = diffEnclave(input.fixtureEnclaveDir, baselineFile, path.join(dir, 'baseline-authority.pem'), now);
    step('fixture enclave vs baseline', 'not allowed', df.notAllowed > 0 ? 'not allowed' : 'allowed');
    diffOutput = df.departures.map((d) => `${d.rule} ${d.subject}`);
  }

  // Partner trust: an allied PQ root admitted for .east.ally.example at "internal", one intermediate.
  const ally = allyPki(pki.seed, now);
  for (const [f, der] of Object.entries(ally.files)) writeFileAtomic(path.join(dir, f), pemEncode('CERTIFICATE', der));
  const hDir = path.join(dir, 'harbor');
  step('trust add ally (constrained)', 'OK', await attempt(() => trustAddRun(ctx, [], { as: hDir, anchor: path.join(dir, 'ally-root.pem'), permitUri: ['.east.ally.example'], levels: ['internal'], maxPath: 2, passFile })));
  const check = async (leaf: string, chain: string[], level?: string): Promise<string> => {
    const r = await trustCheckRun(ctx, [path.join(dir, leaf)], { as: hDir, untrusted: chain.map((c) => path.join(dir, c)), ...(level ? { level } : {}) });
    return r.exitCode ? String((r.data.errors as { code: string }[])[0]?.code ?? 'INVALID') : 'VALID';
  };
  step('ally east svc (inside)', 'VALID', await check('ally-east-svc.pem', ['ally-east.pem', 'ally-east-depot.pem']));
  step('ally west svc (outside names)', 'NAME_CONSTRAINT', await check('ally-west-svc.pem', ['ally-west.pem', 'ally-west-depot.pem']));
  step('ally east vault (restricted)', 'POLICY', await check('ally-east-vault-svc.pem', ['ally-east.pem', 'ally-east-vault.pem']));
  pass.fill(0);
  return { dir: path.relative(input.outDir, dir) || '.', steps, diffOutput, allAsExpected: steps.every((s) => s.asExpected) };
}

/** At most two summary lines. */
export function provisioningSummary(r: ProvisioningResult): string[] {
  const good = r.steps.filter((s) => s.asExpected).length;
  const head = `Provisioning: ${r.allAsExpected ? 'ok' : 'XX'}  ${good}/${r.steps.length} as expected: harbor, orchard init → issue → install (bundles signed by their region), status clean, 0 baseline departures; stray region NAME_CONSTRAINT, wrong bundle IDENTITY`;
  if (!r.allAsExpected) {
    const bad = r.steps.filter((s) => !s.asExpected).map((s) => `${s.name}: expected ${s.expected}, got ${s.got}`);
    return [head, `  SOMETHING IS WRONG: ${bad.join('; ')}`];
  }
  const dep = `${r.diffOutput.slice(0, 3).join(', ')}${r.diffOutput.length > 3 ? ', …' : ''}`;
  return [head, `  fixture enclave departs from the baseline (exit 1: ${dep}); partner anchor ally.example, constrained: inside VALID, outside NAME_CONSTRAINT, restricted POLICY`];
}
