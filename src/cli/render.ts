// Human and JSON renderings of certificates, CSRs, CRLs, keys and verify results (the `openssl x509 -text` role).
//
// Only public parts are ever rendered: a private key shows its algorithm, form and public-key
// fingerprint, never its seed or expanded key. Fingerprints are SHA-256 over the DER, shown as hex and
// as SLIP-0039 words for reading aloud (DESIGN.md §2).
import { createHash } from 'node:crypto';
import type { AlgorithmId, Certificate, Crl, Csr, Extension, GeneralName, GeneralSubtree, Name, PublicKeyInfo } from '../core/x509/types.js';
import type { VerifyResult } from '../core/verify/types.js';
import { OID_NAMES } from '../core/crypto/algs.js';
import { EXT, EKU, ANY_POLICY, EKU_WRIT_GATEWAY_SIGNING, ATTR_WRIT_KEM_SIGNER } from '../core/asn1/oids.js';
import { levelName } from '../core/policy/levels.js';
import { fingerprintWords } from '../core/words.js';
import { generalNameText, ipText } from '../core/asn1/name.js';
import { toHex } from '../core/crypto/bytes.js';

export const hex = toHex;

/** "ab:cd:ef" form, as openssl prints serials and fingerprints. */
export function hexColon(b: Uint8Array | string): string {
  const h = typeof b === 'string' ? (b.length % 2 ? `0${b}` : b) : hex(b);
  return (h.match(/../g) ?? []).join(':');
}

export function sha256(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(b).digest());
}

export interface Fingerprint {
  sha256: string;
  words: string[];
}

/** SHA-256 fingerprint of some DER, as lowercase hex and as word groups. */
export function fingerprint(der: Uint8Array): Fingerprint {
  const d = sha256(der);
  return { sha256: hex(d), words: fingerprintWords(d) };
}

export function algName(a: AlgorithmId | string): string {
  const oid = typeof a === 'string' ? a : a.oid;
  return OID_NAMES[oid] ?? oid;
}

const EXT_NAMES: Record<string, string> = Object.fromEntries(Object.entries(EXT).map(([k, v]) => [v, k]));
const EKU_NAMES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(EKU).map(([k, v]) => [v, k === 'any' ? 'anyExtendedKeyUsage' : k])),
  [EKU_WRIT_GATEWAY_SIGNING]: 'writGatewaySigning',
};

export function ekuName(oid: string): string {
  return EKU_NAMES[oid] ?? oid;
}

export function policyName(oid: string): string {
  if (oid === ANY_POLICY) return 'anyPolicy';
  const n = levelName(oid);
  return n ? `level ${n} (${oid})` : oid;
}

export const renderGeneralName = (g: GeneralName): string => generalNameText(g);

function renderSubtree(s: GeneralSubtree): string {
  return renderGeneralName(s.base);
}

export function generalNameJson(g: GeneralName): Record<string, unknown> {
  switch (g.type) {
    case 'ip':
      return { type: 'ip', value: ipText(g.value) };
    case 'dn':
      return { type: 'dn', value: g.value.text };
    case 'other':
      return { type: 'other', tag: g.tag, der: hex(g.der) };
    default:
      return { type: g.type, value: g.value };
  }
}

function nameText(n: Name): string {
  return n.text === '' ? '(empty)' : n.text;
}

function publicKeyLine(spki: PublicKeyInfo): string {
  return `${algName(spki.algorithm)}, ${spki.publicKey.length} bytes`;
}

function iso(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

/** One line per extension, decoded where the parser decoded it. */
function extensionLines(c: Certificate): string[] {
  const out: string[] = [];
  for (const e of c.extensions) {
    const name = EXT_NAMES[e.oid] ?? e.oid;
    const crit = e.critical ? ' (critical)' : '';
    out.push(`${name}${crit}: ${extensionValue(c, e)}`);
  }
  return out;
}

function extensionValue(c: Certificate, e: Extension): string {
  switch (e.oid) {
    case EXT.basicConstraints: {
      const bc = c.basicConstraints;
      if (!bc) break;
      return `CA:${bc.ca ? 'TRUE' : 'FALSE'}${bc.pathLen !== undefined ? `, pathlen:${bc.pathLen}` : ''}`;
    }
    case EXT.keyUsage:
      if (c.keyUsage) return c.keyUsage.join(', ');
      break;
    case EXT.extKeyUsage:
      if (c.extKeyUsage) return c.extKeyUsage.map(ekuName).join(', ');
      break;
    case EXT.subjectKeyIdentifier:
      if (c.subjectKeyId) return hexColon(c.subjectKeyId);
      break;
    case EXT.authorityKeyIdentifier:
      if (c.authorityKeyId?.keyId) return `keyid:${hexColon(c.authorityKeyId.keyId)}`;
      break;
    case EXT.subjectAltName:
      if (c.subjectAltNames) return c.subjectAltNames.map(renderGeneralName).join(', ');
      break;
    case EXT.nameConstraints: {
      const nc = c.nameConstraints;
      if (!nc) break;
      const parts: string[] = [];
      if (nc.permitted?.length) parts.push(`permitted ${nc.permitted.map(renderSubtree).join(', ')}`);
      if (nc.excluded?.length) parts.push(`excluded ${nc.excluded.map(renderSubtree).join(', ')}`);
      return parts.join('; ') || '(empty)';
    }
    case EXT.certificatePolicies:
      if (c.policies) return c.policies.map((p) => policyName(p.oid)).join(', ');
      break;
    case EXT.policyConstraints: {
      const pc = c.policyConstraints;
      if (!pc) break;
      const parts: string[] = [];
      if (pc.requireExplicitPolicy !== undefined) parts.push(`requireExplicitPolicy:${pc.requireExplicitPolicy}`);
      if (pc.inhibitPolicyMapping !== undefined) parts.push(`inhibitPolicyMapping:${pc.inhibitPolicyMapping}`);
      return parts.join(', ');
    }
    case EXT.policyMappings:
      if (c.policyMappings) return c.policyMappings.map((m) => `${m.issuerDomainPolicy} -> ${m.subjectDomainPolicy}`).join(', ');
      break;
    case EXT.inhibitAnyPolicy:
      if (c.inhibitAnyPolicy !== undefined) return `skipCerts:${c.inhibitAnyPolicy}`;
      break;
  }
  return `${e.value.length} bytes: ${hex(e.value.subarray(0, 32))}${e.value.length > 32 ? '…' : ''}`;
}

const I = '    ';

function fingerprintLines(label: string, fp: Fingerprint): string[] {
  return [`${label} SHA-256: ${hexColon(fp.sha256)}`, `${I}words: ${fp.words.join(' / ')}`];
}

export function certText(c: Certificate): string {
  const fp = fingerprint(c.der);
  const lines = [
    'Certificate:',
    `${I}Version: ${c.version}`,
    `${I}Serial: ${hexColon(c.serialHex)}`,
    `${I}Signature algorithm: ${algName(c.signatureAlgorithm)}`,
    `${I}Issuer: ${nameText(c.issuer)}`,
    `${I}Validity:`,
    `${I}${I}Not before: ${iso(c.notBefore)}`,
    `${I}${I}Not after:  ${iso(c.notAfter)}`,
    `${I}Subject: ${nameText(c.subject)}`,
    `${I}Public key: ${publicKeyLine(c.spki)}`,
    `${I}${I}SPKI SHA-256: ${hexColon(fingerprint(c.spki.der).sha256)}`,
  ];
  const ext = extensionLines(c);
  if (ext.length) {
    lines.push(`${I}Extensions:`);
    for (const l of ext) lines.push(`${I}${I}${l}`);
  }
  lines.push(`${I}Signature: ${algName(c.signatureAlgorithm)}, ${c.signature.length} bytes`);
  for (const l of fingerprintLines('Fingerprint', fp)) lines.push(`${I}${l}`);
  return lines.join('\n');
}

export function certJson(c: Certificate): Record<string, unknown> {
  return {
    kind: 'certificate',
    version: c.version,
    serial: c.serialHex,
    signatureAlgorithm: { oid: c.signatureAlgorithm.oid, name: algName(c.signatureAlgorithm) },
    issuer: c.issuer.text,
    subject: c.subject.text,
    notBefore: iso(c.notBefore),
    notAfter: iso(c.notAfter),
    publicKey: {
      algorithm: { oid: c.spki.algorithm.oid, name: algName(c.spki.algorithm) },
      bytes: c.spki.publicKey.length,
      spkiSha256: fingerprint(c.spki.der).sha256,
    },
    basicConstraints: c.basicConstraints,
    keyUsage: c.keyUsage,
    extKeyUsage: c.extKeyUsage?.map((o) => ({ oid: o, name: ekuName(o) })),
    subjectKeyId: c.subjectKeyId ? hex(c.subjectKeyId) : undefined,
    authorityKeyId: c.authorityKeyId?.keyId ? hex(c.authorityKeyId.keyId) : undefined,
    subjectAltNames: c.subjectAltNames?.map(generalNameJson),
    nameConstraints: c.nameConstraints
      ? {
          permitted: c.nameConstraints.permitted?.map((s) => generalNameJson(s.base)),
          excluded: c.nameConstraints.excluded?.map((s) => generalNameJson(s.base)),
        }
      : undefined,
    policies: c.policies?.map((p) => ({ oid: p.oid, level: levelName(p.oid) })),
    policyConstraints: c.policyConstraints,
    extensions: c.extensions.map((e) => ({ oid: e.oid, name: EXT_NAMES[e.oid], critical: e.critical })),
    fingerprint: fingerprint(c.der),
  };
}

export function csrText(r: Csr): string {
  const lines = [
    'Certificate request:',
    `${I}Subject: ${nameText(r.subject)}`,
    `${I}Public key: ${publicKeyLine(r.spki)}`,
    `${I}${I}SPKI SHA-256: ${hexColon(fingerprint(r.spki.der).sha256)}`,
    `${I}Signature algorithm: ${algName(r.signatureAlgorithm)}, ${r.signature.length} bytes`,
  ];
  if (r.subjectAltNames?.length) lines.push(`${I}Requested subjectAltName: ${r.subjectAltNames.map(renderGeneralName).join(', ')}`);
  const others = r.requestedExtensions.filter((e) => e.oid !== EXT.subjectAltName);
  if (others.length) lines.push(`${I}Other requested extensions: ${others.map((e) => EXT_NAMES[e.oid] ?? e.oid).join(', ')}`);
  if (r.spki.algorithm.oid !== r.signatureAlgorithm.oid) {
    lines.push(`${I}Note: signed by a different key than the one requested (KEM request; see attribute ${ATTR_WRIT_KEM_SIGNER})`);
  }
  for (const l of fingerprintLines('Fingerprint', fingerprint(r.der))) lines.push(`${I}${l}`);
  return lines.join('\n');
}

export function csrJson(r: Csr): Record<string, unknown> {
  return {
    kind: 'csr',
    subject: r.subject.text,
    publicKey: {
      algorithm: { oid: r.spki.algorithm.oid, name: algName(r.spki.algorithm) },
      bytes: r.spki.publicKey.length,
      spkiSha256: fingerprint(r.spki.der).sha256,
    },
    signatureAlgorithm: { oid: r.signatureAlgorithm.oid, name: algName(r.signatureAlgorithm) },
    subjectAltNames: r.subjectAltNames?.map(generalNameJson),
    requestedExtensions: r.requestedExtensions.map((e) => ({ oid: e.oid, name: EXT_NAMES[e.oid], critical: e.critical })),
    fingerprint: fingerprint(r.der),
  };
}

export function crlText(l: Crl): string {
  const lines = [
    'Certificate revocation list:',
    `${I}Issuer: ${nameText(l.issuer)}`,
    `${I}Signature algorithm: ${algName(l.signatureAlgorithm)}, ${l.signature.length} bytes`,
    `${I}This update: ${iso(l.thisUpdate)}`,
    `${I}Next update: ${l.nextUpdate ? iso(l.nextUpdate) : '(none)'}`,
  ];
  if (l.crlNumber !== undefined) lines.push(`${I}CRL number: ${l.crlNumber}`);
  if (l.authorityKeyId?.keyId) lines.push(`${I}Authority key id: ${hexColon(l.authorityKeyId.keyId)}`);
  if (l.revoked.length === 0) lines.push(`${I}Revoked certificates: none`);
  else {
    lines.push(`${I}Revoked certificates (${l.revoked.length}):`);
    for (const r of l.revoked) {
      lines.push(`${I}${I}Serial ${hexColon(r.serialHex)}  revoked ${iso(r.revocationDate)}${r.reason ? `  reason ${r.reason}` : ''}`);
    }
  }
  for (const x of fingerprintLines('Fingerprint', fingerprint(l.der))) lines.push(`${I}${x}`);
  return lines.join('\n');
}

export function crlJson(l: Crl): Record<string, unknown> {
  return {
    kind: 'crl',
    issuer: l.issuer.text,
    signatureAlgorithm: { oid: l.signatureAlgorithm.oid, name: algName(l.signatureAlgorithm) },
    thisUpdate: iso(l.thisUpdate),
    nextUpdate: l.nextUpdate ? iso(l.nextUpdate) : undefined,
    crlNumber: l.crlNumber?.toString(),
    authorityKeyId: l.authorityKeyId?.keyId ? hex(l.authorityKeyId.keyId) : undefined,
    revoked: l.revoked.map((r) => ({ serial: r.serialHex, date: iso(r.revocationDate), reason: r.reason })),
    fingerprint: fingerprint(l.der),
  };
}

/** What inspect may say about a private key: never the secret itself. */
export interface KeySummary {
  kind: 'private-key' | 'encrypted-private-key' | 'public-key';
  algorithm?: string;
  form?: string;
  encryption?: string;
  /** DER of the public key's SubjectPublicKeyInfo, when known. */
  spki?: Uint8Array;
}

export function keyText(k: KeySummary): string {
  const title =
    k.kind === 'private-key' ? 'Private key (PKCS#8, unencrypted)' : k.kind === 'encrypted-private-key' ? 'Private key (PKCS#8, encrypted)' : 'Public key';
  const lines = [`${title}:`];
  if (k.algorithm) lines.push(`${I}Algorithm: ${k.algorithm}`);
  if (k.form) lines.push(`${I}Private key form: ${k.form} (not shown)`);
  if (k.encryption) lines.push(`${I}Encryption: ${k.encryption}`);
  if (k.spki) for (const l of fingerprintLines('Public key', fingerprint(k.spki))) lines.push(`${I}${l}`);
  else if (k.kind === 'encrypted-private-key') lines.push(`${I}(give --pass-file to show the algorithm and public key fingerprint)`);
  return lines.join('\n');
}

export function keyJson(k: KeySummary): Record<string, unknown> {
  return {
    kind: k.kind,
    algorithm: k.algorithm,
    form: k.form,
    encryption: k.encryption,
    publicKeyFingerprint: k.spki ? fingerprint(k.spki) : undefined,
  };
}

/** A verify result in a few lines: verdict, what was proved, the path, and every error with its code. */
export function verifyText(r: VerifyResult): string {
  const lines: string[] = [];
  if (r.ok) {
    lines.push('VALID');
    if (r.identity) lines.push(`  identity: ${r.identity}`);
    if (r.enclave) lines.push(`  enclave:  ${r.enclave}`);
    if (r.region) lines.push(`  region:   ${r.region}`);
    if (r.level) lines.push(`  level:    ${r.levelName ? `${r.levelName} (${r.level})` : r.level}`);
  } else {
    lines.push(`INVALID: ${[...new Set(r.errors.map((e) => e.code))].join(', ') || 'unknown reason'}`);
    for (const e of r.errors) lines.push(`  ${e.code}: ${e.cert}: ${e.message}`);
  }
  if (r.path.length) {
    lines.push('  path:');
    r.path.forEach((p, i) => lines.push(`    ${i}. ${p.subject}${p.trustAnchor ? '  [trust anchor]' : ''}  sha256:${p.fingerprint.slice(0, 16)}…`));
  }
  return lines.join('\n');
}

/** The --json document of `verify chain` (issue 2: ok, path, identity, enclave, region, level, errors). */
export function verifyJson(r: VerifyResult): Record<string, unknown> {
  return {
    ok: r.ok,
    path: r.path,
    identity: r.identity ?? null,
    enclave: r.enclave ?? null,
    region: r.region ?? null,
    level: r.level ?? null,
    levelName: r.levelName ?? null,
    errors: r.errors,
    steps: r.steps,
  };
}

export { toJson } from './context.js';

/** A few lines about a certificate just issued (the full text is `writ inspect`). */
export function certSummary(c: Certificate): string {
  const fp = fingerprint(c.der);
  const san = c.subjectAltNames?.find((g) => g.type === 'uri');
  const lines = [
    `subject:  ${nameText(c.subject)}`,
    `issuer:   ${nameText(c.issuer)}`,
    `serial:   ${c.serialHex}`,
    `valid:    ${iso(c.notBefore)} .. ${iso(c.notAfter)}`,
    `key:      ${publicKeyLine(c.spki)}`,
  ];
  if (san) lines.push(`identity: ${san.value}`);
  if (c.policies?.length) lines.push(`levels:   ${c.policies.map((p) => levelName(p.oid) ?? p.oid).join(', ')}`);
  lines.push(`SHA-256:  ${hexColon(fp.sha256)}`, `words:    ${fp.words.join(' / ')}`);
  return lines.join('\n');
}

export function csrSummary(r: Csr): string {
  const fp = fingerprint(r.der);
  const san = r.subjectAltNames?.find((g) => g.type === 'uri');
  const lines = [`subject:  ${nameText(r.subject)}`, `key:      ${publicKeyLine(r.spki)}`];
  if (san) lines.push(`identity: ${san.value}`);
  lines.push(`signed:   ${algName(r.signatureAlgorithm)}`, `SHA-256:  ${hexColon(fp.sha256)}`);
  return lines.join('\n');
}

export function crlSummary(l: Crl): string {
  const fp = fingerprint(l.der);
  return [
    `issuer:      ${nameText(l.issuer)}`,
    `this update: ${iso(l.thisUpdate)}`,
    `next update: ${l.nextUpdate ? iso(l.nextUpdate) : '(none)'}`,
    `revoked:     ${l.revoked.length ? l.revoked.map((r) => `${r.serialHex}${r.reason ? ` (${r.reason})` : ''}`).join(', ') : 'none'}`,
    `SHA-256:     ${hexColon(fp.sha256)}`,
  ].join('\n');
}
