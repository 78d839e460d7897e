// TranscriptWriter: appends hash-chained canonical JSON lines (RFC 8785, SHA-512) and closes them with a CMS-signed record (RFC 5652/9882).
//
// Pure: time comes from the injected `now`, nothing is written to disk here (the runner stages
// `lines()` and moves them into place). The writer refuses what the verifier would reject, so a
// transcript it produces verifies: secrets in data, approvals that do not check, a signing without
// its quorum, a close without the root, administrator and witness signatures.
import { WritError } from '../errors.js';
import { canonicalBytes } from '../json/canonical.js';
import { bytesEqual } from '../crypto/bytes.js';
import { signCms } from '../cms/signed-data.js';
import type { CmsSignerInput } from '../cms/signed-data.js';
import { assessApproval } from './approvals.js';
import { HEX64, HEX128, assertNoSecrets, fromBase64, genesisHash, isEnrolledKey, lineHash, rfc3339, serializeEntry, spkiFingerprint, toBase64 } from './chain.js';
import { EVENTS, TRANSCRIPT_FORMAT } from './types.js';
import type { ApprovalRecord, ClosingData, ClosingSignerInfo, EnrolledKey, JsonObject, Role, TranscriptEntry, TranscriptHeader } from './types.js';

export interface TranscriptWriterOptions {
  ceremonyId: string;
  rehearsal: boolean;
  now: () => Date;
  script: { name: string; sha256: string };
  roles: { administrator: string; witness: string; custodians: string[] };
  /** Custodian approvals required before each signing (M). */
  quorum: number;
  /** Keys already enrolled when the ceremony opens (e.g. from the root directory). */
  keys?: EnrolledKey[];
  /** Whether the root key co-signs the closing record (default true; false for share drills, which never rebuild it). */
  rootSigned?: boolean;
}

export interface AppendInput {
  step: string;
  role: string;
  actor: string;
  event: string;
  data?: JsonObject;
}

const RESERVED = new Set<string>(Object.values(EVENTS));

/** Artifact paths: relative, "/"-separated, no "." or ".." segments, no empty segments. */
export function isArtifactPath(p: string): boolean {
  if (typeof p !== 'string' || p.length === 0 || p.length > 1024 || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((s) => s.length > 0 && s !== '.' && s !== '..');
}

export class TranscriptWriter {
  readonly ceremonyId: string;
  readonly rehearsal: boolean;
  readonly quorum: number;
  readonly roles: TranscriptHeader['roles'];
  readonly rootSigned: boolean;
  private readonly now: () => Date;
  private readonly out: string[] = [];
  private readonly keys: EnrolledKey[] = [];
  /** digest -> custodians and key ids whose approvals were recorded. */
  private readonly approvals = new Map<string, { custodians: Set<string>; keyIds: Set<string> }>();
  private aborted = false;
  private done = false;

  constructor(o: TranscriptWriterOptions) {
    if (typeof o.ceremonyId !== 'string' || o.ceremonyId.length === 0) throw new TypeError('ceremonyId must be a non-empty string');
    if (typeof o.now !== 'function') throw new TypeError('now must be a function returning a Date');
    if (!o.script || typeof o.script.name !== 'string' || !HEX64.test(o.script.sha256)) throw new TypeError('script must be { name, sha256 (64 lower-case hex) }');
    const { administrator, witness, custodians } = o.roles ?? ({} as TranscriptHeader['roles']);
    if (typeof administrator !== 'string' || typeof witness !== 'string' || !Array.isArray(custodians)) throw new TypeError('roles must be { administrator, witness, custodians[] }');
    if (new Set(custodians).size !== custodians.length) throw new WritError('SCRIPT', 'custodian names must be distinct');
    if (!Number.isSafeInteger(o.quorum) || o.quorum < 1 || o.quorum > Math.max(custodians.length, 1)) {
      throw new RangeError('quorum must be between 1 and the number of custodians');
    }
    this.ceremonyId = o.ceremonyId;
    this.rehearsal = o.rehearsal === true;
    this.quorum = o.quorum;
    this.roles = { administrator, witness, custodians: [...custodians] };
    this.now = o.now;
    this.rootSigned = o.rootSigned !== false;
    const keys = o.keys ?? [];
    this.checkKeys(keys);
    const header: TranscriptHeader = {
      format: TRANSCRIPT_FORMAT,
      ceremonyId: this.ceremonyId,
      script: { name: o.script.name, sha256: o.script.sha256 },
      rehearsal: this.rehearsal,
      roles: this.roles,
      quorum: this.quorum,
      keys,
      rootSigned: this.rootSigned,
    };
    this.push({ step: 'open', role: 'administrator', actor: administrator, event: EVENTS.open, data: header as unknown as JsonObject });
    this.keys.push(...keys);
  }

  /** Keys enrolled so far (header keys and enrol events). */
  get enrolled(): readonly EnrolledKey[] {
    return this.keys;
  }

  get closed(): boolean {
    return this.done;
  }

  get isAborted(): boolean {
    return this.aborted;
  }

  /** The lines written so far (canonical JSON, no newline). After close, the complete transcript. */
  lines(): string[] {
    return [...this.out];
  }

  /** The transcript as a file: one line per entry, LF-terminated (transcript.jsonl). */
  text(): string {
    return this.out.map((l) => `${l}\n`).join('');
  }

  /** Appends an ordinary step event (announcements, confirmations, fingerprints shown, artifacts staged...). */
  append(e: AppendInput): TranscriptEntry {
    if (RESERVED.has(e.event)) throw new TypeError(`event "${e.event}" is written by its own method (enrol, recordApproval, recordSigning, abort, close)`);
    return this.push(e);
  }

  /** Records keys enrolled during the ceremony (custodian approval keys, administrator/witness keys). */
  enrol(o: { step: string; role: string; actor: string; keys: EnrolledKey[] }): TranscriptEntry {
    this.checkKeys(o.keys);
    const entry = this.push({ step: o.step, role: o.role, actor: o.actor, event: EVENTS.enrol, data: { keys: o.keys as unknown as JsonObject[] } });
    this.keys.push(...o.keys);
    return entry;
  }

  /**
   * Checks a custodian approval of `digest` against the enrolled keys and the approvals already
   * recorded for that digest, and records it. Throws the refusal (APPROVAL_DIGEST, APPROVAL_DUPLICATE,
   * APPROVAL_UNKNOWN_KEY, SIGNATURE, PARSE) without writing anything, so the custodian may retry.
   */
  recordApproval(o: { step: string; digest: string; approval: ApprovalRecord }): TranscriptEntry {
    this.checkOpen();
    if (!HEX128.test(o.digest)) throw new RangeError('digest must be 128 lower-case hex digits (SHA-512)');
    const seen = this.approvals.get(o.digest) ?? { custodians: new Set<string>(), keyIds: new Set<string>() };
    const v = assessApproval(o.approval, { ceremonyId: this.ceremonyId, digest: o.digest, enrolled: this.keys }, seen);
    if (!v.ok) throw new WritError(v.code, v.message);
    const a = o.approval;
    const entry = this.push({
      step: o.step,
      role: 'custodian',
      actor: v.custodian,
      event: EVENTS.approval,
      data: { ceremonyId: a.ceremonyId, digest: a.digest, custodian: a.custodian, keyId: a.keyId, cms: a.cms },
    });
    seen.custodians.add(v.custodian);
    seen.keyIds.add(v.keyId);
    this.approvals.set(o.digest, seen);
    return entry;
  }

  /** Custodians whose approvals of `digest` have been recorded, in order. */
  approvalsFor(digest: string): string[] {
    return [...(this.approvals.get(digest)?.custodians ?? [])];
  }

  /**
   * Records that the ceremony key signed TBS bytes with SHA-512 `digest`. QUORUM unless at least
   * `quorum` approvals of that digest are recorded. Call it before releasing the signed object.
   */
  recordSigning(o: { step: string; digest: string; label: string; role?: string; actor?: string; data?: JsonObject }): TranscriptEntry {
    this.checkOpen();
    if (!HEX128.test(o.digest)) throw new RangeError('digest must be 128 lower-case hex digits (SHA-512)');
    const n = this.approvals.get(o.digest)?.custodians.size ?? 0;
    if (n < this.quorum) throw new WritError('QUORUM', `${n} custodian approval(s) of this digest recorded, ${this.quorum} needed before signing`);
    const extra = o.data ?? {};
    if ('digest' in extra || 'label' in extra) throw new TypeError('data must not redefine digest or label');
    return this.push({
      step: o.step,
      role: o.role ?? 'administrator',
      actor: o.actor ?? this.roles.administrator,
      event: EVENTS.sign,
      data: { ...extra, digest: o.digest, label: o.label },
    });
  }

  /** Records an abort. Afterwards only closeAborted() is allowed. */
  abort(o: { step: string; role: string; actor: string; reason: string }): TranscriptEntry {
    this.checkOpen();
    const entry = this.push({ step: o.step, role: o.role, actor: o.actor, event: EVENTS.abort, data: { reason: o.reason } });
    this.aborted = true;
    return entry;
  }

  /**
   * Closes a completed ceremony: the closing record lists every artifact's SHA-256 and is signed (CMS,
   * detached) by the root key (a signer with its certificate; unless the header says rootSigned: false)
   * and co-signed by the enrolled administrator and witness keys. Returns the complete transcript's lines.
   */
  close(o: { artifacts: Record<string, string>; signers: CmsSignerInput[] }): string[] {
    if (this.aborted) throw new WritError('ABORTED', 'the ceremony was aborted: use closeAborted()');
    return this.finish('complete', o.artifacts, o.signers);
  }

  /**
   * Closes an aborted ceremony: no artifacts, signed by the enrolled administrator and witness keys
   * (every one that is enrolled must sign; with none enrolled yet the record is unsigned). No root.
   */
  closeAborted(o: { signers: CmsSignerInput[] }): string[] {
    if (!this.aborted) throw new TypeError('closeAborted() needs an abort() first');
    return this.finish('aborted', {}, o.signers);
  }

  /** Appends a raw entry (the shape and no-secrets checks still apply). Subclasses in tests use it to write what the helpers refuse. */
  protected push(e: AppendInput): TranscriptEntry {
    if (this.done) throw new WritError('CHAIN_APPENDED', 'the transcript is closed');
    for (const k of ['step', 'role', 'actor', 'event'] as const) {
      if (typeof e[k] !== 'string') throw new TypeError(`${k} must be a string`);
    }
    const data = e.data ?? {};
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new TypeError('data must be an object');
    assertNoSecrets(data);
    const last = this.out[this.out.length - 1];
    const entry: TranscriptEntry = {
      seq: this.out.length,
      time: rfc3339(this.now()),
      step: e.step,
      role: e.role,
      actor: e.actor,
      event: e.event,
      data,
      prev: last === undefined ? genesisHash(this.ceremonyId) : lineHash(last),
    };
    this.out.push(serializeEntry(entry)); // canonicalize also rejects non-JSON values (PARSE)
    return entry;
  }

  private checkOpen(): void {
    if (this.done) throw new WritError('CHAIN_APPENDED', 'the transcript is closed');
    if (this.aborted) throw new WritError('ABORTED', 'the ceremony was aborted');
  }

  private checkKeys(keys: readonly EnrolledKey[]): void {
    if (!Array.isArray(keys)) throw new TypeError('keys must be an array');
    for (const k of keys) {
      if (!isEnrolledKey(k)) throw new TypeError('keys must be EnrolledKey records (see enrolKey())');
      const allowed = k.role === 'custodian' ? this.roles.custodians.includes(k.actor) : k.actor === this.roles[k.role];
      if (!allowed) throw new WritError('SCRIPT', `${k.actor} is not the ${k.role} of this ceremony`);
      const all = [...this.keys, ...keys.slice(0, keys.indexOf(k))];
      if (all.some((x) => x.keyId === k.keyId)) throw new WritError('APPROVAL_DUPLICATE', `key ${k.keyId.slice(0, 16)}… is already enrolled`);
      if (all.some((x) => x.role === k.role && x.actor === k.actor)) throw new WritError('APPROVAL_DUPLICATE', `${k.actor} already has an enrolled ${k.role} key`);
    }
  }

  private finish(status: 'complete' | 'aborted', artifacts: Record<string, string>, signers: CmsSignerInput[]): string[] {
    if (this.done) throw new WritError('CHAIN_APPENDED', 'the transcript is already closed');
    const arts: Record<string, string> = {};
    for (const [p, h] of Object.entries(artifacts ?? {})) {
      if (!isArtifactPath(p)) throw new TypeError(`artifact path "${p}" must be relative, "/"-separated, without "." or ".."`);
      if (typeof h !== 'string' || !HEX64.test(h)) throw new TypeError(`artifact ${p}: hash must be 64 lower-case hex digits (SHA-256)`);
      arts[p] = h;
    }
    const { infos, inputs } = this.closingSigners(status, signers);
    const last = this.out[this.out.length - 1]!;
    const data: Omit<ClosingData, 'signature'> = { status, artifacts: arts, signers: infos };
    const entry: TranscriptEntry = {
      seq: this.out.length,
      time: rfc3339(this.now()),
      step: 'close',
      role: 'administrator',
      actor: this.roles.administrator,
      event: EVENTS.close,
      data: data as unknown as JsonObject,
      prev: lineHash(last),
    };
    let signature = '';
    if (inputs.length > 0) {
      // The root's certificate travels inside the SignedData (signCms embeds each signer's certificate).
      const der = signCms({ content: canonicalBytes(entry), detached: true, signers: inputs, signingTime: new Date(entry.time) });
      signature = toBase64(der);
    }
    entry.data = { ...data, signature } as unknown as JsonObject;
    this.out.push(serializeEntry(entry));
    this.done = true;
    return this.lines();
  }

  /** Sorts the closing signers into root / administrator / witness and checks that the required ones are there. */
  private closingSigners(status: 'complete' | 'aborted', signers: CmsSignerInput[]): { infos: ClosingSignerInfo[]; inputs: CmsSignerInput[] } {
    if (!Array.isArray(signers)) throw new TypeError('signers must be an array of { signer, cert? }');
    let root: { info: ClosingSignerInfo; input: CmsSignerInput } | undefined;
    const byRole: Partial<Record<Role, { info: ClosingSignerInfo; input: CmsSignerInput }>> = {};
    for (const s of signers) {
      if (s.cert) {
        if (status === 'complete' && !this.rootSigned) throw new WritError('CHECKPOINT', 'this ceremony was opened with rootSigned: false; the root does not sign its close');
        if (root) throw new WritError('CHECKPOINT', 'only one certificate-bearing (root) signer may sign the closing record');
        if (!bytesEqual(s.cert.spki.publicKey, s.signer.publicKey)) throw new WritError('KEY_MISMATCH', 'the root signer does not match its certificate');
        root = { info: { role: 'root', actor: s.cert.subject.text, keyId: spkiFingerprint(s.cert.spki.der) }, input: s };
        continue;
      }
      const k = this.keys.find((x) => x.role !== 'custodian' && x.alg === s.signer.alg && bytesEqual(fromBase64(x.publicKey, 'enrolled key'), s.signer.publicKey));
      if (!k) throw new WritError('APPROVAL_UNKNOWN_KEY', 'a closing signer is neither the root (with its certificate) nor an enrolled administrator or witness key');
      if (byRole[k.role]) throw new WritError('APPROVAL_DUPLICATE', `the ${k.role} signs the closing record once`);
      byRole[k.role] = { info: { role: k.role as 'administrator' | 'witness', actor: k.actor, keyId: k.keyId }, input: s };
    }
    const needed: Role[] =
      status === 'complete'
        ? ['administrator', 'witness']
        : (['administrator', 'witness'] as Role[]).filter((r) => this.keys.some((k) => k.role === r));
    for (const r of needed) if (!byRole[r]) throw new WritError('CHECKPOINT', `the closing record needs the ${r}'s enrolled key`);
    if (status === 'complete' && this.rootSigned && !root) throw new WritError('CHECKPOINT', 'the closing record of a completed ceremony needs the root key with its certificate');
    const ordered = [root, byRole.administrator, byRole.witness].filter((x): x is NonNullable<typeof x> => x !== undefined);
    return { infos: ordered.map((x) => x.info), inputs: ordered.map((x) => x.input) };
  }
}
