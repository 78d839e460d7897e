// Transcript hash chain: genesis, line hashes (SHA-512 over RFC 8785 canonical bytes, via the shared src/core/log/chain.ts), entry shape checks and the no-secrets rule.
import { WritError } from '../errors.js';
import { canonicalize } from '../json/canonical.js';
import { sha256 } from '../crypto/kdf.js';
import { toHex } from '../crypto/bytes.js';
import { encodeSpki } from '../asn1/spki.js';
import { parseSpki } from '../asn1/spki.js';
import { subjectKeyId } from '../x509/issue.js';
import { WORDLIST } from '../shares/wordlist.js';
import type { PublicKeyInfo } from '../x509/types.js';
import type { SigAlgName } from '../crypto/types.js';
import { SIG_ALGS } from '../crypto/types.js';
import { chainGenesis, chainGenesisHash, chainLineHash, parseCanonicalLine } from '../log/chain.js';
import { TRANSCRIPT_FORMAT } from './types.js';
import type { EnrolledKey, JsonObject, Role, TranscriptEntry } from './types.js';

/** The genesis string: the first line's `prev` is SHA-512 of its UTF-8 bytes, binding the chain to one ceremony id and format. */
export function genesisString(ceremonyId: string): string {
  return chainGenesis(TRANSCRIPT_FORMAT, 'ceremony', ceremonyId);
}

export function genesisHash(ceremonyId: string): string {
  return chainGenesisHash(genesisString(ceremonyId));
}

/** Hex SHA-512 of a line's bytes. Lines are canonical (checked on read), so this is the hash of its RFC 8785 form. */
export function lineHash(line: string): string {
  return chainLineHash(line);
}

/** Strict standard base64 (RFC 4648 §4, padded): the decoding must re-encode to the same text, so no two texts mean the same bytes. */
export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

export function fromBase64(s: string, what: string): Uint8Array {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
    throw new WritError('PARSE', `${what}: not padded standard base64`);
  }
  const b = new Uint8Array(Buffer.from(s, 'base64'));
  if (toBase64(b) !== s) throw new WritError('PARSE', `${what}: non-canonical base64`);
  return b;
}

export const HEX64 = /^[0-9a-f]{64}$/;
export const HEX128 = /^[0-9a-f]{128}$/;
/** RFC 3339 §5.6 date-time, UTC ("Z") only: what Date.prototype.toISOString writes. */
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export function rfc3339(d: Date): string {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new TypeError('now() must return a valid Date');
  return d.toISOString();
}

// ---- no secrets in transcripts -------------------------------------------------------------------

/**
 * Member names that must never appear anywhere in an entry's data (compared lower-case with "_", "-"
 * and spaces removed, as substrings): a transcript is public, so seeds, mnemonics, passphrases and
 * private keys have no place in it. Digests of them are named differently (e.g. "shareCommitment",
 * "rootFingerprint"); a name like "seedDigest" is refused too, on purpose: be explicit.
 */
export const FORBIDDEN_NAME_PARTS = ['seed', 'mnemonic', 'passphrase', 'password', 'privatekey', 'secretkey', 'expandedkey', 'secret'] as const;

/** A string of this many or more words, all from the SLIP-39 word list, is taken for a mnemonic. */
export const MNEMONIC_MIN_WORDS = 12;

let slip39Words: Set<string> | undefined;

function looksLikeMnemonic(s: string): boolean {
  const words = s.trim().toLowerCase().split(/\s+/);
  if (words.length < MNEMONIC_MIN_WORDS) return false;
  slip39Words ??= new Set(WORDLIST);
  return words.every((w) => slip39Words!.has(w));
}

/** Throws INSECURE when `v` holds a forbidden member name or a mnemonic-like string (path names the place, never the value). */
export function assertNoSecrets(v: unknown, path = 'data'): void {
  if (typeof v === 'string') {
    if (looksLikeMnemonic(v)) throw new WritError('INSECURE', `transcript ${path} looks like a mnemonic: secrets never go into a transcript`);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => assertNoSecrets(x, `${path}[${i}]`));
    return;
  }
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const norm = k.toLowerCase().replace(/[\s_-]/g, '');
      const bad = FORBIDDEN_NAME_PARTS.find((p) => norm.includes(p));
      if (bad !== undefined) {
        throw new WritError('INSECURE', `transcript ${path}.${k}: member names containing "${bad}" are refused (secrets never go into a transcript)`);
      }
      assertNoSecrets(x, `${path}.${k}`);
    }
  }
}

// ---- entries -----------------------------------------------------------------------------------

const ENTRY_KEYS = ['actor', 'data', 'event', 'prev', 'role', 'seq', 'step', 'time'];

/**
 * Parses one line into an entry, or returns a reason it is not one. A line must be JSON, exactly its own
 * RFC 8785 canonical form (so that "the hash of the line" and "the hash of its canonical bytes" agree,
 * and whitespace or key-order edits cannot hide), with exactly the entry members and their types.
 */
export function parseLine(line: string): { entry: TranscriptEntry } | { error: string } {
  const r = parseCanonicalLine(line, entryShape);
  return 'error' in r ? r : { entry: r.value as unknown as TranscriptEntry };
}

function entryShape(e: Record<string, unknown>): string | undefined {
  const keys = Object.keys(e).sort();
  if (keys.length !== ENTRY_KEYS.length || keys.some((k, i) => k !== ENTRY_KEYS[i])) return `members must be exactly ${ENTRY_KEYS.join(', ')}`;
  if (typeof e.seq !== 'number' || !Number.isSafeInteger(e.seq) || e.seq < 0) return 'seq is not a non-negative integer';
  if (typeof e.time !== 'string' || !RFC3339_UTC.test(e.time) || Number.isNaN(Date.parse(e.time))) return 'time is not an RFC 3339 UTC date-time';
  for (const k of ['step', 'role', 'actor', 'event'] as const) {
    if (typeof e[k] !== 'string') return `${k} is not a string`;
  }
  if (e.data === null || typeof e.data !== 'object' || Array.isArray(e.data)) return 'data is not an object';
  if (typeof e.prev !== 'string' || !HEX128.test(e.prev)) return 'prev is not 128 lower-case hex digits';
  return undefined;
}

/** Serialises an entry as its canonical line (what the writer emits). */
export function serializeEntry(e: TranscriptEntry): string {
  return canonicalize(e);
}

// ---- enrolled keys -------------------------------------------------------------------------------

/** Hex SHA-256 of a DER SPKI: the key id used in transcripts. */
export function spkiFingerprint(spkiDer: Uint8Array): string {
  return toHex(sha256(spkiDer));
}

/** The enrolment record of an ML-DSA public key for a role. */
export function enrolKey(role: Role, actor: string, alg: SigAlgName, publicKey: Uint8Array): EnrolledKey {
  if (!SIG_ALGS.includes(alg)) throw new TypeError(`enrolled keys must be ML-DSA, got ${String(alg)}`);
  if (typeof actor !== 'string' || actor.length === 0) throw new TypeError('actor must be a non-empty string');
  const spki = encodeSpki(alg, publicKey);
  return { role, actor, alg, publicKey: toBase64(publicKey), keyId: spkiFingerprint(spki) };
}

/** An enrolled key's parsed SPKI and its CMS SignerIdentifier (subjectKeyIdentifier, RFC 7093 method 1 as x509/issue.ts). */
export function enrolledSpki(k: EnrolledKey): { spki: PublicKeyInfo; cmsKeyId: Uint8Array } {
  if (!SIG_ALGS.includes(k.alg)) throw new WritError('PARSE', `enrolled key of ${k.actor}: not an ML-DSA algorithm`);
  const raw = fromBase64(k.publicKey, `enrolled key of ${k.actor}`);
  let der: Uint8Array;
  try {
    der = encodeSpki(k.alg, raw);
  } catch (e) {
    throw new WritError('PARSE', `enrolled key of ${k.actor}: wrong length for ${k.alg}`, { cause: e });
  }
  if (spkiFingerprint(der) !== k.keyId) throw new WritError('PARSE', `enrolled key of ${k.actor}: keyId does not match the key`);
  const spki = parseSpki(der);
  return { spki, cmsKeyId: subjectKeyId(spki) };
}

/** Checks an EnrolledKey's shape (for keys read back from a transcript). */
export function isEnrolledKey(v: unknown): v is EnrolledKey {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const k = v as Record<string, unknown>;
  return (
    (k.role === 'administrator' || k.role === 'witness' || k.role === 'custodian') &&
    typeof k.actor === 'string' &&
    typeof k.alg === 'string' &&
    (SIG_ALGS as readonly string[]).includes(k.alg) &&
    typeof k.publicKey === 'string' &&
    typeof k.keyId === 'string' &&
    HEX64.test(k.keyId)
  );
}

export type { JsonObject };
