// The parsed, tagged model of X.509 certificates, CRLs and PKCS#10 CSRs (RFC 5280, RFC 2986).
//
// Parsers in src/core/x509 turn DER into these plain objects; everything else in the core (verify,
// inspect, issuance checks) works on them and never touches pkijs/asn1js directly.

export interface AlgorithmId {
  oid: string;
  /** DER of the parameters field, or undefined when the field is absent (RFC 9881 requires absent for ML-DSA). */
  params?: Uint8Array;
}

export interface PublicKeyInfo {
  /** DER of the whole SubjectPublicKeyInfo. */
  der: Uint8Array;
  algorithm: AlgorithmId;
  /** Contents of the subjectPublicKey BIT STRING (no unused-bits octet). */
  publicKey: Uint8Array;
}

export interface AttributeTypeAndValue {
  /** Attribute type OID, e.g. 2.5.4.3 for commonName. */
  type: string;
  /** Short name when known (CN, O, OU, C, L, ST, serialNumber, ...), else the OID. */
  shortName: string;
  /** String value, decoded from whichever ASN.1 string type carried it. */
  value: string;
  /** Universal tag number of the string type (12 UTF8String, 19 PrintableString, ...). */
  tag: number;
}

export interface Name {
  /** DER of the Name (RDNSequence), used for exact comparison. */
  der: Uint8Array;
  /** RDNs in encoding order; each RDN is a set of attributes (ours always have exactly one). */
  rdns: AttributeTypeAndValue[][];
  /** RFC 4514-style text, most significant first as written (e.g. "CN=root, O=writ"). */
  text: string;
}

export type GeneralName =
  | { type: 'uri'; value: string }
  | { type: 'dns'; value: string }
  | { type: 'email'; value: string }
  | { type: 'ip'; value: Uint8Array } // 4 or 16 octets; in name constraints 8 or 32 (address + mask)
  | { type: 'dn'; value: Name }
  | { type: 'other'; tag: number; der: Uint8Array };

export interface GeneralSubtree {
  base: GeneralName;
  minimum?: number;
  maximum?: number;
}

export interface NameConstraints {
  permitted?: GeneralSubtree[];
  excluded?: GeneralSubtree[];
}

export interface PolicyInformation {
  oid: string;
  /** DER of each PolicyQualifierInfo, kept opaque. */
  qualifiers?: Uint8Array[];
}

export interface PolicyConstraints {
  requireExplicitPolicy?: number;
  inhibitPolicyMapping?: number;
}

export interface PolicyMapping {
  issuerDomainPolicy: string;
  subjectDomainPolicy: string;
}

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

export interface Extension {
  oid: string;
  critical: boolean;
  /** Contents of the extnValue OCTET STRING. */
  value: Uint8Array;
}

export interface Certificate {
  der: Uint8Array;
  /** DER of tbsCertificate: the bytes the signature covers. */
  tbs: Uint8Array;
  /** 1, 2 or 3 (the encoded value plus one). */
  version: number;
  /** Serial number as big-endian hex, lowercase, no leading zero octets except for zero itself; "-" + magnitude if negative. */
  serialHex: string;
  /** Serial number contents octets exactly as encoded (two's complement). */
  serialRaw: Uint8Array;
  /** signatureAlgorithm outside the TBS. */
  signatureAlgorithm: AlgorithmId;
  /** signature field inside the TBS (must equal signatureAlgorithm: RFC 5280 §4.1.1.2). */
  tbsSignatureAlgorithm: AlgorithmId;
  signature: Uint8Array;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  spki: PublicKeyInfo;
  extensions: Extension[];

  // Decoded extensions (undefined when absent).
  basicConstraints?: { ca: boolean; pathLen?: number };
  keyUsage?: KeyUsageName[];
  /** extKeyUsage purpose OIDs. */
  extKeyUsage?: string[];
  subjectKeyId?: Uint8Array;
  authorityKeyId?: { keyId?: Uint8Array; issuer?: GeneralName[]; serialHex?: string };
  subjectAltNames?: GeneralName[];
  nameConstraints?: NameConstraints;
  policies?: PolicyInformation[];
  policyConstraints?: PolicyConstraints;
  policyMappings?: PolicyMapping[];
  inhibitAnyPolicy?: number;
  /** OIDs of critical extensions this parser does not understand (path validation must reject them). */
  unhandledCritical: string[];
}

export type CrlReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

/** Every CrlReason, in reasonCode order (RFC 5280 §5.3.1; value 7 is unused). */
export const CRL_REASONS: readonly CrlReason[] = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];

export interface RevokedEntry {
  serialHex: string;
  revocationDate: Date;
  reason?: CrlReason;
}

export interface Crl {
  der: Uint8Array;
  tbs: Uint8Array;
  signatureAlgorithm: AlgorithmId;
  tbsSignatureAlgorithm: AlgorithmId;
  signature: Uint8Array;
  issuer: Name;
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: bigint;
  authorityKeyId?: { keyId?: Uint8Array };
  revoked: RevokedEntry[];
  extensions: Extension[];
  unhandledCritical: string[];
}

export interface Csr {
  der: Uint8Array;
  /** DER of certificationRequestInfo: the bytes the signature covers. */
  info: Uint8Array;
  subject: Name;
  spki: PublicKeyInfo;
  signatureAlgorithm: AlgorithmId;
  signature: Uint8Array;
  /** Extensions from a PKCS#9 extensionRequest attribute, decoded like a certificate's. */
  requestedExtensions: Extension[];
  subjectAltNames?: GeneralName[];
  /** Every attribute of the request (RFC 2986 §4.1), values as DER, extensionRequest included. */
  attributes: { oid: string; values: Uint8Array[] }[];
}
