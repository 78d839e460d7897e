// `writ enclave status` (issue 5): what an enclave is, how long its certificates and CRLs last, what is due, and which agreements are in force, read without any private key.
//
// Reads only public material (enclave.json, certs/, trust/, federation/), so an operator can run it
// without the passphrase. The chain is verified with the same call loadEnclave makes (RFC 5280 §6 via
// verify()); the federation store is loaded with loadPolicyState (re-verified, edited files dropped).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError } from '../core/errors.js';
import type { Certificate } from '../core/x509/types.js';
import type { TrustAnchor } from '../core/verify/types.js';
import { verify } from '../core/verify/verify.js';
import { EKU_WRIT_GATEWAY_SIGNING } from '../core/asn1/oids.js';
import { OID_NAMES } from '../core/crypto/algs.js';
import { levelName } from '../core/policy/levels.js';
import { agreementActive, isWithdrawn } from '../core/policy/agreement.js';
import { readBlocks, readCerts } from '../cli/load.js';
import { enclaveDirs, enclavePaths, readConfig, readCrlDir, type EnclaveConfig } from './layout.js';
import { recoverEnclaveDir } from './recover.js';
import { loadPolicyState } from './store.js';
import { partnerAnchors, readTrustStore, type TrustStoreBody } from './trust.js';

/** Renew a certificate this many days before it expires; fetch CRLs this many days before nextUpdate. */
export const RENEW_DAYS = 30;
export const CRL_DAYS = 7;

export interface CertStatus {
  role: 'gateway-signing' | 'enclave-ca' | 'regional-ca' | 'kem' | 'root';
  subject: string;
  alg: string;
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  validityDays: number;
}

export interface EnclaveFacts {
  dir: string;
  config: EnclaveConfig;
  installed: boolean;
  chainOk: boolean;
  chainError?: { code: string; message: string };
  certs: CertStatus[];
  /** Signature algorithms of the certificates in certs/ (names). */
  signatureAlgorithms: string[];
  crls: { issuer: string; thisUpdate: string; nextUpdate?: string; fresh: boolean; daysLeft?: number }[];
  keys: { file: string; role: string; encrypted: boolean; present: boolean }[];
  agreements: { id: string; peer: string; layers: string[]; levels: string[]; notAfter: string; inForce: boolean; state: string }[];
  partners: { ok: boolean; error?: { code: string; message: string }; anchors: { id: string; label: string; permittedUris: string[]; levels: string[]; maxPathLen?: number }[] };
  due: { what: string; by: string; overdue: boolean }[];
}

const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');
const days = (ms: number): number => Math.floor(ms / 86_400_000);
const algOf = (c: Certificate): string => OID_NAMES[c.spki.algorithm.oid] ?? c.spki.algorithm.oid;

function keyEncrypted(file: string): boolean {
  const b = readBlocks(file)[0];
  return b?.label === 'ENCRYPTED PRIVATE KEY';
}

/** Everything status and diff report, from public files only. */
export function enclaveFacts(dir: string, now: Date): EnclaveFacts {
  const p = enclavePaths(dir);
  recoverEnclaveDir(p.root, enclaveDirs(p)); // an interrupted install is rolled back or finished first ("Crash safety")
  if (!fs.existsSync(p.config)) throw new WritError('IO', `${p.root} is not an enclave directory (no enclave.json)`);
  const config = readConfig(p.config);
  const installed = fs.existsSync(p.chain) && fs.existsSync(p.kemCert) && fs.existsSync(p.anchors);
  const facts: EnclaveFacts = { dir: p.root, config, installed, chainOk: false, certs: [], signatureAlgorithms: [], crls: [], keys: [], agreements: [], partners: { ok: true, anchors: [] }, due: [] };
  for (const [file, role] of [[p.caKey, 'enclave-ca'], [p.signingKey, 'gateway-signing'], [p.kemKey, 'kem']] as const) {
    const present = fs.existsSync(file);
    facts.keys.push({ file: path.relative(p.root, file), role, present, encrypted: present && keyEncrypted(file) });
  }
  if (!installed) {
    facts.due.push({ what: 'install a provisioning bundle (writ enclave install BUNDLE --into DIR)', by: iso(now), overdue: true });
    return facts;
  }
  const chain = readCerts(p.chain);
  const kem = readCerts(p.kemCert)[0]!;
  const roots = readCerts(p.anchors);
  const anchors: TrustAnchor[] = roots.map((cert) => ({ cert }));
  const crls = readCrlDir(p.crlDir);
  const v = verify({ leaf: chain[0]!, untrusted: chain.slice(1), crls }, anchors, { now, identity: `${config.identity}/gateway`, level: config.level, purpose: EKU_WRIT_GATEWAY_SIGNING });
  facts.chainOk = v.ok;
  if (!v.ok && v.errors[0]) facts.chainError = { code: v.errors[0].code, message: v.errors[0].message };
  const roles: CertStatus['role'][] = ['gateway-signing', 'enclave-ca', 'regional-ca'];
  const add = (c: Certificate, role: CertStatus['role']): void => {
    facts.certs.push({ role, subject: c.subject.text, alg: algOf(c), notBefore: iso(c.notBefore), notAfter: iso(c.notAfter), daysLeft: days(c.notAfter.getTime() - now.getTime()), validityDays: days(c.notAfter.getTime() - c.notBefore.getTime()) });
  };
  chain.slice(0, 3).forEach((c, i) => add(c, roles[i]!));
  add(kem, 'kem');
  roots.forEach((c) => add(c, 'root'));
  facts.signatureAlgorithms = [...new Set([...chain, kem].map((c) => OID_NAMES[c.signatureAlgorithm.oid] ?? c.signatureAlgorithm.oid))].sort();
  for (const c of facts.certs) {
    if (c.role === 'root' || c.role === 'regional-ca') continue;
    if (c.daysLeft < RENEW_DAYS) facts.due.push({ what: `renew the ${c.role} certificate (expires ${c.notAfter})`, by: iso(new Date(Date.parse(c.notAfter) - RENEW_DAYS * 86_400_000)), overdue: c.daysLeft < 0 });
  }
  for (const c of crls) {
    const fresh = now >= c.thisUpdate && (c.nextUpdate === undefined || now <= c.nextUpdate);
    const left = c.nextUpdate ? days(c.nextUpdate.getTime() - now.getTime()) : undefined;
    facts.crls.push({ issuer: c.issuer.text, thisUpdate: iso(c.thisUpdate), ...(c.nextUpdate ? { nextUpdate: iso(c.nextUpdate) } : {}), fresh, ...(left !== undefined ? { daysLeft: left } : {}) });
    if (c.nextUpdate && (!fresh || (left !== undefined && left < CRL_DAYS))) {
      facts.due.push({ what: `fetch a fresh CRL from ${c.issuer.text} (nextUpdate ${iso(c.nextUpdate)})`, by: iso(c.nextUpdate), overdue: !fresh });
    }
  }
  let trustAnchors = anchors;
  if (fs.existsSync(p.partners)) {
    try {
      const body: TrustStoreBody = readTrustStore(p.partners, { identity: config.identity, signingCert: chain[0]! });
      facts.partners.anchors = body.anchors.map((a) => ({ id: a.id, label: a.label, permittedUris: a.permittedUris, levels: a.levels, ...(a.maxPathLen !== undefined ? { maxPathLen: a.maxPathLen } : {}) }));
      trustAnchors = [...anchors, ...partnerAnchors(body)];
    } catch (e) {
      facts.partners.ok = false;
      facts.partners.error = { code: e instanceof WritError ? e.code : 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
      facts.due.push({ what: `trust/partners.json does not verify (${facts.partners.error.code}): restore it from a backup, or delete it and add the anchors again with writ trust add`, by: iso(now), overdue: true });
    }
  }
  const crossingAuthorities = fs.existsSync(p.crossingAuthorities) ? readCerts(p.crossingAuthorities) : [];
  const policy = loadPolicyState(p, { self: config.identity, trust: { anchors: trustAnchors, crls, now }, crossingAuthorities });
  for (const a of policy.agreements) {
    const ag = a.agreement;
    const withdrawn = isWithdrawn(policy, ag.id) !== undefined;
    const active = agreementActive(ag, now);
    const state = withdrawn ? 'withdrawn' : !a.complete ? 'proposed' : active ? 'in force' : 'expired or not yet valid';
    facts.agreements.push({
      id: ag.id,
      peer: ag.parties.find((x) => x !== config.identity) ?? '?',
      layers: Object.entries(ag.layers).filter(([, on]) => on).map(([l]) => l),
      levels: ag.levels.map((l) => levelName(l) ?? l),
      notAfter: ag.notAfter,
      inForce: state === 'in force',
      state,
    });
  }
  if (!facts.chainOk) facts.due.unshift({ what: `the gateway chain does not verify (${facts.chainError?.code ?? '?'}): ${facts.chainError?.message ?? ''}`, by: iso(now), overdue: true });
  return facts;
}

export function statusText(f: EnclaveFacts): string {
  const c = f.config;
  const lines = [`enclave   ${c.identity}`, `region    ${c.region}    level ${levelName(c.level) ?? c.level}    KEM ${c.kemAlg}`];
  if (!f.installed) {
    lines.push('state     initialised, not installed');
  } else {
    lines.push(`chain     ${f.chainOk ? 'verifies' : `DOES NOT VERIFY: ${f.chainError?.code ?? ''} ${f.chainError?.message ?? ''}`}`);
    lines.push('certificates');
    for (const x of f.certs) lines.push(`  ${x.role.padEnd(16)} ${x.alg.padEnd(12)} until ${x.notAfter}  (${x.daysLeft} days)`);
    lines.push('CRLs');
    for (const x of f.crls) lines.push(`  ${x.fresh ? 'fresh' : 'STALE'}  ${x.issuer}  next update ${x.nextUpdate ?? 'none'}${x.daysLeft !== undefined ? `  (${x.daysLeft} days)` : ''}`);
  }
  lines.push(`keys      ${f.keys.filter((k) => k.present).map((k) => `${k.role} ${k.encrypted ? 'encrypted' : 'UNENCRYPTED'}`).join(', ') || 'none'}`);
  lines.push(`partners  ${f.partners.ok ? `${f.partners.anchors.length} constrained anchor(s)` : `STORE DOES NOT VERIFY (${f.partners.error?.code ?? ''})`}`);
  for (const a of f.partners.anchors) lines.push(`  ${a.id}  ${a.label}  uris ${a.permittedUris.join(',')}  levels ${a.levels.map((l) => levelName(l) ?? l).join(',')}${a.maxPathLen !== undefined ? `  maxPath ${a.maxPathLen}` : ''}`);
  const inForce = f.agreements.filter((a) => a.inForce);
  lines.push(`agreements ${inForce.length} in force${f.agreements.length > inForce.length ? `, ${f.agreements.length - inForce.length} other` : ''}`);
  for (const a of f.agreements) lines.push(`  ${a.id}  ${a.peer}  ${a.state}  layers ${a.layers.join(',')}  until ${a.notAfter}`);
  lines.push(f.due.length === 0 ? 'due       nothing' : 'due');
  for (const d of f.due) lines.push(`  ${d.overdue ? 'NOW ' : 'soon'}  ${d.what}${d.overdue ? '' : `, by ${d.by}`}`);
  return lines.join('\n');
}
