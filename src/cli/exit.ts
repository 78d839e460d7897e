// The one table from WritError codes to process exit codes (DESIGN.md §6); nothing else picks an exit code.
import type { WritErrorCode } from '../core/errors.js';
import { isWritError } from '../core/errors.js';

export const EXIT = {
  OK: 0,
  /** Verification failed, input refused, or refused by policy. */
  FAILED: 1,
  USAGE: 2,
  /** Input/output: missing, unreadable or unwritable file, or a file that already exists. */
  IO: 3,
  /** A ceremony was aborted; nothing was written. */
  ABORTED: 4,
  /** The running Node.js / OpenSSL cannot do what the command needs (writ link check on Node 20). */
  UNSUPPORTED_PLATFORM: 5,
  /** A bug: report it. */
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Every code of the closed union must appear here (the Record type makes the compiler check it).
 * Malformed or unsupported input (PARSE, UNSUPPORTED*, LIMIT) counts as "refused" (1), not as I/O: the
 * file was read fine, its contents were rejected, and a CI job must treat it like an invalid chain.
 */
export const EXIT_BY_CODE: Readonly<Record<WritErrorCode, ExitCode>> = {
  // input
  PARSE: EXIT.FAILED,
  UNSUPPORTED_ALG: EXIT.FAILED,
  UNSUPPORTED: EXIT.FAILED,
  LIMIT: EXIT.FAILED,
  // verification
  NO_PATH: EXIT.FAILED,
  SIGNATURE: EXIT.FAILED,
  EXPIRED: EXIT.FAILED,
  NOT_YET_VALID: EXIT.FAILED,
  NOT_CA: EXIT.FAILED,
  PATH_LEN: EXIT.FAILED,
  KEY_USAGE: EXIT.FAILED,
  EKU: EXIT.FAILED,
  NAME_CONSTRAINT: EXIT.FAILED,
  POLICY: EXIT.FAILED,
  REVOKED: EXIT.FAILED,
  CRL_SIGNATURE: EXIT.FAILED,
  CRL_ISSUER: EXIT.FAILED,
  CRL_STALE: EXIT.FAILED,
  CRL_MISSING: EXIT.FAILED,
  ALG_NOT_ALLOWED: EXIT.FAILED,
  CRITICAL_EXTENSION: EXIT.FAILED,
  IDENTITY: EXIT.FAILED,
  MALFORMED_CERT: EXIT.FAILED,
  // keys
  KEY_MISMATCH: EXIT.FAILED,
  BAD_PASSPHRASE: EXIT.FAILED,
  INSECURE: EXIT.USAGE, // a dangerous choice made without its explicit --insecure flag is a usage error
  // shares and ceremonies
  QUORUM: EXIT.FAILED,
  SHARE_MISMATCH: EXIT.FAILED,
  SHARE_CHECKSUM: EXIT.FAILED,
  SHARE_DUPLICATE: EXIT.FAILED,
  SHARE_FOREIGN: EXIT.FAILED,
  APPROVAL_DIGEST: EXIT.FAILED,
  APPROVAL_DUPLICATE: EXIT.FAILED,
  APPROVAL_UNKNOWN_KEY: EXIT.FAILED,
  SCRIPT: EXIT.USAGE, // a broken ceremony script is a usage error: fix the script, nothing was attempted
  ABORTED: EXIT.ABORTED,
  // transcripts and audit logs
  CHAIN_EDITED: EXIT.FAILED,
  CHAIN_REORDERED: EXIT.FAILED,
  CHAIN_TRUNCATED: EXIT.FAILED,
  CHAIN_APPENDED: EXIT.FAILED,
  CHAIN_DELETED: EXIT.FAILED,
  CHECKPOINT: EXIT.FAILED,
  ARTIFACT_MISMATCH: EXIT.FAILED,
  APPROVAL_MISSING: EXIT.FAILED,
  // envelopes and federation: every refusal is exit 1
  REFUSED_NO_AGREEMENT: EXIT.FAILED,
  REFUSED_WITHDRAWN: EXIT.FAILED,
  REFUSED_SCOPE: EXIT.FAILED,
  REFUSED_LEVEL: EXIT.FAILED,
  REFUSED_CROSSING: EXIT.FAILED,
  REFUSED_REPLAY: EXIT.FAILED,
  REFUSED_NOT_RECIPIENT: EXIT.FAILED,
  REFUSED_EXPIRED: EXIT.FAILED,
  REFUSED_QUERY_SHAPE: EXIT.FAILED,
  PROVENANCE: EXIT.FAILED,
  DECRYPT: EXIT.FAILED,
  // CLI
  USAGE: EXIT.USAGE,
  IO: EXIT.IO,
  EXISTS: EXIT.IO,
  UNSUPPORTED_PLATFORM: EXIT.UNSUPPORTED_PLATFORM,
  INTERNAL: EXIT.INTERNAL,
};

/** Exit code for anything thrown: WritErrors by the table, everything else is a bug (70). */
export function exitCodeFor(err: unknown): ExitCode {
  if (isWritError(err)) return EXIT_BY_CODE[err.code] ?? EXIT.INTERNAL;
  return EXIT.INTERNAL;
}

/** The EXIT CODES section every command's help shows. */
export const EXIT_CODES_HELP = [
  'EXIT CODES',
  '  0   success (for verify: the chain is valid)',
  '  1   verification failed, input refused, or refused by policy',
  '  2   usage error (bad or missing option, insecure choice without its --insecure flag)',
  '  3   input/output error (missing or unreadable file, target exists without --force)',
  '  4   ceremony aborted (nothing written)',
  '  5   this Node.js/OpenSSL lacks a needed feature (e.g. ML-DSA or X25519MLKEM768 in TLS); run under Node 26',
  '  70  internal error (a bug: please report it)',
].join('\n');
