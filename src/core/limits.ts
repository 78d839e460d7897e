// Every explicit limit writ enforces on hostile input, in one place (issue 8 "Limits"; docs/limits.md is the table).
//
// Each limit is a named constant with the reason for its value and, where one exists, the spec that
// bounds it. Parsers and readers throw WritError('LIMIT', message naming the limit and its value) when
// input exceeds one (`limitError` below builds that message). Values were chosen far above anything
// writ itself writes, and low enough that a hostile input cannot make writ allocate or loop without
// bound. Pure: constants and two small checks, no I/O.
import { WritError } from './errors.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

// ---- whole-input sizes (checked by the CLI before a file is read whole: stat first, then a bounded read) ----

/** Any file writ reads whole (certificate, CRL, CSR, key, share file, trust bundle, agreement, transcript...): far above the largest of them, small enough to refuse a disk image. */
export const MAX_INPUT_BYTES = 16 * MiB;
/** A CMS envelope or a records file read whole: 10,000 records with provenance are ~20 MB. Streamed payload files (src/stream, `envelope seal --stream`) are exempt: they are read in bounded chunks, never whole. */
export const MAX_ENVELOPE_BYTES = 256 * MiB;
/** The release bundle `writ self-check` hashes (dist/writ.mjs is ~2 MB). */
export const MAX_BUNDLE_BYTES = 64 * MiB;
/** The enclave's own sent-query store (state/queries.jsonl): one short line per query sent. */
export const MAX_SENT_QUERIES_BYTES = 64 * MiB;
/** An enclave audit log read whole to verify: it grows over an enclave's life; ~1,000,000 entries of ~250 bytes. */
export const MAX_AUDIT_LOG_BYTES = 256 * MiB;
/** A ceremony script, answers file or a file a ceremony step reads (a CSR, a certificate): all are a few KiB. */
export const MAX_CEREMONY_FILE_BYTES = 1 * MiB;
/** A query shape's parameter schema in an agreement: a small description. */
export const MAX_SCHEMA_BYTES = 16 * KiB;
/** A passphrase file (--pass-file): one line of text. */
export const MAX_PASSPHRASE_FILE_BYTES = 64 * KiB;
/** Small JSON documents read from files: enclave profile (--as DIR/profile.json). */
export const MAX_PROFILE_BYTES = 64 * KiB;
/** Small signed or JSON documents: a baseline body, a baseline to diff, SHA256SUMS of a bundle, a --query @file, a ceremony step's input file. */
export const MAX_DOCUMENT_BYTES = 1 * MiB;
/** A query-shape schema file given to `federation propose` (its schema must then fit MAX_SCHEMA_BYTES canonically). */
export const MAX_SCHEMA_FILE_BYTES = 256 * KiB;
/** A signed trust store (many anchors with their constraints). */
export const MAX_TRUST_STORE_BYTES = 4 * MiB;

// ---- structure ----

/** Nesting of constructed DER elements. X.690 sets no bound; a CMS envelope with its certificates nests ~12 deep; OpenSSL stops at 30 (ASN1_MAX_CONSTRUCTED_NEST). */
export const MAX_DER_DEPTH = 32;
/** Nesting of BER elements in CMS read from other tools (indefinite lengths, constructed strings; RFC 5652 §2 allows BER). */
export const MAX_BER_DEPTH = 64;
/** Nesting of JSON arrays and objects (RFC 8259 §9 lets a parser limit it); writ's documents nest < 10. */
export const MAX_JSON_DEPTH = 64;
/** PEM blocks in one file (RFC 7468 sets no bound): a trust bundle of a few hundred anchors fits. */
export const MAX_PEM_BLOCKS = 4096;
/** One line of a JSON-lines file (transcript, audit log, records, sent queries): an attestation line with its chain is ~60 KB. */
export const MAX_JSONL_LINE_BYTES = 8 * MiB;
/** Lines of a transcript or an audit log read to verify. */
export const MAX_LOG_LINES = 1_000_000;

// ---- certificates, CRLs, names ----

/** Intermediates on one path, not counting self-issued ones (RFC 5280 §6.1 leaves it to the relying party; writ's hierarchy uses 2). */
export const MAX_PATH_INTERMEDIATES = 8;
/** Self-issued certificates (key rollover) on one path, which RFC 5280 §6.1.4 (l) does not count. */
export const MAX_PATH_SELF_ISSUED = 4;
/** Candidate paths tried before giving up (RFC 4158 §2.4 path-building loops). */
export const MAX_CANDIDATE_PATHS = 16;
/** Issuer candidates expanded during one path search: bounds the work of a pool of cross-certificates. */
export const MAX_PATH_EXPANSIONS = 2000;
/** SignerInfos in one CMS SignedData: each costs a signature verification (writ signs with 1; found by the fuzzer: 2,002 signers took 30 s). */
export const MAX_CMS_SIGNERS = 64;
/** Extensions in one certificate, CRL, CRL entry or CSR: RFC 5280 §4.2 defines ~17, writ's certificates carry < 10. */
export const MAX_EXTENSIONS = 64;
/** Revoked-certificate entries in one CRL: writ's CAs revoke enclave CAs and workloads, far fewer; each entry costs ~1 KB of parsed objects, so this bounds a CRL's memory well below MAX_INPUT_BYTES's worth of entries. */
export const MAX_CRL_ENTRIES = 100_000;
/** Attribute values, over all RDNs, in one distinguished name (X.501 sets no bound; writ's names have 3 to 5). */
export const MAX_NAME_ATTRIBUTES = 64;
/** Bytes of one attribute value in a name. RFC 5280 Appendix A upper bounds are ≤ 32,768 (ub-x121-address etc.: 64..128 for names). */
export const MAX_NAME_VALUE_BYTES = 32 * KiB;
/** Entries in one GeneralNames (SAN, name-constraint subtrees, CRL distribution points). */
export const MAX_GENERAL_NAMES = 1024;
/** Name-constraint comparisons (names x subtrees) on one certificate. */
export const MAX_NAME_CONSTRAINT_WORK = 1 << 20;
/** Nodes of the RFC 5280 §6.1 valid_policy_tree (the exponential-growth attack, CVE-2023-0464). */
export const MAX_POLICY_NODES = 4096;

// ---- shares and keys ----

/** Groups in a SLIP-0039 split, and members in one group: the format's 4-bit fields (SLIP-0039 "Format of the share mnemonic"). */
export const MAX_SHARE_GROUPS = 16;
export const MAX_GROUP_MEMBERS = 16;
/** Mnemonics combined at once: every member of every group (16 x 16). */
export const MAX_SHARES_IN_SET = MAX_SHARE_GROUPS * MAX_GROUP_MEMBERS;
/** Characters of one mnemonic as typed: a 256-bit share is 33 words (~250 characters); generous for spacing. */
export const MAX_MNEMONIC_CHARS = 4096;
/** SLIP-0039 iteration exponent e (PBKDF2 runs 10000 * 2^e iterations): the format allows 15 (minutes of work), writ writes 1 and combines up to 5. */
export const MAX_SLIP39_ITERATION_EXPONENT = 5;
/** scrypt work (128 * N * r * p bytes, RFC 7914 §2) an encrypted key may ask for when read: the default's (N=2^14, r=8, p=4), so a key writ wrote always opens and a hostile one cannot ask for more. */
export const MAX_KEY_SCRYPT_WORK_BYTES = 128 * 2 ** 14 * 8 * 4;
/** PBKDF2 iterations of an encrypted key (RFC 8018 §5.2 sets no bound; writ writes 600,000). */
export const MAX_PBKDF2_ITERATIONS = 2_000_000;
/** scrypt work (128 * N * r * p bytes) of a share file, read or written: the default's (N=2^17, r=8, p=1). */
export const MAX_SHARE_SCRYPT_WORK_BYTES = 128 * 2 ** 17 * 8 * 1;
/** scrypt parallelism of a share file (RFC 7914 §2 allows p < 2^30 / r). */
export const MAX_SCRYPT_P = 16;
/** A share file's scrypt salt (writ writes 16 bytes). */
export const MAX_SHARE_SALT_BYTES = 64;
/** A whole share file (canonical JSON of ~1 KB). */
export const MAX_SHARE_FILE_BYTES = 64 * KiB;

// ---- envelopes ----

/** Records in one envelope (and record hashes in its manifest): ~20 MB of records at 10,000, so 100,000 is near MAX_ENVELOPE_BYTES. */
export const MAX_ENVELOPE_RECORDS = 100_000;
/** Origin attestations in one envelope: one per origin batch; a re-shared envelope may carry many. */
export const MAX_ATTESTATIONS = 10_000;

// ---- batch verification ----

/** Items (chains and envelopes) in one `writ verify batch` run, from a list file or a directory. */
export const MAX_BATCH_ITEMS = 1_000_000;
/** A batch list file (one path per line; ~100 bytes a line at MAX_BATCH_ITEMS). */
export const MAX_BATCH_LIST_BYTES = 128 * MiB;

/** The LIMIT error: names the limit, its value, and what exceeded it (never the content). */
export function limitError(name: string, value: number, what: string): WritError {
  return new WritError('LIMIT', `${what} exceeds ${name} (${value})`);
}

/** Throws LIMIT when `n` exceeds `value`. */
export function checkLimit(n: number, name: string, value: number, what: string): void {
  if (n > value) throw limitError(name, value, `${what} (${n})`);
}

/**
 * Throws LIMIT when JSON text nests arrays/objects deeper than MAX_JSON_DEPTH. A linear pre-scan (strings
 * skipped) so that no recursive walker ever sees such a value; the text need not be valid JSON.
 */
export function checkJsonDepth(text: string, what: string, max = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) throw limitError('MAX_JSON_DEPTH', max, `${what}: nesting`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}
