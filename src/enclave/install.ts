// `writ enclave install` (issue 5): verifies a provisioning bundle (RFC 5652 detached signature over SHA256SUMS, RFC 5280 chains) against the site's keys and pinned root, then installs it atomically.
//
// Order of checks (each refusal has its own code): the bundle's manifest signature (SIGNATURE), every
// file against the manifest (ARTIFACT_MISMATCH: changed, missing or unlisted), the bundle is for this
// enclave (IDENTITY), the bundle's roots include the root the site pinned at init (NO_PATH), the signer
// is the regional CA of the chain and that CA verifies to the pinned root (verify() codes), every CRL is
// current (CRL_STALE), both leaves verify with their identity and level, and the certificates match the
// keys in DIR (KEY_MISMATCH). Only then are certs/ and trust/ staged inside DIR and renamed into place.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WritError } from '../core/errors.js';
import { sha256 } from '../core/crypto/kdf.js';
import { bytesEqual, toHex } from '../core/crypto/bytes.js';
import type { Certificate, Crl } from '../core/x509/types.js';
import { verify } from '../core/verify/verify.js';
import { verifyCms } from '../core/cms/signed-data.js';
import { EKU_WRIT_GATEWAY_SIGNING } from '../core/asn1/oids.js';
import { levelName } from '../core/policy/levels.js';
import { readFileLimited, ensureDir, ioMessage } from '../cli/io.js';
import { SWAPPED, rollBackSwap } from './recover.js';
import { readCerts, readCrls } from '../cli/load.js';
import { readPrivateKey } from '../cli/keyfile.js';
import { enclaveDirs, enclavePaths, readConfig, type EnclaveConfig } from './layout.js';
import { SUMS, SUMS_SIG, parseSums } from './issue.js';
import { MAX_DOCUMENT_BYTES } from '../core/limits.js';

export interface CheckedBundle {
  dir: string;
  profile: EnclaveConfig;
  chain: Certificate[];
  kemCert: Certificate;
  anchors: Certificate[];
  crls: Crl[];
  files: string[];
  manifestSha256: string;
  regionalCa: string;
}

function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(root, r));
    else out.push(r);
  }
  return out.sort();
}

function vfail(v: ReturnType<typeof verify>, what: string): never {
  const e = v.errors[0];
  throw new WritError(e?.code ?? 'NO_PATH', `${what}: ${e?.message ?? 'no path'}`);
}

/** The root(s) the site trusts: certificates, or the SHA-256 pinned at init (matched against the bundle's roots). */
export type Pinned = Certificate[] | { sha256: string };

/**
 * Verifies a bundle for enclave `self` (its enclave.json) at `now`, with `pin` the root(s) the site
 * trusts. Pure checks: nothing is written.
 */
export function checkBundle(bundleDir: string, self: EnclaveConfig, pin: Pinned, now: Date): CheckedBundle {
  const dir = path.resolve(bundleDir);
  if (!fs.existsSync(path.join(dir, SUMS)) || !fs.existsSync(path.join(dir, SUMS_SIG))) throw new WritError('IO', `${bundleDir} is not a provisioning bundle (no ${SUMS} / ${SUMS_SIG})`);
  const sumsBytes = readFileLimited(path.join(dir, SUMS), MAX_DOCUMENT_BYTES, 'MAX_DOCUMENT_BYTES');
  let cms: ReturnType<typeof verifyCms>;
  try {
    cms = verifyCms(readFileLimited(path.join(dir, SUMS_SIG)), { detachedContent: sumsBytes });
  } catch (e) {
    throw new WritError('SIGNATURE', `${SUMS_SIG} cannot be read as a CMS signature`, { cause: e });
  }
  const signer = cms.signers[0];
  if (cms.signers.length !== 1 || !signer?.ok || !signer.cert) throw new WritError('SIGNATURE', `${SUMS_SIG} does not verify over ${SUMS}${signer?.error ? ` (${signer.error})` : ''}`);

  const sums = parseSums(new TextDecoder().decode(sumsBytes));
  const present = listFiles(dir).filter((f) => f !== SUMS && f !== SUMS_SIG);
  for (const f of present) {
    const want = sums.get(f);
    if (want === undefined) throw new WritError('ARTIFACT_MISMATCH', `${f} is in the bundle but not in ${SUMS}`);
    if (toHex(sha256(readFileLimited(path.join(dir, f)))) !== want) throw new WritError('ARTIFACT_MISMATCH', `${f} does not match its SHA-256 in ${SUMS}`);
  }
  for (const f of sums.keys()) if (!present.includes(f)) throw new WritError('ARTIFACT_MISMATCH', `${f} is listed in ${SUMS} but missing`);

  const profile = readConfig(path.join(dir, 'enclave.json'));
  for (const k of ['identity', 'region', 'level', 'kemAlg'] as const) {
    if (profile[k] !== self[k]) throw new WritError('IDENTITY', `this bundle is for ${profile.identity} (${k} ${profile[k]}), not for this enclave ${self.identity} (${k} ${self[k]})`);
  }
  const chain = readCerts(path.join(dir, 'certs', 'chain.pem'));
  const kemCert = readCerts(path.join(dir, 'certs', 'kem.pem'))[0];
  const anchors = readCerts(path.join(dir, 'trust', 'anchors.pem'));
  const crlDir = path.join(dir, 'trust', 'crls');
  const crls = fs.existsSync(crlDir) ? fs.readdirSync(crlDir).sort().flatMap((f) => readCrls(path.join(crlDir, f))) : [];
  if (chain.length < 3 || !kemCert) throw new WritError('PARSE', 'the bundle needs certs/chain.pem (signing, enclave CA, regional CA) and certs/kem.pem');
  const pinned = Array.isArray(pin) ? pin : anchors.filter((a) => toHex(sha256(a.der)) === pin.sha256);
  if (!pinned.some((p) => anchors.some((a) => bytesEqual(a.der, p.der)))) throw new WritError('NO_PATH', "the bundle's trust anchors do not include the root this enclave pinned");

  // The manifest signer must be the regional CA of the chain, and that CA must verify to the pinned root.
  const regional = chain[2]!;
  if (!bytesEqual(signer.cert.spki.der, regional.spki.der)) throw new WritError('SIGNATURE', `${SUMS_SIG} is signed by ${signer.cert.subject.text}, not by the regional CA of the chain`);
  const pinnedAnchors = pinned.map((cert) => ({ cert }));
  const vr = verify({ leaf: regional, untrusted: chain.slice(3), crls }, pinnedAnchors, { now });
  if (!vr.ok) vfail(vr, `the regional CA ${regional.subject.text} does not verify to the pinned root`);
  for (const c of crls) {
    if (c.nextUpdate !== undefined && now > c.nextUpdate) throw new WritError('CRL_STALE', `the CRL of ${c.issuer.text} expired at ${c.nextUpdate.toISOString()}: ask the region for a fresh bundle`);
    if (now < c.thisUpdate) throw new WritError('CRL_STALE', `the CRL of ${c.issuer.text} is not valid before ${c.thisUpdate.toISOString()}`);
  }
  const untrusted = chain.slice(1);
  const vs = verify({ leaf: chain[0]!, untrusted, crls }, pinnedAnchors, { now, identity: `${self.identity}/gateway`, level: self.level, purpose: EKU_WRIT_GATEWAY_SIGNING, keyUsage: ['digitalSignature'] });
  if (!vs.ok) vfail(vs, 'the gateway signing certificate');
  const vk = verify({ leaf: kemCert, untrusted, crls }, pinnedAnchors, { now, identity: `${self.identity}/kem`, level: self.level, keyUsage: ['keyEncipherment'] });
  if (!vk.ok) vfail(vk, 'the KEM certificate');
  return { dir, profile, chain, kemCert, anchors, crls, files: [...sums.keys()], manifestSha256: toHex(sha256(sumsBytes)), regionalCa: regional.subject.text };
}

/** Checks that the keys in DIR are the ones certified (KEY_MISMATCH otherwise). Seeds are wiped. */
export async function checkKeys(dirPaths: ReturnType<typeof enclavePaths>, b: CheckedBundle, passFile: string | undefined): Promise<void> {
  const pairs: [string, Certificate, string][] = [
    [dirPaths.signingKey, b.chain[0]!, 'gateway signing certificate'],
    [dirPaths.caKey, b.chain[1]!, 'enclave CA certificate'],
    [dirPaths.kemKey, b.kemCert, 'KEM certificate'],
  ];
  for (const [file, cert, what] of pairs) {
    if (!fs.existsSync(file)) throw new WritError('IO', `${file} is missing: was this directory made by writ enclave init?`);
    const k = await readPrivateKey(file, passFile);
    try {
      if (!bytesEqual(k.publicKey, cert.spki.publicKey)) throw new WritError('KEY_MISMATCH', `${file} does not match the ${what} in the bundle`);
    } finally {
      k.seed?.fill(0);
    }
  }
}

export interface InstallResult {
  dir: string;
  identity: string;
  level: string;
  levelName?: string;
  regionalCa: string;
  manifestSha256: string;
  signingNotAfter: string;
  enclaveCaNotAfter: string;
}

/**
 * Stages certs/ and trust/ inside DIR, then swaps them in with renames (each rename is atomic; the old
 * copies are kept until `commit` succeeds, and put back if it throws). Carries over the files of
 * trust/ that the bundle does not supply (partners.json, crossing-authorities.pem).
 */
export async function installBundle(dir: string, b: CheckedBundle, commit: () => Promise<void>): Promise<void> {
  const p = enclavePaths(dir);
  const tag = randomBytes(6).toString('hex');
  const stage = path.join(p.root, `.install-${tag}`);
  const old = path.join(p.root, `.old-${tag}`);
  ensureDir(path.join(stage, 'certs'));
  ensureDir(path.join(stage, 'trust', 'crls'));
  ensureDir(old);
  try {
    const copy = (from: string, to: string): void => fs.copyFileSync(from, path.join(stage, to));
    copy(path.join(b.dir, 'certs', 'chain.pem'), 'certs/chain.pem');
    copy(path.join(b.dir, 'certs', 'kem.pem'), 'certs/kem.pem');
    copy(path.join(b.dir, 'trust', 'anchors.pem'), 'trust/anchors.pem');
    const crlDir = path.join(b.dir, 'trust', 'crls');
    if (fs.existsSync(crlDir)) for (const f of fs.readdirSync(crlDir)) copy(path.join(crlDir, f), `trust/crls/${f}`);
    for (const keep of [p.partners, p.crossingAuthorities]) if (fs.existsSync(keep)) fs.copyFileSync(keep, path.join(stage, 'trust', path.basename(keep)));
    // The swap: its commit point is the second rename (src/enclave/recover.ts rolls back a swap
    // interrupted before it, and finishes one interrupted after it).
    for (const name of SWAPPED) {
      const live = path.join(p.root, name);
      if (fs.existsSync(live)) fs.renameSync(live, path.join(old, name));
      fs.renameSync(path.join(stage, name), live);
    }
    for (const d of enclaveDirs(p)) ensureDir(d);
    try {
      await commit();
    } catch (e) {
      rollBackSwap(p.root, stage, old); // the same repeatable steps crash recovery takes
      throw e;
    }
  } catch (e) {
    if (e instanceof WritError) throw e;
    throw new WritError('IO', `cannot install into ${p.root}: ${ioMessage(e)}`, { cause: e });
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
    fs.rmSync(old, { recursive: true, force: true });
  }
}

export function installSummary(b: CheckedBundle): InstallResult {
  const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');
  return {
    dir: b.dir,
    identity: b.profile.identity,
    level: b.profile.level,
    ...(levelName(b.profile.level) ? { levelName: levelName(b.profile.level) as string } : {}),
    regionalCa: b.regionalCa,
    manifestSha256: b.manifestSha256,
    signingNotAfter: iso(b.chain[0]!.notAfter),
    enclaveCaNotAfter: iso(b.chain[1]!.notAfter),
  };
}
