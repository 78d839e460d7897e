// The enclave directory (docs/enclave-dir.md): paths, enclave.json, and loadEnclave, which reads keys, certificates, trust store, federation store, audit log and replay store.
//
// An enclave is sovereign (DESIGN.md §1): its own keys, trust store and audit log, all in one directory.
// This module is the only place that knows the file names; `writ enclave init/issue/install` (issue 5)
// and writeEnclaveDir (./fixture.ts) produce this same layout.
//
//   ENCLAVE_DIR/
//     enclave.json                    profile: identity, enclave, region, domain, level, KEM alg, options
//     keys/signing.key                gateway signing key, PKCS#8 (RFC 9881; encrypted unless a fixture)
//     keys/kem.key                    KEM private key, PKCS#8 (RFC 9935 / X-Wing private profile)
//     certs/chain.pem                 gateway signing cert, then enclave CA, then regional CA
//     certs/kem.pem                   KEM certificate
//     trust/anchors.pem               trust anchors (root certificates this enclave trusts)
//     trust/crls/*.crl                CRLs (PEM or DER)
//     trust/crossing-authorities.pem  certificates whose keys may sign crossing approvals
//     federation/agreements/<id>.json   signed agreements (canonical JSON, writ-signed)
//     federation/withdrawals/<id>.json  imported withdrawal notices
//     federation/crossings/<id>.json    imported crossing approvals
//     audit/log.jsonl                 hash-chained audit entries
//     audit/checkpoints.jsonl         signed checkpoints over the audit chain
//     state/opened.jsonl              envelope ids already opened (replay store)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError } from '../core/errors.js';
import type { KemAlgName, Rng } from '../core/crypto/types.js';
import { KEM_ALGS } from '../core/crypto/types.js';
import type { Certificate, Crl } from '../core/x509/types.js';
import type { TrustAnchor } from '../core/verify/types.js';
import { verify } from '../core/verify/verify.js';
import { EKU_WRIT_GATEWAY_SIGNING } from '../core/asn1/oids.js';
import { levelName, levelOid } from '../core/policy/levels.js';
import { enclaveHost } from '../core/policy/names.js';
import { isObj, type TrustContext } from '../core/policy/signed.js';
import type { PolicyState } from '../core/policy/agreement.js';
import { readFileLimited } from '../cli/io.js';
import { readCerts, readCrls } from '../cli/load.js';
import { readPrivateKey } from '../cli/keyfile.js';
import { loadSigner, type WipeableSigner } from '../cli/signing.js';
import type { Ctx } from '../cli/context.js';
import { AuditAppender } from './audit.js';
import { ReplayStore } from './replay.js';
import { loadPolicyState } from './store.js';
import { loadPartnerAnchors } from './trust.js';
import { recoverEnclaveDir } from './recover.js';
import { MAX_PROFILE_BYTES } from '../core/limits.js';

export const ENCLAVE_FORMAT = 'writ-enclave/1';

/** Every path of the layout, absolute. */
export interface EnclavePaths {
  root: string;
  config: string;
  keysDir: string;
  signingKey: string;
  kemKey: string;
  /** keys/ca.key: the enclave CA key (writ enclave init); absent in fixtures. */
  caKey: string;
  /** request/: public material sent to the regional authority (writ enclave init). */
  requestDir: string;
  certsDir: string;
  chain: string;
  kemCert: string;
  trustDir: string;
  anchors: string;
  crlDir: string;
  crossingAuthorities: string;
  /** trust/partners.json: constrained partner anchors, signed by this enclave (writ trust add). */
  partners: string;
  federationDir: string;
  agreementsDir: string;
  withdrawalsDir: string;
  crossingsDir: string;
  auditDir: string;
  auditLog: string;
  auditCheckpoints: string;
  stateDir: string;
  opened: string;
}

export function enclavePaths(dir: string): EnclavePaths {
  const root = path.resolve(dir);
  const j = (...p: string[]): string => path.join(root, ...p);
  return {
    root,
    config: j('enclave.json'),
    keysDir: j('keys'),
    signingKey: j('keys', 'signing.key'),
    kemKey: j('keys', 'kem.key'),
    caKey: j('keys', 'ca.key'),
    requestDir: j('request'),
    certsDir: j('certs'),
    chain: j('certs', 'chain.pem'),
    kemCert: j('certs', 'kem.pem'),
    trustDir: j('trust'),
    anchors: j('trust', 'anchors.pem'),
    crlDir: j('trust', 'crls'),
    crossingAuthorities: j('trust', 'crossing-authorities.pem'),
    partners: j('trust', 'partners.json'),
    federationDir: j('federation'),
    agreementsDir: j('federation', 'agreements'),
    withdrawalsDir: j('federation', 'withdrawals'),
    crossingsDir: j('federation', 'crossings'),
    auditDir: j('audit'),
    auditLog: j('audit', 'log.jsonl'),
    auditCheckpoints: j('audit', 'checkpoints.jsonl'),
    stateDir: j('state'),
    opened: j('state', 'opened.jsonl'),
  };
}

/** The directories of the layout, in creation order. */
export function enclaveDirs(p: EnclavePaths): string[] {
  return [p.root, p.keysDir, p.certsDir, p.trustDir, p.crlDir, p.federationDir, p.agreementsDir, p.withdrawalsDir, p.crossingsDir, p.auditDir, p.stateDir];
}

/** enclave.json. */
export interface EnclaveConfig {
  format: typeof ENCLAVE_FORMAT;
  /** Enclave id: spiffe://<enclave>.<region>.<domain> (no path). Party name in agreements. */
  identity: string;
  enclave: string;
  region: string;
  domain: string;
  /** Level OID this enclave is certified at (its enclave CA asserts exactly one). */
  level: string;
  kemAlg: KemAlgName;
  /** True for writeEnclaveDir fixtures: keys are stored UNENCRYPTED (never for a real enclave). */
  fixtureKeys: boolean;
  /** Write a signed audit checkpoint after this many entries (default 16). */
  checkpointEvery: number;
}

/** The profile as proved at load (the chain is verified; a mismatch with enclave.json is refused). */
export interface EnclaveProfile {
  /** Enclave id, spiffe://<host>. */
  identity: string;
  /** The gateway signing identity, spiffe://<host>/gateway. */
  gateway: string;
  enclave: string;
  region: string;
  domain: string;
  /** Level OID, and its name when it is one of ours. */
  level: string;
  levelName?: string;
  kemAlg: KemAlgName;
  fixtureKeys: boolean;
}

export interface LoadedEnclave {
  dir: string;
  paths: EnclavePaths;
  config: EnclaveConfig;
  profile: EnclaveProfile;
  /** Gateway signing key (hedged ML-DSA with opts.rng). Call wipe() (or enclave.wipe()) when done. */
  signer: WipeableSigner;
  /** The gateway signing certificate (chain[0]). */
  signingCert: Certificate;
  /** certs/chain.pem: signing cert, enclave CA, regional CA. */
  chain: Certificate[];
  /** The KEM key: private seed (wipe!) and its certificate. */
  kem: { alg: KemAlgName; privateKey: Uint8Array; cert: Certificate };
  anchors: TrustAnchor[];
  crls: Crl[];
  crossingAuthorities: Certificate[];
  /** Anchors + CRLs + now, for verifying peers' chains (policy documents, envelope senders). */
  trust: TrustContext;
  /** Verified federation store: complete and half-signed agreements, withdrawals, crossings. */
  policy: PolicyState;
  audit: AuditAppender;
  replay: ReplayStore;
  /**
   * Ends the session: signs an audit checkpoint over any entries this session appended (so every
   * command leaves its log sealed), then wipes the signing and KEM private keys held in memory.
   */
  wipe(): void;
}

export interface LoadOptions {
  /** Passphrase file for encrypted keys (both keys share it). */
  passFile?: string;
  now: Date;
  rng: Rng;
  note?: (m: string) => void;
  /** Skip loading the KEM private key (federation commands do not need it). */
  noKem?: boolean;
}

export function readConfig(file: string): EnclaveConfig {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(readFileLimited(file, MAX_PROFILE_BYTES, 'MAX_PROFILE_BYTES')));
  } catch (e) {
    if (e instanceof WritError) throw e;
    throw new WritError('PARSE', `${file}: not JSON`, { cause: e });
  }
  const bad = (m: string): never => {
    throw new WritError('PARSE', `${file}: ${m}`);
  };
  if (!isObj(v) || v.format !== ENCLAVE_FORMAT) return bad(`format must be "${ENCLAVE_FORMAT}"`);
  for (const k of ['identity', 'enclave', 'region', 'domain', 'level', 'kemAlg'] as const) if (typeof v[k] !== 'string') bad(`${k} must be a string`);
  if (!(KEM_ALGS as readonly string[]).includes(v.kemAlg as string)) bad('kemAlg');
  const host = enclaveHost(v.enclave as string, v.region as string, v.domain as string);
  if (v.identity !== `spiffe://${host}`) bad(`identity must be spiffe://${host}`);
  const every = v.checkpointEvery ?? 16;
  if (typeof every !== 'number' || !Number.isInteger(every) || every < 1 || every > 100000) bad('checkpointEvery must be a positive integer');
  return {
    format: ENCLAVE_FORMAT,
    identity: v.identity as string,
    enclave: v.enclave as string,
    region: v.region as string,
    domain: v.domain as string,
    level: levelOid(v.level as string),
    kemAlg: v.kemAlg as KemAlgName,
    fixtureKeys: v.fixtureKeys === true,
    checkpointEvery: every as number,
  };
}

/** Every CRL in a directory (*.crl, *.pem; PEM or DER), in file-name order. */
export function readCrlDir(dir: string): Crl[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.crl') || f.endsWith('.pem'))
    .sort()
    .flatMap((f) => readCrls(path.join(dir, f)));
}

/**
 * Loads an enclave directory: reads enclave.json, verifies the gateway signing cert's chain against the
 * enclave's own trust anchors and CRLs at opts.now (its proved identity, enclave, region and level must
 * match enclave.json: IDENTITY / POLICY otherwise), loads the signing key (KEY_MISMATCH when it is not
 * the cert's) and the KEM key, the crossing authorities, the verified federation store, and opens the
 * audit appender and the replay store. Errors: IO for missing files, PARSE for malformed ones.
 */
export async function loadEnclave(dir: string, opts: LoadOptions): Promise<LoadedEnclave> {
  const paths = enclavePaths(dir);
  if (!fs.existsSync(paths.config)) throw new WritError('IO', `${paths.root} is not an enclave directory (no enclave.json)`);
  // An install or a write interrupted by a crash is finished or rolled back first (docs/enclave-dir.md "Crash safety").
  for (const m of recoverEnclaveDir(paths.root, enclaveDirs(paths))) opts.note?.(`note: ${m}`);
  const config = readConfig(paths.config);
  const chain = readCerts(paths.chain);
  const signingCert = chain[0];
  if (!signingCert) throw new WritError('PARSE', `${paths.chain} holds no certificate`);
  const anchors: TrustAnchor[] = readCerts(paths.anchors).map((cert) => ({ cert }));
  const crls = readCrlDir(paths.crlDir);
  const crossingAuthorities = fs.existsSync(paths.crossingAuthorities) ? readCerts(paths.crossingAuthorities) : [];
  const gateway = `${config.identity}/gateway`;
  const v = verify({ leaf: signingCert, untrusted: chain.slice(1), crls }, anchors, { now: opts.now, identity: gateway, keyUsage: ['digitalSignature'], purpose: EKU_WRIT_GATEWAY_SIGNING });
  if (!v.ok) {
    const e = v.errors[0];
    throw new WritError(e?.code ?? 'NO_PATH', `${paths.chain}: the gateway signing certificate does not verify against ${paths.anchors}: ${e?.message ?? ''}`);
  }
  if (v.enclave !== config.enclave || v.region !== config.region) {
    throw new WritError('IDENTITY', `${paths.chain} proves enclave ${v.enclave ?? '?'} in region ${v.region ?? '?'}, but enclave.json says ${config.enclave} in ${config.region}`);
  }
  if (v.level !== config.level) throw new WritError('POLICY', `${paths.chain} proves level ${v.levelName ?? v.level ?? 'none'}, but enclave.json says ${levelName(config.level) ?? config.level}`);
  // Partner anchors (trust/partners.json, writ trust add) join only as RFC 5937 constrained anchors, and
  // only when the store's signature by this enclave's own gateway key verifies (SIGNATURE otherwise).
  if (fs.existsSync(paths.partners)) anchors.push(...loadPartnerAnchors(paths.partners, { identity: config.identity, signingCert }));
  const trust: TrustContext = { anchors, crls, now: opts.now };

  // A fixture enclave says so in enclave.json; its unencrypted keys are expected, so skip that warning.
  const baseNote = opts.note ?? (() => {});
  const note = config.fixtureKeys ? (m: string): void => (/is not encrypted$/.test(m) ? undefined : baseNote(m)) : baseNote;
  const signer = await loadSigner({ json: false, note, now: () => opts.now, rng: opts.rng } as Ctx, paths.signingKey, opts.passFile);
  const wipeAll: (() => void)[] = [() => signer.wipe()];
  try {
    if (signer.alg === undefined || !bytesEq(signer.publicKey, signingCert.spki.publicKey)) {
      throw new WritError('KEY_MISMATCH', `${paths.signingKey} does not match the gateway signing certificate`);
    }
    const kemCert = readCerts(paths.kemCert)[0];
    if (!kemCert) throw new WritError('PARSE', `${paths.kemCert} holds no certificate`);
    let privateKey: Uint8Array = new Uint8Array(0);
    if (!opts.noKem) {
      const k = await readPrivateKey(paths.kemKey, opts.passFile, note);
      if (k.alg !== config.kemAlg) throw new WritError('KEY_MISMATCH', `${paths.kemKey} is a ${k.alg} key; enclave.json says ${config.kemAlg}`);
      if (!k.seed) throw new WritError('UNSUPPORTED', `${paths.kemKey}: writ needs the seed form of the KEM key`);
      if (!bytesEq(k.publicKey, kemCert.spki.publicKey)) throw new WritError('KEY_MISMATCH', `${paths.kemKey} does not match ${paths.kemCert}`);
      privateKey = k.seed;
      wipeAll.push(() => privateKey.fill(0));
    }
    const profile: EnclaveProfile = {
      identity: config.identity,
      gateway,
      enclave: config.enclave,
      region: config.region,
      domain: config.domain,
      level: config.level,
      ...(levelName(config.level) ? { levelName: levelName(config.level) as string } : {}),
      kemAlg: config.kemAlg,
      fixtureKeys: config.fixtureKeys,
    };
    const audit = new AuditAppender(paths, {
      enclave: config.identity,
      signer,
      cert: signingCert,
      // Checkpoints carry only the signing cert (signCms adds it): verifiers take the chain from certs/chain.pem.
      now: () => opts.now,
      checkpointEvery: config.checkpointEvery,
    });
    const policy = loadPolicyState(paths, { self: config.identity, trust, crossingAuthorities, note: opts.note });
    return {
      dir: paths.root,
      paths,
      config,
      profile,
      signer,
      signingCert,
      chain,
      kem: { alg: config.kemAlg, privateKey, cert: kemCert },
      anchors,
      crls,
      crossingAuthorities,
      trust,
      policy,
      audit,
      replay: new ReplayStore(paths.opened),
      wipe: () => {
        try {
          audit.checkpointIfDirty();
        } catch (err) {
          baseNote(`writ: warning: could not sign an audit checkpoint: ${err instanceof Error ? err.message : String(err)}`);
        }
        wipeAll.forEach((f) => f());
      },
    };
  } catch (e) {
    wipeAll.forEach((f) => f());
    throw e;
  }
}

function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
