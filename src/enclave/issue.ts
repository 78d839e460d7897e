// `writ enclave issue` (issue 5): the regional authority checks an enclave's request and writes a signed provisioning bundle (RFC 2986 requests, RFC 5280 issuance, RFC 5652 detached signature).
//
// REGIONAL_DIR (docs/provisioning.md):
//   ca.pem        the regional CA certificate
//   ca.key        its private key (PKCS#8, RFC 9881; encrypted, --pass-file)
//   chain.pem     optional: CA certificates between the regional CA and the root (none in writ's hierarchy)
//   anchors.pem   the root certificate(s)
//   crls/*.crl    the current CRLs (root's and region's), copied into every bundle
//
// The bundle is a directory that mirrors the enclave directory (src/enclave/layout.ts), so install
// copies paths one for one:
//   enclave.json, certs/chain.pem (signing, enclave CA, regional [, chain]), certs/kem.pem,
//   trust/anchors.pem, trust/crls/NN.crl, SHA256SUMS (sha256sum format, sorted),
//   SHA256SUMS.p7s (DER ContentInfo: detached CMS SignedData by the regional CA key over SHA256SUMS)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WritError } from '../core/errors.js';
import type { Rng, Signer } from '../core/crypto/types.js';
import { sha256 } from '../core/crypto/kdf.js';
import { bytesEqual, toHex } from '../core/crypto/bytes.js';
import { verifySignature } from '../core/crypto/signature.js';
import { pemEncode } from '../core/asn1/pem.js';
import { parseDn } from '../core/asn1/name.js';
import { caScope, checkCsr, hostInSubtree, issueCertificate } from '../core/x509/issue.js';
import { parseCertificate } from '../core/x509/parse.js';
import type { Certificate, Crl, Csr } from '../core/x509/types.js';
import { verify } from '../core/verify/verify.js';
import { EKU_WRIT_GATEWAY_SIGNING } from '../core/asn1/oids.js';
import { levelName } from '../core/policy/levels.js';
import { enclaveHost } from '../core/policy/names.js';
import { signCms } from '../core/cms/signed-data.js';
import { readCert, readCerts, readCsr } from '../cli/load.js';
import { ensureDir, writeFileAtomic } from '../cli/io.js';
import { readConfig, readCrlDir, type EnclaveConfig } from './layout.js';
import { REQUEST_FILES, enclaveCaSubject } from './init.js';

export const BUNDLE_FORMAT = 'writ-provisioning-bundle/1';
export const SUMS = 'SHA256SUMS';
export const SUMS_SIG = 'SHA256SUMS.p7s';

export interface RegionalAuthority {
  cert: Certificate;
  signer: Signer;
  /** CA certificates between the regional CA and the root (usually none). */
  chain: Certificate[];
  anchors: Certificate[];
  crls: Crl[];
}

export function regionalPaths(dir: string): { cert: string; key: string; chain: string; anchors: string; crlDir: string } {
  const r = path.resolve(dir);
  return { cert: path.join(r, 'ca.pem'), key: path.join(r, 'ca.key'), chain: path.join(r, 'chain.pem'), anchors: path.join(r, 'anchors.pem'), crlDir: path.join(r, 'crls') };
}

/** Reads REGIONAL_DIR's public part (the key is loaded by the caller). */
export function readRegionalPublic(dir: string): Omit<RegionalAuthority, 'signer'> {
  const p = regionalPaths(dir);
  if (!fs.existsSync(p.cert)) throw new WritError('IO', `${dir} is not a regional authority directory (no ca.pem)`);
  return { cert: readCert(p.cert), chain: fs.existsSync(p.chain) ? readCerts(p.chain) : [], anchors: readCerts(p.anchors), crls: readCrlDir(p.crlDir) };
}

export interface IssueResult {
  bundle: string;
  identity: string;
  level: string;
  levelName?: string;
  enclaveCa: { serial: string; notAfter: string; sha256: string };
  files: string[];
  manifestSha256: string;
}

function iso(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

function issuedBy(cert: Certificate, caCsr: Csr, what: string): void {
  if (!bytesEqual(cert.issuer.der, caCsr.subject.der) || !verifySignature(cert.signatureAlgorithm, caCsr.spki, cert.tbs, cert.signature)) {
    throw new WritError('SIGNATURE', `${what} was not signed by the enclave CA key of ca.csr`);
  }
}

function firstError(v: ReturnType<typeof verify>, what: string): never {
  const e = v.errors[0];
  throw new WritError(e?.code ?? 'NO_PATH', `${what} does not verify through the new chain: ${e?.message ?? 'no path'}`);
}

/**
 * Checks the request in `requestDir` (src/enclave/init.ts) and writes the bundle directory `out`.
 * Refusals: SIGNATURE (a proof of possession or an init-time signature fails), KEY_MISMATCH (a
 * certificate is not for its request's key), IDENTITY (requests disagree with the profile),
 * NAME_CONSTRAINT (the enclave lies outside the region), POLICY (a level the region does not serve),
 * and every verify() code for the leaves through the new chain (CRL_STALE for stale regional CRLs).
 */
export function issueBundle(requestDir: string, ra: RegionalAuthority, out: string, o: { now: Date; rng: Rng; force?: boolean; validityDays?: number }): IssueResult {
  const req = (f: string): string => path.join(requestDir, f);
  const profile: EnclaveConfig = readConfig(req(REQUEST_FILES.profile));
  const host = enclaveHost(profile.enclave, profile.region, profile.domain);

  // Region's scope first: the answer for a misdirected request should say so, not talk about signatures.
  const scope = caScope(ra.cert);
  if (scope.domain !== profile.domain || !scope.uriSubtrees.some((s) => hostInSubtree(host, s))) {
    throw new WritError('NAME_CONSTRAINT', `${profile.identity} lies outside this region's name constraints (${scope.uriSubtrees.join(', ') || 'none'})`);
  }
  if (!scope.levels.includes(profile.level)) {
    throw new WritError('POLICY', `this region does not serve level ${levelName(profile.level) ?? profile.level} (it serves ${scope.levels.map((l) => levelName(l) ?? l).join(', ')})`);
  }

  // Proofs of possession.
  const caCsr = checkCsr(readCsr(req(REQUEST_FILES.caCsr)));
  const signingCsr = checkCsr(readCsr(req(REQUEST_FILES.signingCsr)));
  const signingCert = readCert(req(REQUEST_FILES.signingCert));
  const kemCsr = checkCsr(readCsr(req(REQUEST_FILES.kemCsr)), { signingCert });
  const kemCert = readCert(req(REQUEST_FILES.kemCert));
  if (!bytesEqual(caCsr.subject.der, parseDn(enclaveCaSubject(profile.enclave, profile.region, profile.domain)))) {
    throw new WritError('IDENTITY', `ca.csr asks for subject "${caCsr.subject.text}", not the enclave CA of ${profile.identity}`);
  }
  const caSan = caCsr.subjectAltNames?.find((g) => g.type === 'uri')?.value;
  if (caSan !== profile.identity) throw new WritError('IDENTITY', `ca.csr asks for ${caSan ?? 'no identity'}, but the profile says ${profile.identity}`);
  if (!bytesEqual(signingCert.spki.der, signingCsr.spki.der)) throw new WritError('KEY_MISMATCH', 'signing.pem is not for the key of signing.csr');
  if (!bytesEqual(kemCert.spki.der, kemCsr.spki.der)) throw new WritError('KEY_MISMATCH', 'kem.pem is not for the key of kem.csr');
  issuedBy(signingCert, caCsr, 'signing.pem');
  issuedBy(kemCert, caCsr, 'kem.pem');
  if (kemCert.spki.algorithm.oid !== kemCsr.spki.algorithm.oid) throw new WritError('KEY_MISMATCH', 'kem.pem and kem.csr name different algorithms');

  // Certify the enclave CA key.
  const caDer = issueCertificate(
    {
      profile: 'enclave-ca',
      issuerCert: ra.cert,
      issuerSigner: ra.signer,
      csr: caCsr,
      enclave: profile.enclave,
      region: profile.region,
      levels: [profile.level],
      ...(o.validityDays ? { validityDays: o.validityDays } : {}),
    },
    { now: o.now, rng: o.rng },
  );
  const caCert = parseCertificate(caDer);

  // Both leaves must now verify, exactly as peers will verify them.
  const untrusted = [caCert, ra.cert, ...ra.chain];
  const crls = ra.crls;
  const anchors = ra.anchors.map((cert) => ({ cert }));
  const vs = verify({ leaf: signingCert, untrusted, crls }, anchors, { now: o.now, identity: `${profile.identity}/gateway`, level: profile.level, purpose: EKU_WRIT_GATEWAY_SIGNING, keyUsage: ['digitalSignature'] });
  if (!vs.ok) firstError(vs, 'the gateway signing certificate');
  const vk = verify({ leaf: kemCert, untrusted, crls }, anchors, { now: o.now, identity: `${profile.identity}/kem`, level: profile.level, keyUsage: ['keyEncipherment'] });
  if (!vk.ok) firstError(vk, 'the KEM certificate');

  // The bundle: staged next to `out`, renamed into place when complete.
  const target = path.resolve(out);
  if (fs.existsSync(target) && !o.force) throw new WritError('EXISTS', `${out} already exists; use --force to replace it`);
  ensureDir(path.dirname(target));
  const stage = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  const files: [string, string | Uint8Array][] = [
    ['enclave.json', `${JSON.stringify({ ...profile, bundle: BUNDLE_FORMAT, issued: iso(o.now), regionalCa: toHex(sha256(ra.cert.der)) }, null, 2)}\n`],
    ['certs/chain.pem', [signingCert.der, caDer, ra.cert.der, ...ra.chain.map((c) => c.der)].map((d) => pemEncode('CERTIFICATE', d)).join('')],
    ['certs/kem.pem', pemEncode('CERTIFICATE', kemCert.der)],
    ['trust/anchors.pem', ra.anchors.map((c) => pemEncode('CERTIFICATE', c.der)).join('')],
    ...ra.crls.map((c, i): [string, string] => [`trust/crls/${String(i).padStart(2, '0')}.crl`, pemEncode('X509 CRL', c.der)]),
  ];
  const sums = sumsText(files.map(([name, data]) => [name, typeof data === 'string' ? new TextEncoder().encode(data) : data]));
  const sumsBytes = new TextEncoder().encode(sums);
  const sig = signCms({ content: sumsBytes, detached: true, signers: [{ signer: ra.signer, cert: ra.cert }], certificates: [ra.cert.der, ...ra.chain.map((c) => c.der)], signingTime: o.now });
  try {
    for (const [name, data] of [...files, [SUMS, sums] as [string, string], [SUMS_SIG, sig] as [string, Uint8Array]]) {
      const f = path.join(stage, name);
      ensureDir(path.dirname(f));
      writeFileAtomic(f, data);
    }
    if (fs.existsSync(target)) fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(stage, target);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  return {
    bundle: target,
    identity: profile.identity,
    level: profile.level,
    ...(levelName(profile.level) ? { levelName: levelName(profile.level) as string } : {}),
    enclaveCa: { serial: caCert.serialHex, notAfter: iso(caCert.notAfter), sha256: toHex(sha256(caDer)) },
    files: [...files.map(([n]) => n), SUMS, SUMS_SIG],
    manifestSha256: toHex(sha256(sumsBytes)),
  };
}

/** SHA256SUMS in sha256sum(1) form, sorted by name: "<64 hex>  <name>\n". */
export function sumsText(entries: [string, Uint8Array][]): string {
  return [...entries]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, data]) => `${toHex(sha256(data))}  ${name}\n`)
    .join('');
}

/** Parses SHA256SUMS; PARSE on any malformed line, duplicate or unsafe name. */
export function parseSums(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const r = /^([0-9a-f]{64}) {2}([A-Za-z0-9._/-]+)$/.exec(line);
    if (!r || r[2]!.split('/').some((s) => s === '..' || s === '' || s === '.')) throw new WritError('PARSE', `${SUMS}: malformed line "${line.slice(0, 80)}"`);
    if (m.has(r[2]!)) throw new WritError('PARSE', `${SUMS}: ${r[2]} listed twice`);
    m.set(r[2]!, r[1]!);
  }
  return m;
}
