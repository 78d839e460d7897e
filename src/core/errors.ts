// WritError: the one error type of the core, with a closed union of codes (DESIGN.md §6).
//
// Every failure the core can report has a code from this union, a message a person can act on, and
// an optional `cause`. The CLI maps codes to exit codes in one table (src/cli/exit.ts); nothing else
// decides an exit code.

/** Codes for malformed or unsupported input. */
export type InputCode =
  | 'PARSE' // bytes are not the structure they claim to be (DER, PEM, JSON, ...)
  | 'UNSUPPORTED_ALG' // a well-formed algorithm identifier we do not implement
  | 'UNSUPPORTED' // a well-formed structure or feature we do not implement
  | 'LIMIT'; // an input exceeds a documented limit

/** Codes produced by certificate path validation (src/core/verify) and by signature checks. */
export type VerifyCode =
  | 'NO_PATH' // no chain from the leaf to a trust anchor (wrong issuer, missing intermediate)
  | 'SIGNATURE' // a signature does not verify
  | 'EXPIRED' // `now` is after notAfter
  | 'NOT_YET_VALID' // `now` is before notBefore
  | 'NOT_CA' // an issuer is not a CA (basicConstraints / keyCertSign)
  | 'PATH_LEN' // a pathLenConstraint (or an anchor's path length limit) is exceeded
  | 'KEY_USAGE' // keyUsage forbids the use made of the key
  | 'EKU' // extKeyUsage does not allow the purpose
  | 'NAME_CONSTRAINT' // a name lies outside the permitted subtrees, or inside an excluded one
  | 'POLICY' // RFC 5280 §6.1 policy processing failed, or the level is not allowed
  | 'REVOKED' // a certificate on the path is on a valid CRL
  | 'CRL_SIGNATURE' // a CRL's signature does not verify under its issuer's key
  | 'CRL_ISSUER' // a CRL was not issued by the certificate's issuer
  | 'CRL_STALE' // a CRL is past its nextUpdate (or not yet valid) at `now`
  | 'CRL_MISSING' // revocation status was required but no CRL covers the certificate
  | 'ALG_NOT_ALLOWED' // an algorithm on the path is not on the allow-list
  | 'CRITICAL_EXTENSION' // an unrecognised critical extension
  | 'IDENTITY' // the proved identity is not the one asked for
  | 'MALFORMED_CERT'; // a certificate breaks an RFC 5280 encoding rule that makes it unusable

/** Codes for keys, passphrases and files. */
export type KeyCode =
  | 'KEY_MISMATCH' // a private key does not match the public key or certificate it should
  | 'BAD_PASSPHRASE' // decryption under the given passphrase failed
  | 'INSECURE'; // an insecure choice was made without its explicit flag

/** Codes of SLIP-39 shares, share files and ceremonies (issue 3). */
export type CeremonyCode =
  | 'QUORUM' // fewer approvals or shares than the threshold
  | 'SHARE_MISMATCH' // a share does not belong with the others, or does not match its commitment
  | 'SHARE_CHECKSUM' // a mnemonic's RS1024 checksum (or a word) is wrong
  | 'SHARE_DUPLICATE' // the same share (or member index) was given twice
  | 'SHARE_FOREIGN' // a share from another ceremony / secret (identifier differs)
  | 'APPROVAL_DIGEST' // an approval over a different to-be-signed digest or ceremony id
  | 'APPROVAL_DUPLICATE' // a second approval from the same custodian key
  | 'APPROVAL_UNKNOWN_KEY' // an approval from a key that was not enrolled
  | 'SCRIPT' // a ceremony script breaks its schema or its own rules
  | 'ABORTED'; // a ceremony was aborted; nothing was written

/** Codes of hash-chained, signed logs: ceremony transcripts and enclave audit logs. */
export type LogCode =
  | 'CHAIN_EDITED' // a line's content no longer matches the hash the next line holds
  | 'CHAIN_REORDERED' // lines out of hash-chain order
  | 'CHAIN_TRUNCATED' // lines missing at the end (no closing record, or fewer than a checkpoint covers)
  | 'CHAIN_APPENDED' // lines after the closing record or beyond the last checkpoint's signature
  | 'CHAIN_DELETED' // a line missing in the middle
  | 'CHECKPOINT' // a forged or invalid signed checkpoint / closing signature
  | 'ARTIFACT_MISMATCH' // an output file's hash differs from the one the transcript names
  | 'APPROVAL_MISSING'; // a signing step lacks its quorum of recorded approvals

/** Codes of envelopes and federation (issue 4): a refusal yields a reason, never a fallback. */
export type EnvelopeCode =
  | 'REFUSED_NO_AGREEMENT'
  | 'REFUSED_WITHDRAWN'
  | 'REFUSED_SCOPE'
  | 'REFUSED_LEVEL'
  | 'REFUSED_CROSSING'
  | 'REFUSED_REPLAY'
  | 'REFUSED_NOT_RECIPIENT'
  | 'REFUSED_EXPIRED'
  | 'REFUSED_QUERY_SHAPE'
  | 'PROVENANCE'
  | 'DECRYPT';

export type DomainCode = CeremonyCode | LogCode | EnvelopeCode;

/** Codes for usage and I/O, raised by the CLI layer. */
export type CliCode =
  | 'USAGE'
  | 'IO'
  | 'EXISTS'
  | 'INTERNAL'
  | 'UNSUPPORTED_PLATFORM'; // the running Node.js / OpenSSL lacks a feature the command needs (e.g. ML-DSA in TLS, X25519MLKEM768)

export type WritErrorCode = InputCode | VerifyCode | KeyCode | DomainCode | CliCode;

export class WritError extends Error {
  readonly code: WritErrorCode;

  constructor(code: WritErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WritError';
    this.code = code;
  }
}

export function isWritError(e: unknown): e is WritError {
  return e instanceof WritError;
}

/** Throws a PARSE WritError; used by parsers so that malformed input never escapes as a TypeError. */
export function parseError(what: string, cause?: unknown): never {
  throw new WritError('PARSE', `cannot parse ${what}`, { cause });
}
