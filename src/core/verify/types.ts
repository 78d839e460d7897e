// Types of the pure path validator: trust anchors (RFC 5937 constrained), options and the result object.
//
// verify() never returns a bare boolean (DESIGN.md §6): it returns a VerifyResult saying what it proved
// (path, identity, enclave, region, level) or, on failure, a list of issues with codes from VerifyCode.
import type { VerifyCode, InputCode } from '../errors.js';
import type { Certificate, Crl, KeyUsageName } from '../x509/types.js';
import type { MlDsaKeys } from '../crypto/signature.js';

/** A trust-store entry. Constraints follow RFC 5937: they bound what the anchor may vouch for. */
export interface TrustAnchor {
  cert: Certificate;
  /** Human label for output (defaults to the subject text). */
  label?: string;
  constraints?: {
    /** URI host subtrees (RFC 5280 §4.2.1.10 form: "host" exact, ".domain" any subdomain). */
    permittedUris?: string[];
    /** Level (policy) OIDs the anchor may vouch for; acts as the initial-policy-set. */
    levels?: string[];
    /** Maximum number of intermediate CAs below the anchor. */
    maxPathLen?: number;
  };
}

export interface VerifyInput {
  leaf: Certificate;
  /** Untrusted intermediates to build the path from, in any order. */
  untrusted?: Certificate[];
  /** CRLs to check revocation against; each must be signed by the issuer of the cert it covers. */
  crls?: Crl[];
}

export interface VerifyOptions {
  /** The validation time; the core never reads a clock. */
  now: Date;
  /** Signature/key algorithm OIDs allowed anywhere on the path (default: all supported). */
  allowedAlgorithms?: readonly string[];
  /** Require this level (policy OID) to be proved for the leaf. */
  level?: string;
  /** Require the leaf's identity (URI SAN) to equal this. */
  identity?: string;
  /** Require an extKeyUsage purpose OID on the leaf (anyExtendedKeyUsage also accepted when set). */
  purpose?: string;
  /** Require these keyUsage bits on the leaf when it has a keyUsage extension (RFC 5280 §4.2.1.3). */
  keyUsage?: readonly KeyUsageName[];
  /** Maximum number of intermediate certificates between the leaf and the anchor (default 8). */
  maxIntermediates?: number;
  /**
   * Also enforce RFC 5280 certificate-profile MUSTs on every certificate of the path (extension
   * criticality, AKI/SKI presence, serial number form, SAN syntax, CRLNumber, ...). Off by default:
   * these are issuance rules, and partner PKIs sometimes break them harmlessly.
   */
  strict?: boolean;
  /** When true, every non-anchor certificate on the path must be covered by a CRL (CRL_MISSING otherwise). */
  requireRevocationInfo?: boolean;
  /** RFC 5280 §6.1.1 inputs; defaults: any-policy, all false. */
  initialPolicySet?: readonly string[];
  initialExplicitPolicy?: boolean;
  initialPolicyMappingInhibit?: boolean;
  initialAnyPolicyInhibit?: boolean;
  /**
   * Optional memo of signatures that already verified (src/batch keeps one per batch). Consulted only
   * for the cryptographic check of a certificate's or CRL's signature; every other step still runs.
   */
  signatureMemo?: SignatureMemo;
}

/**
 * A memo of verified signatures, keyed by the signed object's exact DER, the issuer certificate's exact
 * DER (whose key verified it) and the validation time. Only successes are recorded: a miss means "verify
 * it", never "it failed". The implementation owns the hashing (core stays free of caches and state).
 */
export interface SignatureMemo {
  has(signedDer: Uint8Array, issuerDer: Uint8Array, now: Date): boolean;
  add(signedDer: Uint8Array, issuerDer: Uint8Array, now: Date): void;
  /** Optional: the lowercase hex SHA-256 of `der` for the path's fingerprints (it must equal toHex(sha256(der))). */
  sha256Hex?(der: Uint8Array): string;
  /** Optional: prepared ML-DSA issuer keys for the signature checks that do run (see MlDsaKeys). */
  mlDsaKeys?: MlDsaKeys;
}

export interface VerifyIssue {
  code: VerifyCode | InputCode;
  /** Which certificate (or CRL) the issue is about: its subject text, or "leaf". */
  cert: string;
  message: string;
}

export interface PathEntry {
  subject: string;
  issuer: string;
  serial: string;
  /** SHA-256 of the DER, lowercase hex. */
  fingerprint: string;
  notAfter: string;
  trustAnchor: boolean;
}

export type StepName =
  | 'build-path'
  | 'signatures'
  | 'validity'
  | 'basic-constraints'
  | 'key-usage'
  | 'name-constraints'
  | 'policy'
  | 'revocation'
  | 'algorithms'
  | 'critical-extensions'
  | 'profile';

export interface VerifyResult {
  ok: boolean;
  /** Leaf first, trust anchor last. Empty when no path was built. */
  path: PathEntry[];
  /** The leaf's SPIFFE-style URI SAN, when it was proved inside every constraint on the path. */
  identity?: string;
  /** Proved from the enclave CA's name constraint, not from what the leaf claims. */
  enclave?: string;
  region?: string;
  /** Level OID proved by policy processing, and its name when it is one of ours. */
  level?: string;
  levelName?: string;
  steps: { name: StepName; ok: boolean }[];
  errors: VerifyIssue[];
}
