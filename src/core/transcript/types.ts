// Types of ceremony transcripts and custodian approvals: hash-chained JSON lines (RFC 8785 canonical, SHA-512), DESIGN.md §2.
import type { JsonValue } from '../json/canonical.js';
import type { SigAlgName } from '../crypto/types.js';

/** Format tag written in the header and mixed into the genesis hash: a v2 reader can refuse v1 chains. */
export const TRANSCRIPT_FORMAT = 'writ-transcript/1';

/** The statement type a custodian approval signs (canonical JSON inside the CMS eContent). */
export const APPROVAL_TYPE = 'writ-approval/1';

/** Event names the writer emits and the verifier understands. Other events are allowed and only chained. */
export const EVENTS = {
  /** seq 0: the header (TranscriptHeader in data). */
  open: 'open',
  /** Keys enrolled during the ceremony (EnrolData in data), e.g. custodian approval keys at generation. */
  enrol: 'enrol',
  /** A custodian's approval of a to-be-signed digest (ApprovalRecord in data). */
  approval: 'approval',
  /** A signature made by the ceremony key over a TBS whose digest was approved (SigningData in data). */
  sign: 'sign',
  /** The ceremony was aborted (AbortData in data); the next line is the closing record. */
  abort: 'abort',
  /** The closing record: last line, CMS-signed (ClosingData in data). */
  close: 'close',
} as const;

/** Ceremony roles. Custodians are individuals; administrator and witness are one person each. */
export type Role = 'administrator' | 'witness' | 'custodian';

export type JsonObject = { [key: string]: JsonValue };

/** One transcript line, before serialisation. `time` is RFC 3339 (UTC, as Date.toISOString writes it). */
export interface TranscriptEntry {
  seq: number;
  time: string;
  step: string;
  role: string;
  actor: string;
  event: string;
  data: JsonObject;
  /** Lower-case hex SHA-512 of the previous line's canonical bytes (first line: of the genesis string). */
  prev: string;
}

/**
 * A key enrolled for a role: custodian approval keys, and the administrator's and witness's co-signing
 * keys. `keyId` is the hex SHA-256 of the SPKI DER (a fingerprint people compare as words);
 * `publicKey` is the raw ML-DSA public key in standard base64.
 */
export interface EnrolledKey {
  role: Role;
  actor: string;
  alg: SigAlgName;
  publicKey: string;
  keyId: string;
}

/** data of the header (seq 0, event "open"). */
export interface TranscriptHeader {
  format: typeof TRANSCRIPT_FORMAT;
  ceremonyId: string;
  script: { name: string; sha256: string };
  rehearsal: boolean;
  roles: { administrator: string; witness: string; custodians: string[] };
  /** Custodian approvals needed before each signing (M of N). */
  quorum: number;
  /** Keys enrolled before the ceremony began (e.g. read from the root directory); may be empty. */
  keys: EnrolledKey[];
  /**
   * Whether the root key signs the closing record of a completed ceremony. False only for ceremonies
   * that never rebuild the key (share drills); fixed in the header, so it cannot be dropped later
   * without breaking the chain up to the signed close.
   */
  rootSigned: boolean;
}

/** data of an "enrol" event. */
export interface EnrolData {
  keys: EnrolledKey[];
}

/**
 * A custodian approval as recorded in the transcript (data of an "approval" event). `cms` is base64 DER
 * of a CMS SignedData (RFC 5652, ML-DSA per RFC 9882) with encapsulated content: the canonical JSON
 * statement {type, ceremonyId, digest, custodian}. The other fields repeat the statement for readers;
 * checks always use the signed statement.
 */
export interface ApprovalRecord {
  ceremonyId: string;
  digest: string;
  custodian: string;
  /** Hex SHA-256 of the approver's SPKI DER (EnrolledKey.keyId). */
  keyId: string;
  cms: string;
}

/** data of a "sign" event: the signature was made over TBS bytes whose SHA-512 is `digest`. */
export interface SigningData {
  digest: string;
  /** What was signed, for readers ("root certificate", "regional CA north", ...). */
  label: string;
}

export interface AbortData {
  reason: string;
}

/** A closing-record signer as listed in the record (who signed, by which key). */
export interface ClosingSignerInfo {
  role: 'root' | 'administrator' | 'witness';
  actor: string;
  /** Hex SHA-256 of the signer's SPKI DER. */
  keyId: string;
}

/**
 * data of the closing record. The signature is a CMS SignedData, detached, over the canonical bytes of
 * the whole closing entry with `data.signature` removed (so it also covers seq and prev, hence the chain).
 */
export interface ClosingData {
  status: 'complete' | 'aborted';
  /** Output path (relative to the output directory, "/"-separated) -> lower-case hex SHA-256. */
  artifacts: Record<string, string>;
  signers: ClosingSignerInfo[];
  /** base64 DER CMS ContentInfo. */
  signature: string;
}

/** One problem found by verifyTranscript. `line` is 1-based (as editors and `sed -n` count). */
export interface TranscriptIssue {
  code: import('../errors.js').WritErrorCode;
  line?: number;
  message: string;
}

export interface TranscriptVerifyResult {
  /** True only for an intact, completed ceremony whose every check passed. */
  ok: boolean;
  /** True when the chain, closing signature, approvals and artifacts check out (an aborted ceremony can be intact). */
  intact: boolean;
  status: 'complete' | 'aborted' | 'unclosed';
  errors: TranscriptIssue[];
  ceremonyId: string;
  rehearsal: boolean;
  script?: { name: string; sha256: string };
  /** The header as recorded (roles, quorum, keys enrolled at the start, rootSigned), when it could be read. */
  header?: TranscriptHeader;
  entries: number;
  /** One row per signing event: the approvals found valid for its digest. */
  approvals: { step: string; digest: string; label: string; threshold: number; custodians: string[] }[];
  artifacts: Record<string, string>;
  /** The root certificate that signed the closing record (SHA-256 of its DER, hex) when there is one. */
  root?: { fingerprint: string; subject: string };
  closingSigners: ClosingSignerInfo[];
}
