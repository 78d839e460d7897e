// Shared helpers of the share, log, federation and enclave-file fuzz formats (test/fuzz/formats/*): text codecs, seeded fixtures and the code check for verifiers that return findings.
//
// Not a format itself (the harness loads test/fuzz/formats/*.ts only). Issue 8: the outcome of every
// input is a value whose `check` passes, or a WritError with a code; verifiers that return a list of
// findings (transcripts, audit logs) are turned into "the first finding's code" here, after checking
// that every finding carries a code of the closed union (anything else is a bug).
import { closeSync, ftruncateSync, openSync, writeFileSync } from 'node:fs';
import { WritError } from '../../src/core/errors.js';
import type { WritErrorCode } from '../../src/core/errors.js';

export const utf8 = new TextEncoder();

/** Lossy UTF-8 decoding, as `fs.readFileSync(file, 'utf8')` does in the CLI (bad bytes become U+FFFD). */
export function lossy(b: Uint8Array): string {
  return new TextDecoder('utf-8').decode(b);
}

/** Every code of src/core/errors.ts, so that a finding with any other code is reported as a bug. */
export const KNOWN_CODES: ReadonlySet<string> = new Set<WritErrorCode>([
  'PARSE', 'UNSUPPORTED_ALG', 'UNSUPPORTED', 'LIMIT',
  'NO_PATH', 'SIGNATURE', 'EXPIRED', 'NOT_YET_VALID', 'NOT_CA', 'PATH_LEN', 'KEY_USAGE', 'EKU', 'NAME_CONSTRAINT', 'POLICY', 'REVOKED',
  'CRL_SIGNATURE', 'CRL_ISSUER', 'CRL_STALE', 'CRL_MISSING', 'ALG_NOT_ALLOWED', 'CRITICAL_EXTENSION', 'IDENTITY', 'MALFORMED_CERT',
  'KEY_MISMATCH', 'BAD_PASSPHRASE', 'INSECURE',
  'QUORUM', 'SHARE_MISMATCH', 'SHARE_CHECKSUM', 'SHARE_DUPLICATE', 'SHARE_FOREIGN', 'APPROVAL_DIGEST', 'APPROVAL_DUPLICATE', 'APPROVAL_UNKNOWN_KEY', 'SCRIPT', 'ABORTED',
  'CHAIN_EDITED', 'CHAIN_REORDERED', 'CHAIN_TRUNCATED', 'CHAIN_APPENDED', 'CHAIN_DELETED', 'CHECKPOINT', 'ARTIFACT_MISMATCH', 'APPROVAL_MISSING',
  'REFUSED_NO_AGREEMENT', 'REFUSED_WITHDRAWN', 'REFUSED_SCOPE', 'REFUSED_LEVEL', 'REFUSED_CROSSING', 'REFUSED_REPLAY', 'REFUSED_NOT_RECIPIENT',
  'REFUSED_EXPIRED', 'REFUSED_QUERY_SHAPE', 'PROVENANCE', 'DECRYPT',
  'USAGE', 'IO', 'EXISTS', 'INTERNAL', 'UNSUPPORTED_PLATFORM',
]);

/**
 * For a verifier result `{ ok, errors: {code, message}[] }`: returns it when ok; otherwise checks every
 * finding has a known code and a message, and throws a WritError with the first finding's code (what
 * the CLI reports first). A finding without a proper code is thrown as a plain Error: a bug.
 */
export function findingsOutcome<T extends { ok: boolean; errors: readonly { code: string; message: string }[] }>(r: T, what: string): T {
  for (const e of r.errors) {
    if (!KNOWN_CODES.has(e.code) || typeof e.message !== 'string' || e.message.length === 0) {
      throw new Error(`${what}: a finding with no proper code: ${JSON.stringify(e).slice(0, 200)}`);
    }
  }
  if (r.ok) {
    if (r.errors.length > 0) throw new Error(`${what}: ok with findings`);
    return r;
  }
  const first = r.errors[0];
  if (first === undefined) return r; // not ok without findings: e.g. an unclosed transcript; `check` judges it
  throw new WritError(first.code as WritErrorCode, `${what}: ${first.message}`);
}

/** Asserts, for `check`: throws a plain Error (the harness reports it as a failed semantic check). */
export function expectThat(cond: boolean, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

export function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Writes a fuzz input to `file` for a reader that stats before reading (src/cli/io.ts readFileLimited):
 * an input over the reader's `limit` becomes a sparse file of the same size, so the reader still sees
 * the size and refuses it (LIMIT) without the test spending seconds writing hundreds of megabytes.
 */
export function writeInputFile(file: string, input: Uint8Array, limit: number): void {
  if (input.length <= limit) {
    writeFileSync(file, input);
    return;
  }
  const fd = openSync(file, 'w');
  try {
    ftruncateSync(fd, input.length);
  } finally {
    closeSync(fd);
  }
}
