// Object identifiers used by the X.509 layer (RFC 5280 §4.2, RFC 2986, PKCS #9 RFC 2985) and writ's own.
import { ATTR_ARC } from '../policy/levels.js';

/** Certificate and CRL extensions (RFC 5280 §4.2.1, §5.2, §5.3). */
export const EXT = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  cRLNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  deltaCRLIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  certificateIssuer: '2.5.29.29',
  nameConstraints: '2.5.29.30',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;

export const ANY_POLICY = '2.5.29.32.0';

/** Extended key usage purposes (RFC 5280 §4.2.1.12). */
export const EKU = {
  any: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
} as const;

/** PKCS #9 attributes used in CSRs (RFC 2985 §5.4.2). */
export const PKCS9 = {
  extensionRequest: '1.2.840.113549.1.9.14',
  challengePassword: '1.2.840.113549.1.9.7',
} as const;

/** writ's own identifiers under ATTR_ARC (2.25.<uuid>.2); sub-arc .1 belongs to the X.509 layer. */
export const WRIT_X509_ARC = `${ATTR_ARC}.1`;
/** EKU purpose of an enclave gateway signing certificate (signs envelopes, agreements, audit checkpoints). */
export const EKU_WRIT_GATEWAY_SIGNING = `${WRIT_X509_ARC}.1`;
/**
 * CSR attribute of a KEM certificate request: OCTET STRING holding SHA-256 of the DER of the enclave
 * signing certificate whose key signed the request (see docs/formats.md "KEM certificate requests").
 */
export const ATTR_WRIT_KEM_SIGNER = `${WRIT_X509_ARC}.2`;

/** Hash algorithm identifiers (NIST CSOR). */
export const HASH = {
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

/** Attribute types for distinguished names (X.520, RFC 4519, RFC 4514 §3 short names). */
export const DN_ATTRS: { short: string; oid: string }[] = [
  { short: 'CN', oid: '2.5.4.3' },
  { short: 'SN', oid: '2.5.4.4' },
  { short: 'serialNumber', oid: '2.5.4.5' },
  { short: 'C', oid: '2.5.4.6' },
  { short: 'L', oid: '2.5.4.7' },
  { short: 'ST', oid: '2.5.4.8' },
  { short: 'STREET', oid: '2.5.4.9' },
  { short: 'O', oid: '2.5.4.10' },
  { short: 'OU', oid: '2.5.4.11' },
  { short: 'title', oid: '2.5.4.12' },
  { short: 'GN', oid: '2.5.4.42' },
  { short: 'initials', oid: '2.5.4.43' },
  { short: 'generationQualifier', oid: '2.5.4.44' },
  { short: 'dnQualifier', oid: '2.5.4.46' },
  { short: 'pseudonym', oid: '2.5.4.65' },
  { short: 'organizationIdentifier', oid: '2.5.4.97' },
  { short: 'DC', oid: '0.9.2342.19200300.100.1.25' },
  { short: 'UID', oid: '0.9.2342.19200300.100.1.1' },
  { short: 'emailAddress', oid: '1.2.840.113549.1.9.1' },
];

export function dnShortName(oid: string): string {
  for (const a of DN_ATTRS) if (a.oid === oid) return a.short;
  return oid;
}

export function dnAttrOid(short: string): string | undefined {
  const l = short.toLowerCase();
  for (const a of DN_ATTRS) if (a.short.toLowerCase() === l) return a.oid;
  return undefined;
}
