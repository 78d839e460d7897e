// Optional strict step: RFC 5280 certificate-profile MUSTs (§4.1.2.2 serial, §4.1.2.4 issuer, §4.1.2.6 subject,
// §4.2 unique extensions, §4.2.1.1/.2 AKI/SKI, §4.2.1.3 keyCertSign vs cA, §4.2.1.6 SAN, §4.2.1.9-.11,
// §4.2.1.14, §4.2.2.1 AIA) applied to every certificate on the path, the trust anchor's included.
//
// These are rules for issuers, not for path validation proper; relying parties that want to refuse
// non-conforming certificates (and the x509-limbo rfc5280 cases) turn them on with options.strict.
import type { Certificate } from '../x509/types.js';
import type { PathContext } from './context.js';
import { isDnsName } from './name-constraints.js';
import type { VerifyIssue } from './types.js';
import { certLabel, isSelfIssued, issue, sameCert } from './util.js';

const EXT = {
  aki: '2.5.29.35',
  ski: '2.5.29.14',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  policyConstraints: '2.5.29.36',
  inhibitAnyPolicy: '2.5.29.54',
  san: '2.5.29.17',
  aia: '1.3.6.1.5.5.7.1.1',
} as const;

function certProblems(c: Certificate, role: 'anchor' | 'intermediate' | 'leaf'): string[] {
  const p: string[] = [];
  const ext = (oid: string) => c.extensions.find((e) => e.oid === oid);
  const seen = new Set<string>();
  for (const e of c.extensions) {
    if (seen.has(e.oid)) p.push(`extension ${e.oid} appears more than once (§4.2)`);
    seen.add(e.oid);
  }
  // The anchor is an input to validation (RFC 5280 §6.1.1 (d)), not a certificate we judge as issued:
  // serial and AKI rules do not apply to it (real roots with serial 0, or cross-signed without AKI, exist).
  if (role !== 'anchor') {
    const serial = c.serialRaw;
    if (serial.length > 20) p.push('serial number longer than 20 octets (§4.1.2.2)');
    if (serial.length > 0 && ((serial[0] as number) & 0x80) !== 0) p.push('negative serial number (§4.1.2.2)');
    if (serial.every((b) => b === 0)) p.push('serial number zero (§4.1.2.2)');
  }
  if (c.issuer.rdns.length === 0) p.push('empty issuer name (§4.1.2.4)');
  const isCa = c.basicConstraints?.ca === true;
  if (isCa && c.subject.rdns.length === 0) p.push('CA certificate with an empty subject (§4.1.2.6)');
  if (c.extensions.length > 0 && c.version !== 3) p.push('extensions in a certificate that is not version 3 (§4.1.2.1)');

  const aki = ext(EXT.aki);
  if (aki?.critical) p.push('authorityKeyIdentifier marked critical (§4.2.1.1)');
  if (!aki && !isSelfIssued(c) && role !== 'anchor') p.push('authorityKeyIdentifier missing (§4.2.1.1)');
  const ski = ext(EXT.ski);
  if (ski?.critical) p.push('subjectKeyIdentifier marked critical (§4.2.1.2)');
  if (!ski && (isCa || role !== 'leaf')) p.push('subjectKeyIdentifier missing in a CA certificate (§4.2.1.2)');
  const bc = ext(EXT.basicConstraints);
  if (role !== 'leaf' && bc && !bc.critical) p.push('basicConstraints not critical in a CA certificate (§4.2.1.9)');
  if (c.keyUsage?.includes('keyCertSign') && !isCa) p.push('keyUsage keyCertSign without basicConstraints cA (§4.2.1.3)');
  if (c.basicConstraints?.pathLen !== undefined && (!isCa || (c.keyUsage !== undefined && !c.keyUsage.includes('keyCertSign')))) {
    p.push('pathLenConstraint without cA and keyCertSign (§4.2.1.9)');
  }
  const nc = ext(EXT.nameConstraints);
  if (nc && !isCa) p.push('nameConstraints in a certificate that is not a CA (§4.2.1.10)');
  if (nc && !nc.critical) p.push('nameConstraints not critical (§4.2.1.10)');
  if (nc && c.nameConstraints && (c.nameConstraints.permitted ?? []).length === 0 && (c.nameConstraints.excluded ?? []).length === 0) {
    p.push('nameConstraints with neither permitted nor excluded subtrees (§4.2.1.10)');
  }
  const pc = ext(EXT.policyConstraints);
  if (pc && !pc.critical) p.push('policyConstraints not critical (§4.2.1.11)');
  const iap = ext(EXT.inhibitAnyPolicy);
  if (iap && !iap.critical) p.push('inhibitAnyPolicy not critical (§4.2.1.14)');
  const aia = ext(EXT.aia);
  if (aia?.critical) p.push('authorityInformationAccess marked critical (§4.2.2.1)');
  const san = ext(EXT.san);
  if (c.subject.rdns.length === 0 && (!san || !san.critical)) p.push('empty subject without a critical subjectAltName (§4.2.1.6)');
  for (const n of c.subjectAltNames ?? []) {
    if (n.type === 'dns') {
      const v = n.value.startsWith('*.') ? n.value.slice(2) : n.value;
      if (!isDnsName(v) || /^[0-9.]+$/.test(v)) p.push(`dNSName "${n.value}" is not in preferred name syntax (§4.2.1.6)`);
    }
    if (n.type === 'ip' && n.value.length !== 4 && n.value.length !== 16) p.push('iPAddress SAN is not 4 or 16 octets (§4.2.1.6)');
  }
  if (san && c.subjectAltNames !== undefined && c.subjectAltNames.length === 0) p.push('empty subjectAltName (§4.2.1.6)');
  return p;
}

export function profileStep(ctx: PathContext): VerifyIssue[] {
  const out: VerifyIssue[] = [];
  const n = ctx.chain.length;
  const push = (c: Certificate, role: 'anchor' | 'intermediate' | 'leaf') => {
    for (const m of certProblems(c, role)) out.push(issue('MALFORMED_CERT', certLabel(c), m));
  };
  if (!(n === 1 && sameCert(ctx.chain[0] as Certificate, ctx.anchor.cert))) push(ctx.anchor.cert, 'anchor');
  ctx.chain.forEach((c, i) => push(c, i === n - 1 ? 'leaf' : 'intermediate'));
  return out;
}
