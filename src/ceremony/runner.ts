// The ceremony runner: executes a checked script step by step through `People`, staging outputs and writing the hash-chained transcript (DESIGN.md §2).
//
// Invariants (issue 3):
// - the root seed exists only in memory, from "generate-seed" / "rebuild-root" to "wipe" (fill(0));
//   after "wipe" only a signer restricted to the closing record remains, wiped when the transcript closes;
// - nothing is signed before M custodians approved the exact to-be-signed digest (SHA-512 of the TBS
//   bytes) and this ceremony id; the root signer is gated: it refuses bytes whose digest was not approved;
// - outputs are staged beside --out and renamed into place at the very end; an abort or a crash leaves
//   --out absent, and the transcript (with its abort record) is kept beside it for the record;
// - a wrong, duplicate, foreign or missing share is refused with a message naming the problem and the
//   custodian may retry; nothing is signed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError, isWritError } from '../core/errors.js';
import type { WritErrorCode } from '../core/errors.js';
import type { Rng, SigAlgName, Signer } from '../core/crypto/types.js';
import { keyPairFromSeed, signerFromSeed } from '../core/crypto/keys.js';
import { sha256, sha512 } from '../core/crypto/kdf.js';
import { bytesEqual, fromHex, toHex } from '../core/crypto/bytes.js';
import { encodeSpki } from '../core/asn1/spki.js';
import { pemDecodeAll, pemEncode } from '../core/asn1/pem.js';
import { addDays, wholeSeconds } from '../core/asn1/time.js';
import { issueCertificate, issueCrl, checkCsr } from '../core/x509/issue.js';
import { parseCertificate } from '../core/x509/parse.js';
import type { Certificate, CrlReason, Csr } from '../core/x509/types.js';
import { CRL_REASONS } from '../core/x509/types.js';
import { fingerprintWords } from '../core/words.js';
import { canonicalBytes } from '../core/json/canonical.js';
import { combineMnemonics, decodeMnemonic, shareCommitment, splitSecret } from '../core/shares/slip39.js';
import { decryptShareFile, encryptShareFile, readShareFileHeader } from '../core/shares/share-file.js';
import { TranscriptWriter } from '../core/transcript/writer.js';
import { makeApproval } from '../core/transcript/approvals.js';
import { spkiFingerprint } from '../core/transcript/chain.js';
import type { ApprovalRecord, EnrolledKey } from '../core/transcript/types.js';
import type { CmsSignerInput } from '../core/cms/signed-data.js';
import { outputPath } from './script.js';
import type { CeremonyScript, LoadedScript, RoleId, Step } from './script.js';
import type { Participants, People } from './people.js';
import { Staging } from './staging.js';
import { readFileLimited, writeFileAtomic } from '../cli/io.js';
import { ENROLMENT_TYPE, asEnrolled, newApprovalKey, openApprovalKey, parseEnrolment } from './enrolment.js';
import type { Enrolment, KdfCost, PublicKeyRecord, ShareSetRecord } from './enrolment.js';
import { MAX_CEREMONY_FILE_BYTES } from '../core/limits.js';

export interface RunInput {
  loaded: LoadedScript;
  people: People;
  /** The output directory (must be absent or empty). */
  out: string;
  /** The root directory (root.pem, enrolment.json, rotation.json, keys/) for every kind but root-key-generation. */
  rootDir?: string;
  /** Input files: regional CSRs ("region=file" or "file" named after its region), or a revocations file. */
  inputs?: string[];
  now: () => Date;
  rng: Rng;
  rehearsal: boolean;
  ceremonyId?: string;
  /** scrypt cost for new approval keys and share files (default: the production defaults). */
  kdfCost?: KdfCost;
  /** Progress for the operator (stderr). */
  note?: (m: string) => void;
}

export interface RunResult {
  ceremonyId: string;
  kind: CeremonyScript['kind'];
  rehearsal: boolean;
  out: string;
  /** Output path (relative) -> SHA-256 hex, as listed in the closing record. */
  artifacts: Record<string, string>;
  /** Output path (relative) -> bytes, for callers such as the demo. */
  files: Record<string, Uint8Array>;
  /** Root key fingerprint (SHA-256 of the SPKI DER), hex. */
  rootKeyFingerprint?: string;
  /** Lines for a summary. */
  summary: string[];
  /** share-drill: custodians whose share failed, with the reason code. */
  drillFailures?: { custodian: string; code: string; message: string }[];
}

/** Thrown out of runCeremony on abort: carries where the aborted transcript was kept. */
export class CeremonyAborted extends WritError {
  constructor(
    message: string,
    readonly transcriptPath: string | undefined,
    readonly reasonCode: WritErrorCode,
  ) {
    super('ABORTED', message);
  }
}

/** Refusals a custodian may retry after; anything else aborts the ceremony. */
const RETRYABLE = new Set<WritErrorCode>([
  'SHARE_CHECKSUM',
  'SHARE_DUPLICATE',
  'SHARE_FOREIGN',
  'SHARE_MISMATCH',
  'PARSE',
  'BAD_PASSPHRASE',
  'IO',
  'APPROVAL_DIGEST',
  'APPROVAL_DUPLICATE',
  'APPROVAL_UNKNOWN_KEY',
  'SIGNATURE',
  'KEY_MISMATCH',
]);
const MAX_REFUSALS = 6;
const NO_MORE = '(no more: end this step)';

const SIG_LENGTH: Record<SigAlgName, number> = { 'ml-dsa-44': 2420, 'ml-dsa-65': 3309, 'ml-dsa-87': 4627 };

interface Pending {
  label: string;
  /** Output path (relative). */
  rel: string;
  pemLabel: 'CERTIFICATE' | 'X509 CRL';
  /** Builds the object with the given signer (called twice: once with a capturing signer, once for real). */
  build: (signer: Signer) => Uint8Array;
  digest: string;
}

/** Everything a ceremony holds while it runs. Secrets are wiped in wipeAll(). */
interface State {
  input: RunInput;
  script: CeremonyScript;
  people: People;
  ceremonyId: string;
  staging: Staging;
  writer?: TranscriptWriter;
  participants?: Participants;
  step?: Step;
  stepNo: number;
  seed?: Uint8Array;
  rootAlg: SigAlgName;
  rootPublicKey?: Uint8Array;
  rootCert?: Certificate;
  rootCertDer?: Uint8Array;
  /** Gated root signer (signs only approved digests, and the closing record). */
  rootSigner?: Signer & { wipe(): void };
  approvedDigests: Set<string>;
  mnemonics?: Map<string, string>;
  shareSet?: ShareSetRecord;
  enrolment?: Enrolment;
  newEnrolment?: { custodians: PublicKeyRecord[]; officers: PublicKeyRecord[]; shares?: ShareSetRecord };
  officerSigners: Partial<Record<'administrator' | 'witness', Signer & { wipe(): void }>>;
  csrs: { region: string; csr: Csr; file: string }[];
  revocations: { serial: string; reason?: CrlReason }[];
  pending: Pending[];
  rotationDigest?: string;
  drillFailures: { custodian: string; code: string; message: string }[];
  summary: string[];
}

// ---------------------------------------------------------------------------------------------
// display helpers

/** A digest in hex (grouped for reading) and as words (SLIP-0039 list, 10 bits a word). */
export function digestLines(label: string, hexDigest: string): string[] {
  const bytes = fromHex(hexDigest);
  const groups = hexDigest.match(/.{1,16}/g) ?? [];
  const lines = [`${label}:`];
  for (let i = 0; i < groups.length; i += 4) lines.push(`    hex   ${groups.slice(i, i + 4).join(' ')}`);
  const words = fingerprintWords(bytes);
  for (let i = 0; i < words.length; i += 3) lines.push(`    words ${words.slice(i, i + 3).join(' / ')}`);
  return lines;
}

const roleTitle = (s: CeremonyScript, r: RoleId): string => s.roles[r].title;
const utf8 = new TextEncoder();

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------------
// the run

export async function runCeremony(input: RunInput): Promise<RunResult> {
  const { script } = input.loaded;
  if (script.kind !== 'root-key-generation' && !input.rootDir) {
    throw new WritError('USAGE', `a ${script.kind} ceremony needs --root-dir (the directory root-key-generation wrote)`);
  }
  const ceremonyId = input.ceremonyId ?? `${script.id}-${iso(input.now()).replace(/[-:]/g, '')}-${toHex(input.rng(3))}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(ceremonyId)) throw new WritError('USAGE', 'ceremony id: letters, digits, ".", "_" and "-" only');
  const staging = Staging.open(input.out);
  const st: State = {
    input,
    script,
    people: input.people,
    ceremonyId,
    staging,
    stepNo: 0,
    rootAlg: script.root?.alg ?? 'ml-dsa-87',
    approvedDigests: new Set(),
    officerSigners: {},
    csrs: [],
    revocations: [],
    pending: [],
    drillFailures: [],
    summary: [],
  };
  const total = script.steps.length;
  try {
    for (const [i, step] of script.steps.entries()) {
      st.step = step;
      st.stepNo = i + 1;
      await input.people.beforeStep?.(step.id);
      input.people.announce({
        n: i + 1,
        total,
        id: step.id,
        title: step.title,
        role: step.role,
        roleTitle: roleTitle(script, step.role),
        actors: st.participants ? actorsOf(st, step.role) : [],
        ...(step.instructions ? { instructions: step.instructions } : {}),
        shows: step.shows,
        confirm: step.confirm,
      });
      if (st.writer) event(st, 'step', { n: i + 1, of: total, title: step.title, action: step.action });
      // The close step shows the artifact list first; the witness confirms it before anything is signed.
      if (step.action === 'close') return await close(st);
      await ACTIONS[step.action](st, step);
      if (step.action === 'open') event(st, 'step', { n: i + 1, of: total, title: step.title, action: step.action });
      await confirmStep(st, step);
    }
    throw new WritError('SCRIPT', 'the script ended without a close step');
  } catch (e) {
    wipeAll(st);
    throw abort(st, e);
  } finally {
    wipeAll(st);
  }
}

function actorsOf(st: State, role: RoleId): string[] {
  const p = st.participants!;
  if (role === 'administrator') return [p.administrator];
  if (role === 'witness') return [p.witness];
  return [];
}

function event(st: State, name: string, data: Record<string, unknown> = {}, who?: { role: RoleId; actor: string }): void {
  if (!st.writer) return;
  const step = st.step!;
  const role = who?.role ?? step.role;
  const actor = who?.actor ?? (role === 'administrator' ? st.participants!.administrator : role === 'witness' ? st.participants!.witness : 'custodians');
  st.writer.append({ step: step.id, role, actor, event: name, data: data as never });
  flush(st);
}

/** Appends the lines not yet staged: the transcript grows on disk line by line. */
const stagedLines = new WeakMap<State, number>();
function flush(st: State): void {
  if (!st.writer) return;
  const lines = st.writer.lines();
  const done = stagedLines.get(st) ?? 0;
  for (const l of lines.slice(done)) st.staging.appendLine('transcript.jsonl', l);
  stagedLines.set(st, lines.length);
}

async function confirmStep(st: State, step: Step): Promise<void> {
  for (const r of step.confirm) {
    const names = r === 'custodian' ? st.participants!.custodians : [r === 'administrator' ? st.participants!.administrator : st.participants!.witness];
    for (const actor of names) {
      const ok = await st.people.ask({ kind: 'confirm', key: `${step.id}.${actor}.confirm`, role: r, actor, message: `${roleTitle(st.script, r)}: do you confirm step ${st.stepNo} (${step.title}) as shown?` });
      if (!ok) throw new WritError('ABORTED', `the ${roleTitle(st.script, r).toLowerCase()} (${actor}) did not confirm step ${st.stepNo} (${step.id})`);
      event(st, 'confirmed', { by: r }, { role: r, actor });
    }
  }
}

function show(st: State, lines: string[]): void {
  st.people.show(lines);
}

// ---------------------------------------------------------------------------------------------
// secrets and files

async function askSecret(st: State, key: string, role: RoleId, actor: string, message: string, isNew: boolean): Promise<Uint8Array> {
  const s = await st.people.ask({ kind: 'secret', key, role, actor, message, isNew });
  if (s.length === 0) throw new WritError('BAD_PASSPHRASE', 'an empty passphrase was given');
  return utf8.encode(s);
}

/** Resolves a path a person typed: absolute, relative to the working directory, or a file staged in this ceremony. */
function resolveInput(st: State, p: string): string {
  if (path.isAbsolute(p) || fs.existsSync(p)) return p;
  const staged = st.staging.stagedPath(p);
  if (staged) return staged;
  if (st.input.rootDir && fs.existsSync(path.join(st.input.rootDir, p))) return path.join(st.input.rootDir, p);
  return p;
}

function readInput(file: string, limit = MAX_CEREMONY_FILE_BYTES): Uint8Array {
  return readFileLimited(file, limit, 'MAX_CEREMONY_FILE_BYTES'); // stat first, bounded read (LIMIT / IO)
}

function stageFile(st: State, rel: string, data: Uint8Array | string, mode?: number): void {
  st.staging.write(rel, data, mode);
  event(st, 'staged', { path: rel, sha256: toHex(sha256(typeof data === 'string' ? utf8.encode(data) : data)) });
}

// ---------------------------------------------------------------------------------------------
// retry loop shared by shares and approvals

/**
 * Asks which custodian acts next until `needed` have been accepted. Each refusal is shown, recorded
 * (code and message, never the secret) and the custodian may try again; "no more" before the quorum
 * is a QUORUM refusal that aborts the step.
 */
async function collect(st: State, what: string, candidates: string[], needed: number, accept: (custodian: string) => Promise<void>, opts: { allowFewer?: boolean } = {}): Promise<string[]> {
  const accepted: string[] = [];
  let refusals = 0;
  const step = st.step!;
  const admin = st.participants!.administrator;
  while (accepted.length < needed) {
    const who = await st.people.ask({
      kind: 'select',
      key: `${step.id}.${admin}.next-custodian`,
      role: 'administrator',
      actor: admin,
      message: `Which custodian presents ${what} next? (${accepted.length} of ${needed} accepted)`,
      choices: [...candidates.map((c) => ({ value: c, name: accepted.includes(c) ? `${c} (already accepted)` : c })), { value: NO_MORE, name: NO_MORE }],
    });
    if (who === NO_MORE) {
      if (opts.allowFewer) break;
      const msg = `too few: ${accepted.length} ${what}(s) accepted, ${needed} needed`;
      show(st, [`REFUSED [QUORUM]: ${msg}`]);
      event(st, 'refused', { code: 'QUORUM', message: msg });
      throw new WritError('QUORUM', msg);
    }
    try {
      if (accepted.includes(who)) throw new WritError(what === 'share' ? 'SHARE_DUPLICATE' : 'APPROVAL_DUPLICATE', `${who} has already presented ${what === 'share' ? 'a share' : 'an approval'} in this step`);
      await accept(who);
      accepted.push(who);
    } catch (e) {
      if (!isWritError(e) || !RETRYABLE.has(e.code)) throw e;
      refusals++;
      show(st, [`REFUSED [${e.code}]: ${e.message}`, refusals < MAX_REFUSALS ? '  the custodian may try again' : '  too many refusals']);
      event(st, 'refused', { code: e.code, message: e.message }, { role: 'custodian', actor: who });
      if (refusals >= MAX_REFUSALS) throw new WritError(e.code, `${MAX_REFUSALS} refusals in step ${step.id}; last: ${e.message}`);
    }
  }
  return accepted;
}

// ---------------------------------------------------------------------------------------------
// shares

/** Reads one custodian's share (typed words, or their share file and passphrase) and returns the mnemonic. */
async function readShare(st: State, custodian: string): Promise<{ mnemonic: string; fileCeremony?: string }> {
  const step = st.step!;
  const src = await st.people.ask({
    kind: 'select',
    key: `${step.id}.${custodian}.share-source`,
    role: 'custodian',
    actor: custodian,
    message: 'How do you present your share?',
    choices: [
      { value: 'file', name: 'my encrypted share file' },
      { value: 'words', name: 'type the words of my share' },
    ],
  });
  if (src === 'words') {
    const m = await st.people.ask({ kind: 'secret', key: `${step.id}.${custodian}.share-words`, role: 'custodian', actor: custodian, message: 'Type your share words (hidden)', isNew: false });
    return { mnemonic: m };
  }
  const file = await st.people.ask({ kind: 'text', key: `${step.id}.${custodian}.share-file`, role: 'custodian', actor: custodian, message: 'Path of your share file' });
  const bytes = readInput(resolveInput(st, file));
  const header = readShareFileHeader(bytes);
  if (st.shareSet && header.rootFingerprint !== (st.enrolment?.root.keyFingerprint ?? toHex(sha256(encodeSpki(st.rootAlg, st.rootPublicKey!))))) {
    throw new WritError('SHARE_FOREIGN', `the share file of ${custodian} is for another root key (from ceremony ${header.ceremony})`);
  }
  const pass = await askSecret(st, `${step.id}.${custodian}.share-passphrase`, 'custodian', custodian, 'Passphrase of your share file', false);
  try {
    const c = decryptShareFile(bytes, pass);
    return { mnemonic: c.mnemonic, fileCeremony: c.ceremony };
  } finally {
    pass.fill(0);
  }
}

/** Checks a share against the share set: checksum, same split, not given twice, and its commitment. */
function checkShare(set: ShareSetRecord, custodian: string, mnemonic: string, fileCeremony: string | undefined, seen: Map<number, string>): number {
  const s = decodeMnemonic(mnemonic); // SHARE_CHECKSUM / PARSE
  s.value.fill(0);
  if (s.identifier !== set.identifier || s.iterationExponent !== set.iterationExponent || s.extendable !== set.extendable) {
    throw new WritError('SHARE_FOREIGN', `the share of ${custodian} is from another share set${fileCeremony ? ` (ceremony ${fileCeremony})` : ''}: identifier ${s.identifier}, expected ${set.identifier}`);
  }
  const other = seen.get(s.memberIndex);
  if (other !== undefined) throw new WritError('SHARE_DUPLICATE', `the share of ${custodian} is share ${s.memberIndex + 1}, already presented by ${other}`);
  const rec = set.custodians.find((c) => c.name === custodian);
  if (!rec) throw new WritError('SHARE_MISMATCH', `${custodian} holds no share of this set`);
  if (shareCommitment(mnemonic, fromHex(set.salt)) !== rec.commitment) {
    throw new WritError('SHARE_MISMATCH', `the share presented by ${custodian} is not the share recorded for ${custodian} at generation (share ${s.memberIndex + 1})`);
  }
  return s.memberIndex;
}

/** Collects a quorum of shares and rebuilds the seed; checks its public key against the root. */
async function rebuildSeed(st: State, set: ShareSetRecord, expectKeyFingerprint: string): Promise<{ seed: Uint8Array; presenters: string[] }> {
  const mnemonics: string[] = [];
  const seen = new Map<number, string>();
  const presenters = await collect(st, 'share', set.custodians.map((c) => c.name), set.threshold, async (who) => {
    const { mnemonic, fileCeremony } = await readShare(st, who);
    const idx = checkShare(set, who, mnemonic, fileCeremony, seen);
    seen.set(idx, who);
    mnemonics.push(mnemonic);
    show(st, [`share of ${who}: accepted (share ${idx + 1}, matches its commitment)`]);
    event(st, 'share-accepted', { memberIndex: idx }, { role: 'custodian', actor: who });
  });
  const seed = combineMnemonics(mnemonics);
  mnemonics.length = 0;
  const pub = keyPairFromSeed(st.rootAlg, seed).publicKey;
  const fp = toHex(sha256(encodeSpki(st.rootAlg, pub)));
  if (fp !== expectKeyFingerprint) {
    seed.fill(0);
    throw new WritError('SHARE_MISMATCH', 'the rebuilt key is not the root key: these shares belong to another root');
  }
  return { seed, presenters };
}

// ---------------------------------------------------------------------------------------------
// approvals and signing

/** A signer that only records what it is asked to sign (for computing the exact TBS bytes). */
function capturingSigner(alg: SigAlgName, publicKey: Uint8Array): { signer: Signer; captured: () => Uint8Array } {
  let tbs: Uint8Array | undefined;
  return {
    signer: {
      alg,
      publicKey,
      sign(m: Uint8Array): Uint8Array {
        tbs = m.slice();
        return new Uint8Array(SIG_LENGTH[alg]);
      },
    },
    captured: () => {
      if (!tbs) throw new WritError('INTERNAL', 'nothing was presented for signing');
      return tbs;
    },
  };
}

/** The root signer, gated: it signs only bytes whose SHA-512 was approved (or the closing record). */
function gatedSigner(st: State, inner: Signer & { wipe(): void }): Signer & { wipe(): void } {
  return {
    alg: inner.alg,
    publicKey: inner.publicKey,
    sign(m: Uint8Array): Uint8Array {
      const d = toHex(sha512(m));
      if (!st.approvedDigests.has(d)) throw new WritError('APPROVAL_MISSING', 'refusing to sign bytes whose digest no quorum of custodians approved');
      st.approvedDigests.delete(d); // one approval, one signature
      return inner.sign(m);
    },
    wipe: () => inner.wipe(),
  };
}

function enrolledCustodians(st: State): EnrolledKey[] {
  return (st.writer?.enrolled ?? []).filter((k) => k.role === 'custodian');
}

/**
 * M custodians approve each digest: each loads their enrolled key (or brings an approval file made on
 * their own device); the writer checks every approval (ceremony id, digest, enrolled key, duplicates)
 * before recording it. Returns the approvers.
 */
async function approveDigests(st: State, items: { label: string; digest: string }[], approvers?: string[]): Promise<string[]> {
  const step = st.step!;
  for (const it of items) show(st, digestLines(`To be signed: ${it.label} (SHA-512)`, it.digest));
  const candidates = approvers ?? enrolledCustodians(st).map((k) => k.actor);
  const keyDefault = (who: string): string => (st.input.rootDir ? path.join(st.input.rootDir, 'keys', `${who}.key`) : `keys/${who}.key`);
  const who = await collect(st, 'approval', candidates, st.script.quorum.threshold, async (c) => {
    const method = await st.people.ask({
      kind: 'select',
      key: `${step.id}.${c}.approval-method`,
      role: 'custodian',
      actor: c,
      message: `${c}: compare the digest(s) read aloud, then approve with`,
      choices: [
        { value: 'key', name: 'my approval key file (signed here)' },
        { value: 'file', name: 'an approval file I signed on my own device' },
      ],
    });
    const records: ApprovalRecord[] = [];
    if (method === 'key') {
      const file = await st.people.ask({ kind: 'text', key: `${step.id}.${c}.key-file`, role: 'custodian', actor: c, message: 'Path of your approval key', default: keyDefault(c) });
      const bytes = readInput(resolveInput(st, file));
      const pass = await askSecret(st, `${step.id}.${c}.key-passphrase`, 'custodian', c, 'Passphrase of your approval key', false);
      let signer: (Signer & { wipe(): void }) | undefined;
      try {
        signer = openApprovalKey(bytes, pass, file);
        for (const it of items) {
          const yes = await st.people.ask({ kind: 'confirm', key: `${step.id}.${c}.approve`, role: 'custodian', actor: c, message: `Approve ${it.label}, digest ${it.digest.slice(0, 16)}…${it.digest.slice(-8)}?` });
          if (!yes) throw new WritError('ABORTED', `${c} declined to approve ${it.label}`);
          records.push(makeApproval({ ceremonyId: st.ceremonyId, digest: it.digest, custodian: c, signer, signingTime: wholeSeconds(st.input.now()) }));
        }
      } finally {
        pass.fill(0);
        signer?.wipe();
      }
    } else {
      const file = await st.people.ask({ kind: 'text', key: `${step.id}.${c}.approval-file`, role: 'custodian', actor: c, message: 'Path of your approval file (JSON)' });
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder().decode(readInput(resolveInput(st, file))));
      } catch (e) {
        if (isWritError(e)) throw e;
        throw new WritError('PARSE', `${file} is not JSON`);
      }
      const list = Array.isArray(parsed) ? parsed : [parsed];
      for (const it of items) {
        const rec = list.find((r: ApprovalRecord) => r && r.digest === it.digest) ?? list[0];
        records.push(rec as ApprovalRecord);
      }
    }
    // Every record is checked before any is recorded: a custodian's approvals go in together or not at all.
    records.forEach((r, i) => {
      if (r?.custodian !== undefined && r.custodian !== c) throw new WritError('APPROVAL_UNKNOWN_KEY', `the approval presented by ${c} is ${r.custodian}'s`);
      if (r?.digest !== items[i]!.digest) throw new WritError('APPROVAL_DIGEST', `the approval presented by ${c} is over a different digest than ${items[i]!.label}`);
    });
    for (const [i, r] of records.entries()) {
      st.writer!.recordApproval({ step: step.id, digest: items[i]!.digest, approval: r });
      flush(st);
    }
    show(st, [`approval of ${c}: accepted`]);
  });
  for (const it of items) st.approvedDigests.add(it.digest);
  return who;
}

async function signPending(st: State): Promise<void> {
  if (!st.rootSigner) throw new WritError('INTERNAL', 'the root key is not available');
  for (const p of st.pending) {
    const der = p.build(st.rootSigner);
    st.writer!.recordSigning({ step: st.step!.id, digest: p.digest, label: p.label });
    flush(st);
    stageFile(st, p.rel, pemEncode(p.pemLabel, der));
    show(st, [...digestLines(`${p.label}: SHA-256 fingerprint`, toHex(sha256(der)))]);
  }
  st.pending = [];
}

function prepare(st: State, label: string, rel: string, pemLabel: Pending['pemLabel'], build: Pending['build']): Pending {
  const cap = capturingSigner(st.rootAlg, st.rootPublicKey!);
  build(cap.signer);
  const digest = toHex(sha512(cap.captured()));
  return { label, rel, pemLabel, build, digest };
}

// ---------------------------------------------------------------------------------------------
// root directory

function loadRootDir(st: State): void {
  const dir = st.input.rootDir!;
  const certFile = path.join(dir, 'root.pem');
  const blocks = pemDecodeAll(new TextDecoder().decode(readInput(certFile)));
  const b = blocks.find((x) => x.label === 'CERTIFICATE');
  if (!b) throw new WritError('PARSE', `${certFile} holds no certificate`);
  st.rootCertDer = b.der;
  st.rootCert = parseCertificate(b.der);
  st.enrolment = parseEnrolment(new TextDecoder().decode(readInput(path.join(dir, 'enrolment.json'))), path.join(dir, 'enrolment.json'));
  const fp = spkiFingerprint(st.rootCert.spki.der);
  if (fp !== st.enrolment.root.keyFingerprint) throw new WritError('KEY_MISMATCH', `${certFile} is not the root named in enrolment.json`);
  st.rootAlg = st.enrolment.root.alg;
  st.rootPublicKey = st.rootCert.spki.publicKey;
  st.shareSet = st.enrolment.shares;
}

// ---------------------------------------------------------------------------------------------
// step actions

type Action = (st: State, step: Step) => Promise<void>;

async function askNames(st: State): Promise<Participants> {
  const p = st.people;
  if (p.participants) return p.participants;
  const ask = (key: string, message: string, def?: string): Promise<string> =>
    p.ask({ kind: 'text', key: `open.administrator.${key}`, role: 'administrator', actor: 'administrator', message, ...(def ? { default: def } : {}) });
  const administrator = await ask('name', 'Name of the ceremony administrator', st.enrolment?.officers[0]?.name);
  const witness = await ask('witness', 'Name of the internal witness', st.enrolment?.officers[1]?.name);
  const custodians: string[] = [];
  if (st.enrolment) custodians.push(...st.enrolment.custodians.map((c) => c.name));
  else for (let i = 1; i <= st.script.quorum.custodians; i++) custodians.push(await ask(`custodian-${i}`, `Name of custodian ${i} of ${st.script.quorum.custodians}`));
  const out: Participants = { administrator, witness, custodians };
  if (st.script.kind === 'custodian-rotation') {
    out.newCustodians = [];
    for (let i = 1; i <= st.script.quorum.newCustodians!; i++) out.newCustodians.push(await ask(`new-custodian-${i}`, `Name of new custodian ${i} of ${st.script.quorum.newCustodians}`));
  }
  return out;
}

function checkNames(st: State, p: Participants): void {
  const all = [p.administrator, p.witness, ...p.custodians, ...(p.newCustodians ?? [])];
  for (const n of all) if (!/^[\p{L}\p{N}][\p{L}\p{N} ._'-]{0,63}$/u.test(n)) throw new WritError('USAGE', `"${n}" is not a usable name (letters, digits, space . _ ' -)`);
  if (new Set([p.administrator, p.witness, ...p.custodians]).size !== 2 + p.custodians.length) {
    throw new WritError('USAGE', 'the administrator, the witness and every custodian must be different people');
  }
  if (p.custodians.length !== (st.enrolment?.custodians.length ?? st.script.quorum.custodians)) {
    throw new WritError('USAGE', `${p.custodians.length} custodians named, the script needs ${st.script.quorum.custodians}`);
  }
  if (st.enrolment) {
    const enrolled = st.enrolment.custodians.map((c) => c.name);
    if (p.custodians.some((c, i) => c !== enrolled[i])) throw new WritError('USAGE', `the custodians must be the enrolled ones: ${enrolled.join(', ')}`);
  }
  if (p.newCustodians) {
    if (p.newCustodians.length !== st.script.quorum.newCustodians) throw new WritError('USAGE', `${p.newCustodians.length} new custodians named, the script needs ${st.script.quorum.newCustodians}`);
    if (new Set([p.administrator, p.witness, ...p.newCustodians]).size !== 2 + p.newCustodians.length) throw new WritError('USAGE', 'new custodians must be distinct people, other than the administrator and witness');
  }
}

/** Officers of a root-dir ceremony unlock their enrolled keys at the start, so any abort can be co-signed. */
async function unlockOfficers(st: State): Promise<EnrolledKey[]> {
  const keys: EnrolledKey[] = [];
  for (const role of ['administrator', 'witness'] as const) {
    const name = st.participants![role];
    const rec = st.enrolment!.officers.find((o) => o.name === name);
    if (!rec) throw new WritError('APPROVAL_UNKNOWN_KEY', `${name} has no enrolled officer key; only enrolled officers (${st.enrolment!.officers.map((o) => o.name).join(', ')}) may serve as ${role}`);
    const file = await st.people.ask({ kind: 'text', key: `open.${name}.key-file`, role, actor: name, message: `Path of your officer key`, default: path.join(st.input.rootDir!, 'keys', `${name}.key`) });
    const pass = await askSecret(st, `open.${name}.key-passphrase`, role, name, 'Passphrase of your officer key', false);
    try {
      const s = openApprovalKey(readInput(resolveInput(st, file)), pass, file);
      if (!bytesEqual(s.publicKey, Uint8Array.from(Buffer.from(rec.publicKey, 'base64')))) {
        s.wipe();
        throw new WritError('KEY_MISMATCH', `${file} is not the key enrolled for ${name}`);
      }
      st.officerSigners[role] = s;
    } finally {
      pass.fill(0);
    }
    keys.push(asEnrolled(role, rec));
  }
  return keys;
}

const ACTIONS: Record<Exclude<Step['action'], 'close'>, Action> = {
  async open(st) {
    if (st.input.rootDir) loadRootDir(st);
    const p = await askNames(st);
    checkNames(st, p);
    st.participants = p;
    const headerKeys: EnrolledKey[] = [];
    if (st.enrolment) {
      headerKeys.push(...(await unlockOfficers(st)));
      headerKeys.push(...st.enrolment.custodians.map((c) => asEnrolled('custodian', c)));
    }
    st.writer = new TranscriptWriter({
      ceremonyId: st.ceremonyId,
      rehearsal: st.input.rehearsal,
      now: st.input.now,
      script: { name: st.script.id, sha256: st.input.loaded.digest },
      roles: { administrator: p.administrator, witness: p.witness, custodians: [...new Set([...p.custodians, ...(p.newCustodians ?? [])])] },
      quorum: st.script.quorum.threshold,
      keys: headerKeys,
      // A share drill never rebuilds the root key, so its transcript is closed by the officers alone.
      ...(st.script.kind === 'share-drill' ? { rootSigned: false } : {}),
    });
    flush(st);
    show(st, [
      `Ceremony ${st.ceremonyId}${st.input.rehearsal ? '  (REHEARSAL)' : ''}`,
      `Script ${st.script.id}: ${st.script.title}`,
      ...digestLines('Script SHA-256', st.input.loaded.digest),
      `Administrator: ${p.administrator}    Witness: ${p.witness}`,
      `Custodians: ${p.custodians.join(', ')}  (quorum ${st.script.quorum.threshold} of ${p.custodians.length})`,
      ...(p.newCustodians ? [`New custodians: ${p.newCustodians.join(', ')}  (quorum ${st.script.quorum.newThreshold} of ${p.newCustodians.length})`] : []),
    ]);
  },

  async 'generate-seed'(st) {
    st.seed = st.input.rng(32).slice();
    st.rootPublicKey = keyPairFromSeed(st.rootAlg, st.seed).publicKey;
    const fp = toHex(sha256(encodeSpki(st.rootAlg, st.rootPublicKey)));
    show(st, ['Root seed generated in memory (32 bytes, never written).', ...digestLines(`Root public key fingerprint (${st.rootAlg}, SHA-256 of SPKI)`, fp)]);
    event(st, 'root-key', { alg: st.rootAlg, keyFingerprint: fp });
  },

  async split(st) {
    await splitFor(st, st.participants!.custodians, st.script.quorum.threshold);
  },

  async reshare(st) {
    await splitFor(st, st.participants!.newCustodians!, st.script.quorum.newThreshold!);
  },

  async enrol(st) {
    const alg = st.script.approvalKeyAlg ?? 'ml-dsa-65';
    const p = st.participants!;
    const rotation = st.script.kind === 'custodian-rotation';
    const people: { role: RoleId; name: string }[] = rotation
      ? p.newCustodians!.map((name) => ({ role: 'custodian' as const, name }))
      : [...p.custodians.map((name) => ({ role: 'custodian' as const, name })), { role: 'administrator', name: p.administrator }, { role: 'witness', name: p.witness }];
    const rec = { custodians: [] as PublicKeyRecord[], officers: [] as PublicKeyRecord[] };
    for (const { role, name } of people) {
      const kept = rotation ? st.enrolment!.custodians.find((c) => c.name === name) : undefined;
      if (kept) {
        // A continuing custodian keeps the approval key already enrolled (it is in this transcript's header);
        // its encrypted key file is carried into the new root directory when the old one has it.
        rec.custodians.push(kept);
        carryKeyFile(st, name);
        show(st, digestLines(`Approval key of ${name} (kept from enrolment ${st.enrolment!.ceremony})`, kept.keyId));
        continue;
      }
      const pass = await askSecret(st, `${st.step!.id}.${name}.new-passphrase`, role, name, `Choose a passphrase for your approval key (${alg})`, true);
      const k = newApprovalKey(alg, pass, st.input.rng, st.input.kdfCost);
      pass.fill(0);
      const r = k.record(name);
      stageFile(st, outputPath(st.script, 'approval-keys', name)!, k.pem, 0o600);
      st.writer!.enrol({ step: st.step!.id, role, actor: name, keys: [asEnrolled(role, r)] });
      flush(st);
      show(st, digestLines(`Approval key of ${name} (${roleTitle(st.script, role)})`, r.keyId));
      if (role === 'custodian') {
        rec.custodians.push(r);
        k.signer.wipe(); // custodians approve later by unlocking their key file, as in every later ceremony
      } else {
        rec.officers.push(r);
        st.officerSigners[role as 'administrator' | 'witness'] = k.signer;
      }
    }
    st.newEnrolment = { ...(st.newEnrolment ?? {}), custodians: rec.custodians, officers: rotation ? (st.enrolment?.officers ?? []) : rec.officers };
  },

  async 'make-root'(st) {
    const r = st.script.root ?? {};
    const now = wholeSeconds(st.input.now());
    const serial = st.input.rng(16).slice();
    serial[0]! &= 0x7f;
    const rel = outputPath(st.script, 'root-cert')!;
    const spki = encodeSpki(st.rootAlg, st.rootPublicKey!);
    const build = (signer: Signer): Uint8Array =>
      issueCertificate(
        { profile: 'root', issuerSigner: signer, subjectSpki: spki, subject: r.subject ?? 'CN=writ root', domain: r.domain ?? 'writ.example', notBefore: now, notAfter: addDays(now, r.validityDays ?? 7300), serial },
        { now, rng: st.input.rng },
      );
    const p = prepare(st, 'root certificate', rel, 'CERTIFICATE', build);
    const approvers = await approveDigests(st, [p], st.participants!.custodians);
    show(st, [`approved by ${approvers.join(', ')}`]);
    st.rootSigner = gatedSigner(st, signerFromSeed(st.rootAlg, st.seed!));
    st.pending = [p];
    await signPending(st);
    const der = st.staging.written().get(rel)!;
    st.rootCertDer = pemDecodeAll(new TextDecoder().decode(der))[0]!.der;
    st.rootCert = parseCertificate(st.rootCertDer);
  },

  async 'prove-recovery'(st) {
    const fp = toHex(sha256(encodeSpki(st.rootAlg, st.rootPublicKey!)));
    const { seed, presenters } = await rebuildSeed(st, st.shareSet!, fp);
    const same = bytesEqual(seed, st.seed!);
    seed.fill(0);
    if (!same) throw new WritError('SHARE_MISMATCH', 'the recombined seed differs from the generated one');
    show(st, [`Recovered from the shares of ${presenters.join(', ')}.`, ...digestLines('Re-derived root public key fingerprint', fp), 'It matches the root certificate.']);
    event(st, 'recovery-proved', { presenters, keyFingerprint: fp });
  },

  async wipe(st) {
    const what: string[] = [];
    if (st.seed) {
      st.seed.fill(0);
      st.seed = undefined;
      what.push('root key (32-byte seed)');
    }
    if (st.mnemonics) {
      st.mnemonics.clear();
      st.mnemonics = undefined;
      what.push('the shares of this ceremony (references dropped)');
    }
    if (st.rootSigner) what.push('root signer: kept only to sign the closing record, then wiped');
    st.pending = [];
    st.approvedDigests.clear();
    show(st, ['Wiped from memory:', ...what.map((w) => `  - ${w}`)]);
    event(st, 'wiped', { items: what });
  },

  async 'load-root'(st) {
    const e = st.enrolment!;
    const certFp = toHex(sha256(st.rootCertDer!));
    show(st, [
      `Root: ${st.rootCert!.subject.text}`,
      ...digestLines('Root certificate fingerprint (SHA-256)', certFp),
      `Share set ${e.shares.identifier}: ${e.shares.threshold} of ${e.shares.count}, custodians ${e.custodians.map((c) => c.name).join(', ')}`,
      `Officers: ${e.officers.map((o) => o.name).join(', ')}`,
    ]);
    event(st, 'root-loaded', { certFingerprint: certFp, keyFingerprint: e.root.keyFingerprint, enrolment: e.ceremony });
    if (st.script.kind === 'regional-issuance' && st.script.rotation) {
      const { planRegionals } = await import('./plan.js');
      const plan = planRegionals(st.input.rootDir!, st.input.now(), st.script.rotation);
      show(st, ['Rotation plan:', ...(plan.length ? plan.map((x) => `  ${x.region}: ${x.status} (${x.reason})`) : ['  no regional certificates issued yet'])]);
    }
  },

  async 'load-csrs'(st) {
    const inputs = st.input.inputs ?? [];
    if (inputs.length === 0) throw new WritError('USAGE', 'give the regional requests with --in north.csr --in south.csr (or --in region=FILE)');
    const regions = st.script.regions ?? {};
    for (const arg of inputs) {
      const m = /^([a-z0-9][a-z0-9-]*)=(.+)$/.exec(arg);
      const file = m ? m[2]! : arg;
      const region = m ? m[1]! : path.basename(file).replace(/\.(csr|pem|der)$/i, '');
      if (!regions[region]) throw new WritError('USAGE', `region "${region}" (from ${arg}) is not in the script; it lists ${Object.keys(regions).join(', ')}`);
      if (st.csrs.some((c) => c.region === region)) throw new WritError('USAGE', `two requests for region ${region}`);
      const bytes = readInput(file);
      const blocks = pemDecodeAll(new TextDecoder().decode(bytes));
      const der = blocks.find((x) => x.label === 'CERTIFICATE REQUEST')?.der ?? bytes;
      const csr = checkCsr(der); // proof of possession: the request's own signature
      st.csrs.push({ region, csr, file });
      show(st, [`${region}: ${csr.subject.text}  levels ${regions[region]!.levels.join(', ')}`, ...digestLines(`  key fingerprint (SHA-256 of SPKI)`, spkiFingerprint(csr.spki.der)), '  proof of possession: the request signature verifies']);
      event(st, 'request', { region, subject: csr.subject.text, keyFingerprint: spkiFingerprint(csr.spki.der) });
    }
    const now = wholeSeconds(st.input.now());
    const rot = st.script.rotation!;
    // The rotation schedule: a region whose current certificate is not yet due gets a new one only when the
    // administrator says so explicitly (e.g. after a compromise); the transcript records it.
    const { planRegionals } = await import('./plan.js');
    const plan = planRegionals(st.input.rootDir!, now, rot);
    for (const c of st.csrs) {
      const current = plan.filter((r) => r.region === c.region && r.status === 'fine' && !r.reason.startsWith('replaced'));
      if (current.length === 0) continue;
      const admin = st.participants!.administrator;
      const yes = await st.people.ask({
        kind: 'confirm',
        key: `${st.step!.id}.${admin}.out-of-schedule-${c.region}`,
        role: 'administrator',
        actor: admin,
        message: `${c.region} is not due (${current[0]!.reason}). Issue a new ${c.region} certificate out of schedule?`,
      });
      if (!yes) throw new WritError('ABORTED', `region ${c.region} is not due for a new certificate (${current[0]!.reason})`);
      event(st, 'out-of-schedule', { region: c.region, current: current[0]!.file, serial: current[0]!.serial });
    }
    for (const c of st.csrs) {
      const serial = st.input.rng(16).slice();
      serial[0]! &= 0x7f;
      const build = (signer: Signer): Uint8Array =>
        issueCertificate(
          { profile: 'regional', issuerCert: st.rootCert!, issuerSigner: signer, csr: c.csr, region: c.region, levels: regions[c.region]!.levels, notBefore: now, notAfter: addDays(now, rot.validityDays), serial },
          { now, rng: st.input.rng },
        );
      st.pending.push(prepare(st, `regional CA ${c.region}`, outputPath(st.script, 'regional-certs', c.region)!, 'CERTIFICATE', build));
    }
  },

  async 'load-revocations'(st) {
    const inputs = st.input.inputs ?? [];
    if (inputs.length > 1) throw new WritError('USAGE', 'give at most one revocations file (--in revocations.yaml)');
    if (inputs[0]) {
      const { parse } = await import('yaml');
      const v: unknown = parse(new TextDecoder().decode(readInput(inputs[0])));
      const list = Array.isArray(v) ? v : ((v as { revoke?: unknown })?.revoke ?? []);
      if (!Array.isArray(list)) throw new WritError('PARSE', `${inputs[0]}: expected a list of {serial, reason}`);
      for (const r of list as { serial?: unknown; reason?: unknown }[]) {
        if (typeof r?.serial !== 'string' || !/^[0-9a-fA-F]{1,40}$/.test(r.serial)) throw new WritError('PARSE', `${inputs[0]}: a serial must be hex`);
        if (r.reason !== undefined && !CRL_REASONS.includes(r.reason as CrlReason)) throw new WritError('PARSE', `${inputs[0]}: unknown reason ${String(r.reason)}`);
        st.revocations.push({ serial: r.serial.toLowerCase(), ...(r.reason ? { reason: r.reason as CrlReason } : {}) });
      }
    }
    show(st, st.revocations.length ? st.revocations.map((r) => `revoke ${r.serial} (${r.reason ?? 'unspecified'})`) : ['nothing to revoke: the CRL lists no certificate']);
    event(st, 'revocations', { entries: st.revocations.map((r) => ({ serial: r.serial, reason: r.reason ?? 'unspecified' })) });
    const now = wholeSeconds(st.input.now());
    const crlNumber = BigInt(Math.floor(now.getTime() / 1000));
    const build = (signer: Signer): Uint8Array =>
      issueCrl({ issuerCert: st.rootCert!, issuerSigner: signer, revoked: st.revocations.map((r) => ({ ...r, date: now })), thisUpdate: now, nextUpdateDays: st.script.crl!.nextUpdateDays, crlNumber }, { now });
    st.pending.push(prepare(st, 'root CRL', outputPath(st.script, 'crl')!, 'X509 CRL', build));
  },

  async approve(st) {
    if (st.script.kind === 'custodian-rotation') {
      const p = st.participants!;
      const statement = { type: 'writ-custodian-rotation/1', ceremonyId: st.ceremonyId, rootKey: st.enrolment!.root.keyFingerprint, newCustodians: p.newCustodians!, newThreshold: st.script.quorum.newThreshold! };
      st.rotationDigest = toHex(sha512(canonicalBytes(statement)));
      show(st, [`Rotation: root key ${st.enrolment!.root.keyFingerprint.slice(0, 16)}… re-shared to ${p.newCustodians!.join(', ')} (${st.script.quorum.newThreshold} of ${p.newCustodians!.length})`]);
      event(st, 'rotation-statement', statement);
      const who = await approveDigests(st, [{ label: 'custodian rotation', digest: st.rotationDigest }]);
      show(st, [`approved by ${who.join(', ')}`]);
      return;
    }
    if (st.pending.length === 0) throw new WritError('SCRIPT', 'nothing to approve: the approve step must follow load-csrs or load-revocations');
    const who = await approveDigests(st, st.pending);
    show(st, [`approved by ${who.join(', ')}`]);
  },

  async 'rebuild-root'(st) {
    const { seed, presenters } = await rebuildSeed(st, st.shareSet!, st.enrolment!.root.keyFingerprint);
    st.seed = seed;
    const inner = signerFromSeed(st.rootAlg, seed);
    if (!bytesEqual(inner.publicKey, st.rootCert!.spki.publicKey)) {
      inner.wipe();
      throw new WritError('KEY_MISMATCH', 'the rebuilt key does not match root.pem');
    }
    st.rootSigner = gatedSigner(st, inner);
    show(st, [`Root key rebuilt in memory from the shares of ${presenters.join(', ')}.`, ...digestLines('Re-derived root public key fingerprint', st.enrolment!.root.keyFingerprint), 'It matches root.pem.']);
    event(st, 'root-rebuilt', { presenters, keyFingerprint: st.enrolment!.root.keyFingerprint });
  },

  async sign(st) {
    await signPending(st);
  },

  async drill(st) {
    const set = st.shareSet!;
    const seen = new Map<number, string>();
    const ok: string[] = [];
    await collect(
      st,
      'share',
      set.custodians.map((c) => c.name),
      set.custodians.length,
      async (who) => {
        try {
          const { mnemonic, fileCeremony } = await readShare(st, who);
          const idx = checkShare(set, who, mnemonic, fileCeremony, seen);
          seen.set(idx, who);
          ok.push(who);
          show(st, [`share of ${who}: OK (share ${idx + 1} matches the commitment recorded at generation)`]);
          event(st, 'drill-ok', { memberIndex: idx }, { role: 'custodian', actor: who });
        } catch (e) {
          if (!isWritError(e) || !RETRYABLE.has(e.code)) throw e;
          st.drillFailures.push({ custodian: who, code: e.code, message: e.message });
          throw e;
        }
      },
      { allowFewer: true },
    );
    // A later success for the same custodian clears an earlier failure (they may retry).
    st.drillFailures = st.drillFailures.filter((f) => !ok.includes(f.custodian));
    const absent = set.custodians.map((c) => c.name).filter((n) => !ok.includes(n));
    show(st, [`Drill: ${ok.length} of ${set.custodians.length} shares checked OK${absent.length ? `; not checked: ${absent.join(', ')}` : ''}`]);
    event(st, 'drill-result', { ok, notChecked: absent, failures: st.drillFailures.map((f) => ({ custodian: f.custodian, code: f.code })) });
    st.summary.push(`drill: ${ok.length}/${set.custodians.length} shares OK${absent.length ? ` (not checked: ${absent.join(', ')})` : ''}`);
  },
};

/** Splits the seed for `holders` (threshold M), records commitments and offers each holder their mnemonic / share file. */
async function splitFor(st: State, holders: string[], threshold: number): Promise<void> {
  const seed = st.seed!;
  const groups = splitSecret(seed, { groupThreshold: 1, groups: [{ threshold, count: holders.length }], extendable: true, iterationExponent: 1, rng: st.input.rng });
  const mnemonics = groups[0]!;
  const salt = st.input.rng(16).slice();
  const first = decodeMnemonic(mnemonics[0]!);
  first.value.fill(0);
  const set: ShareSetRecord = {
    identifier: first.identifier,
    threshold,
    count: holders.length,
    iterationExponent: first.iterationExponent,
    extendable: first.extendable,
    salt: toHex(salt),
    custodians: holders.map((name, i) => {
      const d = decodeMnemonic(mnemonics[i]!);
      d.value.fill(0);
      return { name, memberIndex: d.memberIndex, commitment: shareCommitment(mnemonics[i]!, salt) };
    }),
  };
  const keyFp = st.enrolment?.root.keyFingerprint ?? toHex(sha256(encodeSpki(st.rootAlg, st.rootPublicKey!)));
  st.mnemonics = new Map(holders.map((h, i) => [h, mnemonics[i]!]));
  show(st, [`Share set ${set.identifier}: ${threshold} of ${holders.length} (SLIP-0039, extendable, iteration exponent ${set.iterationExponent})`]);
  for (const [i, name] of holders.entries()) {
    const m = mnemonics[i]!;
    let see = await st.people.ask({ kind: 'confirm', key: `${st.step!.id}.${name}.show-words`, role: 'custodian', actor: name, message: `${name}: do you want to see your share words now, on this screen, to copy onto paper?` });
    if (see) {
      const words = m.split(' ');
      const lines: string[] = [];
      for (let w = 0; w < words.length; w += 5) lines.push(words.slice(w, w + 5).map((x, j) => `${String(w + j + 1).padStart(2)}. ${x.padEnd(10)}`).join(' '));
      see = await st.people.showPrivately(name, `share ${i + 1} of ${holders.length}`, lines);
    }
    const file = await st.people.ask({ kind: 'confirm', key: `${st.step!.id}.${name}.want-share-file`, role: 'custodian', actor: name, message: `${name}: write your share to a file encrypted under your own passphrase?` });
    if (file) {
      const pass = await askSecret(st, `${st.step!.id}.${name}.share-passphrase`, 'custodian', name, 'Choose a passphrase for your share file', true);
      const bytes = encryptShareFile({ mnemonic: m, ceremony: st.ceremonyId, custodian: name, rootFingerprint: keyFp }, pass, { rng: st.input.rng, ...(st.input.kdfCost ? { costs: st.input.kdfCost } : {}) });
      pass.fill(0);
      stageFile(st, outputPath(st.script, 'share-files', name)!, bytes, 0o600);
    }
    if (!see && !file) {
      // A share nobody keeps would silently lower the number of custodians who can act.
      throw new WritError('ABORTED', `${name} took neither the words nor a share file: their share would be lost`);
    }
    show(st, [`custodian ${name}: share ${set.custodians[i]!.memberIndex + 1}, commitment ${set.custodians[i]!.commitment.slice(0, 16)}…`]);
    event(st, 'share-issued', { memberIndex: set.custodians[i]!.memberIndex, commitment: set.custodians[i]!.commitment, words: see, file }, { role: 'custodian', actor: name });
  }
  st.shareSet = set;
  st.newEnrolment = { custodians: st.newEnrolment?.custodians ?? [], officers: st.newEnrolment?.officers ?? [], shares: set };
  event(st, 'share-set', { identifier: set.identifier, threshold, count: holders.length, salt: set.salt });
}

// ---------------------------------------------------------------------------------------------
// close and abort

async function close(st: State): Promise<RunResult> {
  const s = st.script;
  const w = st.writer!;
  // Public records of the generation / rotation go in before the artifact list is made.
  if (s.kind === 'root-key-generation' || s.kind === 'custodian-rotation') {
    const ne = st.newEnrolment!;
    const enrolment: Enrolment = {
      type: ENROLMENT_TYPE,
      version: 1,
      ceremony: st.ceremonyId,
      root: { alg: st.rootAlg, keyFingerprint: toHex(sha256(encodeSpki(st.rootAlg, st.rootPublicKey!))) },
      shares: ne.shares!,
      custodians: ne.custodians,
      officers: ne.officers,
    };
    stageFile(st, outputPath(s, 'enrolment')!, `${JSON.stringify(enrolment, null, 2)}\n`);
    const rotation = s.rotation ?? readRotation(st.input.rootDir!);
    stageFile(st, outputPath(s, 'rotation')!, `${JSON.stringify({ type: 'writ-rotation', version: 1, regional: rotation }, null, 2)}\n`);
    if (s.kind === 'custodian-rotation') {
      stageFile(st, outputPath(s, 'root-cert')!, pemEncode('CERTIFICATE', st.rootCertDer!));
      for (const o of st.enrolment!.officers) carryKeyFile(st, o.name);
    }
  }
  const files: Record<string, Uint8Array> = {};
  const artifacts: Record<string, string> = {};
  for (const [rel, bytes] of st.staging.written()) {
    files[rel] = bytes;
    artifacts[rel] = toHex(sha256(bytes));
  }
  show(st, ['Artifacts (SHA-256):', ...Object.entries(artifacts).map(([p, h]) => `  ${h}  ${p}`)]);
  await confirmStep(st, st.step!);
  const signers: CmsSignerInput[] = [];
  if (st.rootSigner && st.rootCert) {
    // The closing record is the one thing the root signs without a TBS approval: allow exactly it.
    const inner = st.rootSigner;
    signers.push({
      signer: { alg: inner.alg, publicKey: inner.publicKey, sign: (m: Uint8Array) => (st.approvedDigests.add(toHex(sha512(m))), inner.sign(m)) },
      cert: st.rootCert,
    });
  }
  for (const r of ['administrator', 'witness'] as const) {
    const o = st.officerSigners[r];
    if (o) signers.push({ signer: o });
  }
  const lines = w.close({ artifacts, signers });
  st.staging.replace('transcript.jsonl', lines.map((l) => `${l}\n`).join(''));
  wipeAll(st);
  st.staging.commit();
  const transcript = `${lines.map((l) => `${l}\n`).join('')}`;
  files['transcript.jsonl'] = utf8.encode(transcript);
  return {
    ceremonyId: st.ceremonyId,
    kind: s.kind,
    rehearsal: st.input.rehearsal,
    out: st.staging.out,
    artifacts,
    files,
    ...(st.rootPublicKey ? { rootKeyFingerprint: toHex(sha256(encodeSpki(st.rootAlg, st.rootPublicKey))) } : {}),
    summary: [
      `${s.title}: ceremony ${st.ceremonyId}${st.input.rehearsal ? ' (rehearsal)' : ''}, ${Object.keys(artifacts).length} artifact(s) + transcript.jsonl in ${st.staging.out}`,
      ...st.summary,
    ],
    ...(s.kind === 'share-drill' ? { drillFailures: st.drillFailures } : {}),
  };
}

/** Copies an enrolled person's encrypted key file from the old root directory into the new one (rotation). */
function carryKeyFile(st: State, name: string): void {
  const from = path.join(st.input.rootDir!, 'keys', `${name}.key`);
  const rel = outputPath(st.script, 'approval-keys', name)!;
  if (fs.existsSync(from) && !st.staging.written().has(rel)) stageFile(st, rel, readInput(from), 0o600);
}

function readRotation(rootDir: string): { validityDays: number; overlapDays: number } {
  const v = JSON.parse(new TextDecoder().decode(readInput(path.join(rootDir, 'rotation.json')))) as { regional?: { validityDays: number; overlapDays: number } };
  if (!v.regional) throw new WritError('PARSE', `${rootDir}/rotation.json has no regional schedule`);
  return v.regional;
}

function wipeAll(st: State): void {
  st.seed?.fill(0);
  st.seed = undefined;
  st.mnemonics?.clear();
  st.mnemonics = undefined;
  st.approvedDigests.clear();
  if (st.writer?.closed) {
    st.rootSigner?.wipe();
    st.rootSigner = undefined;
  }
}

/** Records the abort in the transcript, discards the staged outputs and keeps the transcript beside --out. */
function abort(st: State, e: unknown): Error {
  if (!st.writer) {
    // The ceremony never opened (bad names, a wrong officer passphrase, an unreadable root directory...):
    // nothing happened that needs recording; report the error itself.
    for (const o of Object.values(st.officerSigners)) o?.wipe();
    st.staging.discard();
    return e instanceof Error ? e : new WritError('INTERNAL', String(e));
  }
  const reasonCode: WritErrorCode = isWritError(e) ? e.code : 'INTERNAL';
  const message = e instanceof Error ? e.message : String(e);
  st.rootSigner?.wipe();
  st.rootSigner = undefined;
  let transcriptPath: string | undefined;
  try {
    if (st.writer && !st.writer.closed) {
      const step = st.step!;
      st.writer.abort({ step: step.id, role: 'administrator', actor: st.participants!.administrator, reason: `${reasonCode}: ${message}` });
      const signers = (['administrator', 'witness'] as const).map((r) => st.officerSigners[r]).filter((x): x is Signer & { wipe(): void } => x !== undefined).map((signer) => ({ signer }));
      const lines = st.writer.closeAborted({ signers });
      transcriptPath = `${st.staging.out}.aborted-${st.ceremonyId}.transcript.jsonl`;
      // Atomic and no-clobber (temp file + link): a crash or a full disk leaves no torn transcript beside --out.
      writeFileAtomic(transcriptPath, lines.map((l) => `${l}\n`).join(''));
    }
  } catch {
    transcriptPath = undefined; // the abort itself must not be masked by a failure to record it
  } finally {
    for (const o of Object.values(st.officerSigners)) o?.wipe();
    st.staging.discard();
  }
  const where = transcriptPath ? `; the transcript of the abort is in ${transcriptPath}` : '';
  return new CeremonyAborted(`ceremony aborted at step ${st.stepNo} (${st.step?.id ?? 'start'}): ${message} [${reasonCode}]; nothing was written to ${st.staging.out}${where}`, transcriptPath, reasonCode);
}
