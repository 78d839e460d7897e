// Tests of TranscriptWriter and the chain rules: canonical lines, genesis, injected time, no secrets, refusals, abort and its verification.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalize } from '../../../src/core/json/canonical.js';
import { WORDLIST } from '../../../src/core/shares/wordlist.js';
import {
  TranscriptWriter,
  assertNoSecrets,
  enrolKey,
  genesisHash,
  genesisString,
  lineHash,
  makeApproval,
  parseLine,
  splitTranscript,
  tbsDigest,
  verifyTranscript,
} from '../../../src/core/transcript/index.js';
import type { TranscriptEntry } from '../../../src/core/transcript/index.js';
import { errCode } from '../../helpers/index.js';
import { CEREMONY_ID, NOW, QUORUM, getCast, tickingClock, writerOptions } from './ceremony-fixture.js';

const sha512hex = (s: string): string => createHash('sha512').update(s, 'utf8').digest('hex');
const parse = (l: string): TranscriptEntry => JSON.parse(l) as TranscriptEntry;
const DIGEST = tbsDigest(new TextEncoder().encode('tbs'));

function fresh(over = {}): TranscriptWriter {
  return new TranscriptWriter(writerOptions(getCast(), over));
}

function approve(w: TranscriptWriter, names: string[], digest = DIGEST): void {
  const c = getCast();
  for (const n of names) {
    const p = c.custodians.find((x) => x.name === n)!;
    w.recordApproval({ step: 'approve', digest, approval: makeApproval({ ceremonyId: CEREMONY_ID, digest, custodian: n, signer: p.signer }) });
  }
}

describe('chain basics', () => {
  it('the genesis names the format and the ceremony; its hash is SHA-512 of the string', () => {
    expect(genesisString('x')).toContain('writ-transcript/1');
    expect(genesisString('x')).toContain('x');
    expect(genesisHash('x')).toBe(sha512hex(genesisString('x')));
    expect(genesisHash('x')).not.toBe(genesisHash('y'));
  });

  it('lineHash is SHA-512 of the line bytes', () => {
    expect(lineHash('{"a":1}')).toBe(sha512hex('{"a":1}'));
  });

  it('parseLine accepts only canonical entries with exactly the entry members', () => {
    const e = { seq: 0, time: NOW.toISOString(), step: 's', role: 'r', actor: 'a', event: 'e', data: {}, prev: '0'.repeat(128) };
    expect(parseLine(canonicalize(e))).toHaveProperty('entry');
    expect(parseLine(JSON.stringify(e))).toHaveProperty('error'); // member order is not canonical
    expect(parseLine(canonicalize({ ...e, seq: -1 }))).toHaveProperty('error');
    expect(parseLine(canonicalize({ ...e, seq: 1.5 }))).toHaveProperty('error');
    expect(parseLine(canonicalize({ ...e, time: '2026-01-01 00:00:00' }))).toHaveProperty('error');
    expect(parseLine(canonicalize({ ...e, prev: 'A'.repeat(128) }))).toHaveProperty('error');
    expect(parseLine(canonicalize({ ...e, data: [] }))).toHaveProperty('error');
    const { actor: _a, ...noActor } = e;
    expect(parseLine(canonicalize(noActor))).toHaveProperty('error');
  });

  it('splitTranscript drops one final newline only', () => {
    expect(splitTranscript('a\nb\n')).toEqual(['a', 'b']);
    expect(splitTranscript('a\n\nb')).toEqual(['a', '', 'b']);
  });
});

describe('TranscriptWriter', () => {
  it('writes the header first, chained from the genesis, with injected RFC 3339 times and consecutive seq', () => {
    const w = fresh({ now: tickingClock(new Date('2026-01-02T03:04:05Z')) });
    w.append({ step: 'one', role: 'witness', actor: 'wade-witness', event: 'confirm', data: { ok: true } });
    const lines = w.lines();
    expect(lines).toHaveLength(2);
    const [h, e] = lines.map(parse);
    expect(h!.seq).toBe(0);
    expect(h!.event).toBe('open');
    expect(h!.prev).toBe(genesisHash(CEREMONY_ID));
    expect(h!.time).toBe('2026-01-02T03:04:06.000Z');
    expect(h!.data).toMatchObject({ format: 'writ-transcript/1', ceremonyId: CEREMONY_ID, rehearsal: true, quorum: QUORUM, script: { name: 'root-key-generation' } });
    expect((h!.data.keys as unknown[]).length).toBe(2);
    expect(e!.seq).toBe(1);
    expect(e!.prev).toBe(lineHash(lines[0]!));
    expect(e!.time).toBe('2026-01-02T03:04:07.000Z');
    for (const l of lines) expect(canonicalize(JSON.parse(l))).toBe(l);
    expect(w.text()).toBe(`${lines[0]}\n${lines[1]}\n`);
    expect(splitTranscript(w.text())).toEqual(lines);
  });

  it('refuses reserved events through append()', () => {
    const w = fresh();
    for (const event of ['open', 'enrol', 'approval', 'sign', 'abort', 'close']) {
      expect(() => w.append({ step: 's', role: 'r', actor: 'a', event })).toThrow(TypeError);
    }
  });

  it('refuses bad options', () => {
    expect(() => fresh({ ceremonyId: '' })).toThrow(TypeError);
    expect(() => fresh({ quorum: 0 })).toThrow(RangeError);
    expect(() => fresh({ quorum: 6 })).toThrow(RangeError);
    expect(() => fresh({ script: { name: 'x', sha256: 'nothex' } })).toThrow(TypeError);
    expect(errCode(() => fresh({ roles: { administrator: 'a', witness: 'w', custodians: ['x', 'x'] } }))).toBe('SCRIPT');
    expect(() => fresh({ now: () => new Date(NaN) })).toThrow(TypeError);
  });

  describe('no secrets', () => {
    it.each(['seed', 'rootSeed', 'mnemonic', 'share_mnemonic', 'passphrase', 'Password', 'privateKey', 'private_key', 'secretKey', 'expanded-key', 'secret'])(
      'refuses a member named %s, nested or not, writing nothing',
      (name) => {
        const w = fresh();
        expect(errCode(() => w.append({ step: 's', role: 'r', actor: 'a', event: 'e', data: { [name]: 'x' } }))).toBe('INSECURE');
        expect(errCode(() => w.append({ step: 's', role: 'r', actor: 'a', event: 'e', data: { outer: [{ [name]: 1 }] } }))).toBe('INSECURE');
        expect(w.lines()).toHaveLength(1);
      },
    );

    it('refuses a value that looks like a SLIP-39 mnemonic, and never echoes it', () => {
      const m = WORDLIST.slice(100, 120).join(' ');
      const w = fresh();
      let msg = '';
      try {
        w.append({ step: 's', role: 'r', actor: 'a', event: 'e', data: { note: m } });
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg).toMatch(/mnemonic/);
      expect(msg).not.toContain(WORDLIST[100]!);
      expect(errCode(() => assertNoSecrets({ list: ['ok', m.toUpperCase()] }))).toBe('INSECURE');
    });

    it('allows digests, commitments, fingerprints and short word lists', () => {
      expect(() => assertNoSecrets({ shareCommitment: 'ab', rootFingerprint: 'cd', words: WORDLIST.slice(0, 8).join(' '), digest: DIGEST })).not.toThrow();
    });
  });

  describe('enrolment', () => {
    it('records keys and refuses strangers to the roles and duplicates', () => {
      const c = getCast();
      const w = fresh();
      w.enrol({ step: 'enrol', role: 'administrator', actor: c.admin.name, keys: c.custodians.map((p) => p.key) });
      expect(w.enrolled).toHaveLength(7);
      expect(parse(w.lines()[1]!).event).toBe('enrol');
      expect(errCode(() => w.enrol({ step: 'enrol', role: 'administrator', actor: c.admin.name, keys: [c.custodians[0]!.key] }))).toBe('APPROVAL_DUPLICATE');
      const zed = enrolKey('custodian', 'zed', 'ml-dsa-44', new Uint8Array(Buffer.from(c.stranger.key.publicKey, 'base64')));
      expect(errCode(() => w.enrol({ step: 'enrol', role: 'administrator', actor: c.admin.name, keys: [zed] }))).toBe('SCRIPT');
      expect(errCode(() => w.enrol({ step: 'enrol', role: 'administrator', actor: c.admin.name, keys: [c.stranger.key] }))).toBe('APPROVAL_DUPLICATE'); // "ana" already has a key
      expect(w.lines()).toHaveLength(2);
    });
  });

  describe('approvals and signing', () => {
    it('records valid approvals and refuses bad ones without writing', () => {
      const c = getCast();
      const w = fresh();
      w.enrol({ step: 'enrol', role: 'administrator', actor: c.admin.name, keys: c.custodians.map((p) => p.key) });
      approve(w, ['ana']);
      const n = w.lines().length;
      const other = tbsDigest(new TextEncoder().encode('other'));
      const mk = (signer = c.custodians[1]!.signer, digest = DIGEST, ceremonyId = CEREMONY_ID, custodian = 'bo') => makeApproval({ ceremonyId, digest, custodian, signer });
      expect(errCode(() => w.recordApproval({ step: 'a', digest: DIGEST, approval: mk(undefined, other) }))).toBe('APPROVAL_DIGEST');
      expect(errCode(() => w.recordApproval({ step: 'a', digest: DIGEST, approval: mk(undefined, DIGEST, 'other-ceremony') }))).toBe('APPROVAL_DIGEST');
      expect(errCode(() => w.recordApproval({ step: 'a', digest: DIGEST, approval: mk(c.custodians[0]!.signer, DIGEST, CEREMONY_ID, 'ana') }))).toBe('APPROVAL_DUPLICATE');
      expect(errCode(() => w.recordApproval({ step: 'a', digest: DIGEST, approval: mk(c.stranger.signer, DIGEST, CEREMONY_ID, 'ana') }))).toBe('APPROVAL_UNKNOWN_KEY');
      expect(w.lines()).toHaveLength(n);
      expect(w.approvalsFor(DIGEST)).toEqual(['ana']);
      // An approval of another digest is fine when that is the digest being approved.
      w.recordApproval({ step: 'a', digest: other, approval: mk(undefined, other) });
      expect(w.approvalsFor(other)).toEqual(['bo']);
    });

    it('refuses approvals before the custodian keys are enrolled', () => {
      const w = fresh();
      expect(errCode(() => approve(w, ['ana']))).toBe('APPROVAL_UNKNOWN_KEY');
    });

    it('QUORUM: signing needs the quorum of approvals of that very digest', () => {
      const c = getCast();
      const w = fresh();
      w.enrol({ step: 'enrol', role: 'administrator', actor: c.admin.name, keys: c.custodians.map((p) => p.key) });
      approve(w, ['ana', 'bo']);
      approve(w, ['chen'], tbsDigest(new TextEncoder().encode('other')));
      expect(errCode(() => w.recordSigning({ step: 'sign', digest: DIGEST, label: 'root' }))).toBe('QUORUM');
      approve(w, ['dara']);
      const e = w.recordSigning({ step: 'sign', digest: DIGEST, label: 'root', data: { serial: '01' } });
      expect(e.data).toEqual({ serial: '01', digest: DIGEST, label: 'root' });
    });
  });

  describe('closing', () => {
    it('needs the root with its certificate, the administrator and the witness', () => {
      const c = getCast();
      const root = c.pki.root;
      const w = fresh();
      expect(errCode(() => w.close({ artifacts: {}, signers: [{ signer: c.admin.signer }, { signer: c.witness.signer }] }))).toBe('CHECKPOINT');
      expect(errCode(() => w.close({ artifacts: {}, signers: [{ signer: root.signer!, cert: root.cert }, { signer: c.admin.signer }] }))).toBe('CHECKPOINT');
      expect(errCode(() => w.close({ artifacts: {}, signers: [{ signer: root.signer!, cert: root.cert }, { signer: c.admin.signer }, { signer: c.stranger.signer }] }))).toBe(
        'APPROVAL_UNKNOWN_KEY',
      );
      expect(errCode(() => w.close({ artifacts: {}, signers: [{ signer: c.admin.signer, cert: root.cert }] }))).toBe('KEY_MISMATCH');
      expect(() => w.close({ artifacts: { '../x': '00'.repeat(32) }, signers: [] })).toThrow(TypeError);
      expect(() => w.close({ artifacts: { x: 'AB'.repeat(32) }, signers: [] })).toThrow(TypeError);
      expect(w.closed).toBe(false);
      const lines = w.close({ artifacts: { 'a/b.txt': '00'.repeat(32) }, signers: [{ signer: root.signer!, cert: root.cert }, { signer: c.admin.signer }, { signer: c.witness.signer }] });
      expect(w.closed).toBe(true);
      expect(parse(lines[lines.length - 1]!).data).toMatchObject({ status: 'complete', artifacts: { 'a/b.txt': '00'.repeat(32) } });
      expect(errCode(() => w.append({ step: 's', role: 'r', actor: 'a', event: 'e' }))).toBe('CHAIN_APPENDED');
      expect(errCode(() => w.close({ artifacts: {}, signers: [] }))).toBe('CHAIN_APPENDED');
      // A ceremony with no signing at all verifies (nothing needed approving); the artifact is listed.
      const r = verifyTranscript(lines, { artifacts: { 'a/b.txt': new Uint8Array(0) } });
      expect(r.errors.map((x) => x.code)).toEqual(['ARTIFACT_MISMATCH']); // SHA-256("") is not 00..00
    });
  });

  describe('ceremonies the root does not sign (share drills)', () => {
    it('close with administrator and witness only, and verify complete', () => {
      const c = getCast();
      const root = c.pki.root;
      const w = fresh({ rootSigned: false });
      w.append({ step: 'drill', role: 'custodian', actor: 'ana', event: 'share-checked', data: { shareCommitment: 'ab'.repeat(32), match: true } });
      expect(errCode(() => w.close({ artifacts: {}, signers: [{ signer: root.signer!, cert: root.cert }, { signer: c.admin.signer }, { signer: c.witness.signer }] }))).toBe('CHECKPOINT');
      const lines = w.close({ artifacts: {}, signers: [{ signer: c.admin.signer }, { signer: c.witness.signer }] });
      const r = verifyTranscript(lines, { artifacts: {} });
      expect(r.errors).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.header?.rootSigned).toBe(false);
      expect(r.root).toBeUndefined();
    });

    it('a root-signed ceremony cannot be passed off as one without the root', () => {
      const c = getCast();
      const w = fresh();
      w.append({ step: 'x', role: 'administrator', actor: c.admin.name, event: 'note' });
      const lines = w.close({ artifacts: {}, signers: [{ signer: c.pki.root.signer!, cert: c.pki.root.cert }, { signer: c.admin.signer }, { signer: c.witness.signer }] });
      expect(verifyTranscript(lines, { artifacts: {} }).header?.rootSigned).toBe(true);
      // Flip the header flag: the chain breaks at line 2.
      const h = parse(lines[0]!);
      const edited = [canonicalize({ ...h, data: { ...h.data, rootSigned: false } }), ...lines.slice(1)];
      expect(verifyTranscript(edited, { artifacts: {} }).errors[0]!.code).toBe('CHAIN_EDITED');
    });
  });

  describe('abort', () => {
    it('records the abort, closes signed by administrator and witness, and verifies as aborted', () => {
      const c = getCast();
      const w = fresh();
      w.append({ step: 'generate-seed', role: 'administrator', actor: c.admin.name, event: 'announce' });
      w.abort({ step: 'split', role: 'administrator', actor: c.admin.name, reason: 'custodian bo is absent' });
      expect(errCode(() => w.append({ step: 's', role: 'r', actor: 'a', event: 'e' }))).toBeUndefined(); // notes are still allowed
      expect(errCode(() => w.recordSigning({ step: 's', digest: DIGEST, label: 'x' }))).toBe('ABORTED');
      expect(errCode(() => w.close({ artifacts: {}, signers: [] }))).toBe('ABORTED');
      expect(errCode(() => w.closeAborted({ signers: [{ signer: c.admin.signer }] }))).toBe('CHECKPOINT');
      const lines = w.closeAborted({ signers: [{ signer: c.admin.signer }, { signer: c.witness.signer }] });
      const r = verifyTranscript(lines, { artifacts: {} });
      expect(r.status).toBe('aborted');
      expect(r.errors).toEqual([]);
      expect(r.intact).toBe(true);
      expect(r.ok).toBe(false);
      expect(r.closingSigners.map((s) => s.role)).toEqual(['administrator', 'witness']);
      // A forged abort signature is still caught.
      const e = parse(lines[lines.length - 1]!);
      const bad = [...lines.slice(0, -1), canonicalize({ ...e, data: { ...e.data, signature: '' } })];
      expect(verifyTranscript(bad, { artifacts: {} }).errors.map((x) => x.code)).toEqual(['CHECKPOINT']);
      // Outputs offered for an aborted ceremony are not named in it.
      expect(verifyTranscript(lines, { artifacts: { 'root.crt': new Uint8Array(1) } }).errors.map((x) => x.code)).toEqual(['ARTIFACT_MISMATCH']);
    });

    it('closes unsigned when no administrator or witness key is enrolled yet, and still verifies as aborted', () => {
      const w = fresh({ keys: [] });
      w.abort({ step: 'open', role: 'administrator', actor: 'alice-admin', reason: 'power cut' });
      const lines = w.closeAborted({ signers: [] });
      const r = verifyTranscript(lines, { artifacts: {} });
      expect(r).toMatchObject({ status: 'aborted', intact: true, ok: false, errors: [] });
      expect(errCode(() => w.closeAborted({ signers: [] }))).toBe('CHAIN_APPENDED');
    });

    it('closeAborted needs an abort first', () => {
      expect(() => fresh().closeAborted({ signers: [] })).toThrow(TypeError);
    });
  });
});
