// Every refusal of issue 3: wrong / duplicate / foreign / too few shares, approvals over another digest, duplicate
// approvals, non-enrolled keys, a witness who does not confirm. Refusals a custodian can fix are retried and
// the ceremony completes; the others abort it, leaving --out absent and the abort on record.
import { beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { entries, rehearse, tmpDir, verifyDir } from './helpers.js';
import { writeCsrs } from './csrs.js';
import { rehearsalAnswers, rehearsalPass } from '../../src/ceremony/rehearsal.js';
import { CeremonyAborted } from '../../src/ceremony/runner.js';
import { openApprovalKey } from '../../src/ceremony/enrolment.js';
import { decryptShareFile } from '../../src/core/shares/share-file.js';
import { splitSecret } from '../../src/core/shares/slip39.js';
import { makeApproval } from '../../src/core/transcript/approvals.js';
import { splitTranscript, verifyTranscript } from '../../src/core/transcript/verify.js';
import { signerFromSeed } from '../../src/core/crypto/keys.js';
import { WORDLIST } from '../../src/core/shares/wordlist.js';
import { seededRng } from '../helpers/index.js';
import { CLOCK } from './helpers.js';
import type { AnswerValue } from '../../src/ceremony/people.js';

const base = tmpDir('writ-refusals-');
const rootDir = path.join(base, 'root');
const otherRoot = path.join(base, 'other-root');
let csrs: string[];
let n = 0;

function share(dir: string, who: string): string {
  return decryptShareFile(new Uint8Array(fs.readFileSync(path.join(dir, 'shares', `${who}.share.json`))), rehearsalPass(who)).mnemonic;
}

function regional(answers: Record<string, AnswerValue>) {
  const out = path.join(base, `regional-${++n}`);
  const a = rehearsalAnswers({ clock: CLOCK, rngSeed: `refusal-${n}`, answers });
  return { out, run: () => rehearse('regional-issuance', { out, rootDir, inputs: csrs, answers: a }) };
}

async function aborted(p: Promise<unknown>): Promise<CeremonyAborted> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(CeremonyAborted);
  return e as CeremonyAborted;
}

function refusedCodes(dir: string): string[] {
  return entries(path.join(dir, 'transcript.jsonl'))
    .filter((e) => e.event === 'refused')
    .map((e) => String(e.data.code));
}

beforeAll(async () => {
  await rehearse('root-key-generation', { out: rootDir });
  await rehearse('root-key-generation', { out: otherRoot, opts: { rngSeed: 'another root' } });
  csrs = writeCsrs(tmpDir());
});

describe('shares', () => {
  it('a share with a wrong word is refused (SHARE_CHECKSUM); the custodian retries with the file and the ceremony completes', async () => {
    const words = share(rootDir, 'Dana').split(' ');
    const i = words.length - 2;
    words[i] = WORDLIST[(WORDLIST.indexOf(words[i]!) + 1) % 1024]!;
    const r = regional({ 'rebuild-root.Ana.next-custodian': ['Chen', 'Dana', 'Dana', 'Eru'], 'rebuild-root.Dana.share-source': ['words', 'file'], 'rebuild-root.Dana.share-words': words.join(' ') });
    const res = await r.run();
    expect(res.log.join('\n')).toMatch(/REFUSED \[SHARE_CHECKSUM\]/);
    expect(refusedCodes(r.out)).toEqual(['SHARE_CHECKSUM']);
    expect(verifyDir(r.out).ok).toBe(true);
  });

  it('a share from another split is refused as foreign (SHARE_FOREIGN), naming the custodian', async () => {
    const foreign = splitSecret(seededRng('x')(32), { groupThreshold: 1, groups: [{ threshold: 3, count: 5 }], rng: seededRng('y') })[0]![3]!;
    const r = regional({ 'rebuild-root.Ana.next-custodian': ['Chen', 'Dana', 'Dana', 'Eru'], 'rebuild-root.Dana.share-source': ['words', 'file'], 'rebuild-root.Dana.share-words': foreign });
    const res = await r.run();
    expect(res.log.join('\n')).toMatch(/REFUSED \[SHARE_FOREIGN\]: the share of Dana is from another share set/);
    expect(refusedCodes(r.out)).toEqual(['SHARE_FOREIGN']);
  });

  it('a share file of another root (another ceremony) is refused as foreign, naming that ceremony', async () => {
    const r = regional({ 'rebuild-root.Ana.next-custodian': ['Chen', 'Dana', 'Dana', 'Eru'], 'rebuild-root.Dana.share-file': [path.join(otherRoot, 'shares', 'Dana.share.json'), 'shares/Dana.share.json'] });
    const res = await r.run();
    expect(res.log.join('\n')).toMatch(/REFUSED \[SHARE_FOREIGN\]: the share file of Dana is for another root key \(from ceremony root-key-generation-/);
  });

  it('the same custodian twice, or a share already presented, is refused as a duplicate (SHARE_DUPLICATE)', async () => {
    const r = regional({
      'rebuild-root.Ana.next-custodian': ['Dana', 'Dana', 'Eru', 'Eru', 'Chen'],
      'rebuild-root.Eru.share-source': ['words', 'file'],
      'rebuild-root.Eru.share-words': share(rootDir, 'Dana'),
    });
    const res = await r.run();
    expect(refusedCodes(r.out)).toEqual(['SHARE_DUPLICATE', 'SHARE_DUPLICATE']);
    expect(res.log.join('\n')).toMatch(/the share of Eru is share 4, already presented by Dana/);
  });

  it("someone else's share is refused: it does not match the commitment recorded for the presenter (SHARE_MISMATCH)", async () => {
    const r = regional({ 'rebuild-root.Ana.next-custodian': ['Chen', 'Dana', 'Eru', 'Eru'], 'rebuild-root.Eru.share-source': ['words', 'file'], 'rebuild-root.Eru.share-words': share(rootDir, 'Aroha') });
    const res = await r.run();
    expect(refusedCodes(r.out)).toEqual(['SHARE_MISMATCH']);
    expect(res.log.join('\n')).toMatch(/not the share recorded for Eru/);
  });

  it('too few shares: QUORUM, the ceremony aborts (exit 4), --out is never created, the abort is on record', async () => {
    const r = regional({ 'rebuild-root.Ana.next-custodian': ['Dana', 'Eru', '(no more: end this step)'] });
    const e = await aborted(r.run());
    expect(e.code).toBe('ABORTED');
    expect(e.reasonCode).toBe('QUORUM');
    expect(e.message).toMatch(/too few: 2 share\(s\) accepted, 3 needed/);
    expect(fs.existsSync(r.out)).toBe(false);
    expect(fs.readdirSync(base).filter((f) => f.includes('.staging-'))).toEqual([]);
    const lines = splitTranscript(fs.readFileSync(e.transcriptPath!, 'utf8'));
    const v = verifyTranscript(lines, { artifacts: {} });
    expect(v.status).toBe('aborted');
    expect(v.intact).toBe(true);
    expect(v.ok).toBe(false);
    const ev = lines.map((l) => JSON.parse(l) as { event: string; data: { code?: string; reason?: string } });
    expect(ev.some((x) => x.event === 'refused' && x.data.code === 'QUORUM')).toBe(true);
    expect(ev.find((x) => x.event === 'abort')!.data.reason).toMatch(/^QUORUM/);
    // nothing was signed
    expect(ev.some((x) => x.event === 'sign')).toBe(false);
  });
});

describe('approvals', () => {
  const approvalFile = (dir: string, name: string, content: unknown): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, JSON.stringify(content));
    return f;
  };

  it('an approval over a different digest is refused (APPROVAL_DIGEST); the custodian then approves the right one', async () => {
    const signer = openApprovalKey(new Uint8Array(fs.readFileSync(path.join(rootDir, 'keys', 'Aroha.key'))), new TextEncoder().encode(rehearsalPass('Aroha')), 'Aroha.key');
    const wrong = makeApproval({ ceremonyId: 'regional-refusal', digest: 'ab'.repeat(64), custodian: 'Aroha', signer });
    const f = approvalFile(tmpDir(), 'aroha-approval.json', [wrong, wrong]);
    const r = regional({ 'approve.Ana.next-custodian': ['Aroha', 'Aroha', 'Ben', 'Chen'], 'approve.Aroha.approval-method': ['file', 'key'], 'approve.Aroha.approval-file': f });
    const res = await r.run();
    expect(refusedCodes(r.out)).toEqual(['APPROVAL_DIGEST']);
    expect(res.log.join('\n')).toMatch(/REFUSED \[APPROVAL_DIGEST\]: the approval presented by Aroha is over a different digest/);
    expect(verifyDir(r.out).ok).toBe(true);
  });

  it('a second approval from the same custodian is refused (APPROVAL_DUPLICATE)', async () => {
    const r = regional({ 'approve.Ana.next-custodian': ['Aroha', 'Aroha', 'Ben', 'Chen'] });
    await r.run();
    expect(refusedCodes(r.out)).toEqual(['APPROVAL_DUPLICATE']);
    const v = verifyDir(r.out);
    expect(v.approvals.every((a) => a.custodians.join() === 'Aroha,Ben,Chen')).toBe(true);
  });

  it('an approval signed by a key that was never enrolled is refused (APPROVAL_UNKNOWN_KEY)', async () => {
    // A rehearsal run is deterministic: learn the ceremony's digests from a dry run, then forge over them.
    const dry = regional({});
    const d = await dry.run();
    const digests = entries(path.join(dry.out, 'transcript.jsonl')).filter((e) => e.event === 'sign').map((e) => String(e.data.digest));
    const intruder = signerFromSeed('ml-dsa-65', seededRng('intruder')(32));
    const forged = digests.map((digest) => makeApproval({ ceremonyId: d.result.ceremonyId, digest, custodian: 'Ben', signer: intruder }));
    const f = approvalFile(tmpDir(), 'ben.json', forged);
    const a = rehearsalAnswers({ clock: CLOCK, rngSeed: `refusal-${n}`, answers: { 'approve.Ana.next-custodian': ['Aroha', 'Ben', 'Ben', 'Chen'], 'approve.Ben.approval-method': ['file', 'key'], 'approve.Ben.approval-file': f } });
    const out = path.join(base, 'regional-forged');
    const res = await rehearse('regional-issuance', { out, rootDir, inputs: csrs, answers: a });
    expect(res.result.ceremonyId).toBe(d.result.ceremonyId);
    expect(refusedCodes(out)).toEqual(['APPROVAL_UNKNOWN_KEY']);
    expect(res.log.join('\n')).toMatch(/not an enrolled custodian approval key/);
  });

  it('a custodian who declines to approve aborts the ceremony; nothing is signed or written', async () => {
    const r = regional({ 'approve.Chen.approve': false });
    const e = await aborted(r.run());
    expect(e.message).toMatch(/Chen declined to approve/);
    expect(fs.existsSync(r.out)).toBe(false);
  });
});

describe('confirmations', () => {
  it('the witness refusing to confirm a step aborts with ABORTED; --out is not created', async () => {
    const r = regional({ 'load-csrs.Wiremu.confirm': false });
    const e = await aborted(r.run());
    expect(e.code).toBe('ABORTED');
    expect(e.message).toMatch(/the internal witness \(Wiremu\) did not confirm step 3 \(load-csrs\)/);
    expect(fs.existsSync(r.out)).toBe(false);
    const v = verifyTranscript(splitTranscript(fs.readFileSync(e.transcriptPath!, 'utf8')), { artifacts: {} });
    expect(v.status).toBe('aborted');
    expect(v.intact).toBe(true);
    // the abort record is co-signed by the officers (they unlocked their keys when the ceremony opened)
    expect(v.closingSigners.map((s) => s.role)).toEqual(['administrator', 'witness']);
  });

  it('a witness refusal during root generation, before any key exists, still leaves no output', async () => {
    const out = path.join(base, 'root-refused');
    const a = rehearsalAnswers({ clock: CLOCK, rngSeed: 'refused-root', answers: { 'generate-seed.Wiremu.confirm': false } });
    const e = await aborted(rehearse('root-key-generation', { out, answers: a }));
    expect(e.message).toMatch(/did not confirm step 2/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
