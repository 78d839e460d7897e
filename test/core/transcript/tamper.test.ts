// Transcript tamper suite: every kind of damage to a real closed ceremony transcript is caught with its own code (issue 3).
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalBytes, canonicalize } from '../../../src/core/json/canonical.js';
import { signCms } from '../../../src/core/cms/signed-data.js';
import { verifyTranscript, lineHash } from '../../../src/core/transcript/index.js';
import type { TranscriptEntry, TranscriptVerifyResult } from '../../../src/core/transcript/index.js';
import { buildFixturePki } from '../../../src/fixtures/pki.js';
import { buildTranscript, getCast, NOW } from './ceremony-fixture.js';
import type { Built } from './ceremony-fixture.js';

let good: Built;
// Line indices of the reference transcript (0-based): see buildTranscript.
const HEADER = 0;
const ANNOUNCE = 1;
const ENROL = 2;
const CONFIRM = 3;
const APPROVALS = [4, 5, 6];
const SIGN = 7;
const STAGED = 8;
const CLOSE = 9;

beforeAll(() => {
  good = buildTranscript();
});

const codes = (r: TranscriptVerifyResult): string[] => [...new Set(r.errors.map((e) => e.code))];
const check = (lines: string[], artifacts = good.artifacts): TranscriptVerifyResult => verifyTranscript(lines, { artifacts });
const parse = (l: string): TranscriptEntry => JSON.parse(l) as TranscriptEntry;
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

/** Re-signs the closing line (signature over the record without data.signature) with the given signers. */
function resignClose(line: string, signers: Parameters<typeof signCms>[0]['signers']): string {
  const e = parse(line);
  const { signature: _drop, ...rest } = e.data as Record<string, unknown>;
  const sig = signCms({ content: canonicalBytes({ ...e, data: rest }), detached: true, signers });
  return canonicalize({ ...e, data: { ...rest, signature: b64(sig) } });
}

/** Recomputes every prev from line `from` on (an attacker re-chaining after an edit). */
function rechain(lines: string[], from: number): string[] {
  const out = [...lines];
  for (let i = Math.max(from, 1); i < out.length; i++) out[i] = canonicalize({ ...parse(out[i]!), prev: lineHash(out[i - 1]!) });
  return out;
}

describe('the reference transcript', () => {
  it('has the expected shape and verifies', () => {
    expect(good.lines.map((l) => parse(l).event)).toEqual(['open', 'announce', 'enrol', 'confirm', 'approval', 'approval', 'approval', 'sign', 'staged', 'close']);
    const r = check(good.lines);
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.status).toBe('complete');
    expect(r.approvals).toHaveLength(1);
    expect(r.approvals[0]!.custodians).toEqual(['ana', 'bo', 'chen']);
    expect(r.closingSigners.map((s) => s.role)).toEqual(['root', 'administrator', 'witness']);
    expect(r.root?.subject).toContain('root');
  });

  it('verifies against its trusted root and names it', () => {
    const root = getCast().pki.root.cert;
    expect(verifyTranscript(good.lines, { artifacts: good.artifacts, trustedRoot: root }).ok).toBe(true);
  });
});

describe('edited lines -> CHAIN_EDITED', () => {
  it.each([
    ['announce data', ANNOUNCE, (e: TranscriptEntry) => ({ ...e, data: { rootFingerprint: '00'.repeat(32) } })],
    ['confirm actor', CONFIRM, (e: TranscriptEntry) => ({ ...e, actor: 'mallory' })],
    ['sign label', SIGN, (e: TranscriptEntry) => ({ ...e, data: { ...e.data, label: 'regional CA' } })],
    ['staged time', STAGED, (e: TranscriptEntry) => ({ ...e, time: '2020-01-01T00:00:00.000Z' })],
    ['header rehearsal flag', HEADER, (e: TranscriptEntry) => ({ ...e, data: { ...e.data, rehearsal: false } })],
    ['enrol step name', ENROL, (e: TranscriptEntry) => ({ ...e, step: 'other' })],
  ])('a field of a middle line (%s), kept canonical', (_n, idx, edit) => {
    const lines = [...good.lines];
    lines[idx] = canonicalize(edit(parse(lines[idx]!)));
    const r = check(lines);
    expect(codes(r)).toEqual(['CHAIN_EDITED']);
    expect(r.errors[0]!.line).toBe(idx + 1);
    expect(r.ok).toBe(false);
  });

  it('the seq of a middle line', () => {
    const lines = [...good.lines];
    lines[CONFIRM] = canonicalize({ ...parse(lines[CONFIRM]!), seq: 42 });
    const r = check(lines);
    expect(codes(r)).toEqual(['CHAIN_EDITED']);
    expect(r.errors[0]!.line).toBe(CONFIRM + 1);
  });

  it('the prev of a middle line', () => {
    const lines = [...good.lines];
    lines[CONFIRM] = canonicalize({ ...parse(lines[CONFIRM]!), prev: 'ab'.repeat(64) });
    expect(codes(check(lines))).toEqual(['CHAIN_EDITED']);
  });

  it('whitespace or member order (the line is no longer canonical)', () => {
    for (const l of [
      JSON.stringify(parse(good.lines[ANNOUNCE]!), null, 1),
      good.lines[ANNOUNCE]!.replace('{', '{ '),
      JSON.stringify(Object.fromEntries(Object.entries(parse(good.lines[ANNOUNCE]!)).reverse())),
    ]) {
      const lines = [...good.lines];
      lines[ANNOUNCE] = l;
      expect(codes(check(lines))).toEqual(['CHAIN_EDITED']);
    }
  });

  it('a line that is not JSON, or an extra member', () => {
    const lines = [...good.lines];
    lines[CONFIRM] = 'not json';
    expect(codes(check(lines))).toEqual(['CHAIN_EDITED']);
    lines[CONFIRM] = canonicalize({ ...parse(good.lines[CONFIRM]!), note: 'x' });
    expect(codes(check(lines))).toEqual(['CHAIN_EDITED']);
  });

  it('the header ceremony id (the first line no longer chains from its genesis)', () => {
    const lines = [...good.lines];
    const h = parse(lines[HEADER]!);
    lines[HEADER] = canonicalize({ ...h, data: { ...h.data, ceremonyId: 'another-ceremony' } });
    const r = check(lines);
    expect(r.errors.map((e) => e.code)).toContain('CHAIN_EDITED');
    expect(r.ok).toBe(false);
  });

  it('an approval record (the recorded digest text) is caught by the chain and by the approval check', () => {
    const lines = [...good.lines];
    const a = parse(lines[APPROVALS[1]!]!);
    lines[APPROVALS[1]!] = canonicalize({ ...a, data: { ...a.data, digest: 'ff'.repeat(64) } });
    const r = check(lines);
    expect(r.errors[0]!.code).toBe('CHAIN_EDITED');
    expect(codes(r)).toContain('APPROVAL_DIGEST');
    expect(codes(r)).toContain('APPROVAL_MISSING');
  });
});

describe('reordered lines -> CHAIN_REORDERED', () => {
  const swap = (a: number, b: number): string[] => {
    const lines = [...good.lines];
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
    return lines;
  };
  it.each([
    [ANNOUNCE, ENROL],
    [ENROL, CONFIRM],
    [APPROVALS[0]!, APPROVALS[2]!],
    [ANNOUNCE, STAGED],
    [HEADER, ANNOUNCE],
    [STAGED, CLOSE],
    [HEADER, CLOSE],
  ])('swapping lines %i and %i', (a, b) => {
    const r = check(swap(a, b));
    expect(codes(r)).toEqual(['CHAIN_REORDERED']);
    expect(r.status).toBe('complete'); // the hash order is rebuilt, the rest still checks
  });

  it('moving a line to another place', () => {
    const lines = [...good.lines];
    const [moved] = lines.splice(ANNOUNCE, 1);
    lines.splice(STAGED, 0, moved!);
    expect(codes(check(lines))).toEqual(['CHAIN_REORDERED']);
  });

  it('a repeated line', () => {
    const lines = [...good.lines];
    lines.splice(SIGN, 0, good.lines[APPROVALS[0]!]!);
    expect(codes(check(lines))).toEqual(['CHAIN_REORDERED']);
  });
});

describe('truncated -> CHAIN_TRUNCATED', () => {
  it('for every k, dropping the last k lines', () => {
    for (let k = 1; k <= good.lines.length; k++) {
      const r = check(good.lines.slice(0, good.lines.length - k));
      expect(codes(r), `k=${k}`).toEqual(['CHAIN_TRUNCATED']);
      expect(r.status).toBe('unclosed');
    }
  });
});

describe('appended after close -> CHAIN_APPENDED', () => {
  it('a well-chained line written after the closing record', () => {
    const last = parse(good.lines[CLOSE]!);
    const extra = canonicalize({ ...parse(good.lines[CONFIRM]!), seq: last.seq + 1, prev: lineHash(good.lines[CLOSE]!) });
    const r = check([...good.lines, extra]);
    expect(codes(r)).toEqual(['CHAIN_APPENDED']);
    expect(r.errors[0]!.line).toBe(good.lines.length + 1);
  });

  it('garbage or several lines after the closing record', () => {
    expect(codes(check([...good.lines, 'garbage']))).toEqual(['CHAIN_APPENDED']);
    expect(codes(check([...good.lines, '{}', '{"seq":11}']))).toEqual(['CHAIN_APPENDED']);
  });
});

describe('deleted in the middle -> CHAIN_DELETED', () => {
  it.each([ANNOUNCE, ENROL, CONFIRM, STAGED])('deleting line index %i', (idx) => {
    const lines = good.lines.filter((_, i) => i !== idx);
    const r = check(lines);
    // Deleting the enrolment also leaves the approvals without enrolled keys: reported after the deletion.
    expect(r.errors[0]!.code).toBe('CHAIN_DELETED');
    if (idx !== ENROL) expect(codes(r)).toEqual(['CHAIN_DELETED']);
    expect(r.errors[0]!.line).toBe(idx + 1);
  });

  it('deleting two consecutive lines', () => {
    const r = check(good.lines.filter((_, i) => i !== ANNOUNCE && i !== CONFIRM - 1 && i !== CONFIRM));
    expect(codes(r)).toEqual(['CHAIN_DELETED', 'APPROVAL_UNKNOWN_KEY', 'APPROVAL_MISSING']); // the enrolment went too
    expect(r.errors[0]!.message).toMatch(/^3 line\(s\) missing/);
    const r2 = check(good.lines.filter((_, i) => i !== CONFIRM && i !== CONFIRM + 1));
    expect(codes(r2)).toEqual(['CHAIN_DELETED', 'APPROVAL_MISSING']);
    expect(r2.errors[0]!.message).toMatch(/^2 line\(s\) missing/);
  });

  it('deleting the header', () => {
    expect(codes(check(good.lines.slice(1)))).toEqual(['CHAIN_DELETED']);
  });
});

describe('forged closing record -> CHECKPOINT', () => {
  it('re-signed with other keys (another root, a stranger as administrator)', () => {
    const c = getCast();
    const other = buildFixturePki('another-root', NOW).root;
    const forged = [...good.lines];
    forged[CLOSE] = resignClose(forged[CLOSE]!, [{ signer: other.signer!, cert: other.cert }, { signer: c.stranger.signer }, { signer: c.witness.signer }]);
    const r = check(forged);
    expect(codes(r)).toEqual(['CHECKPOINT']);
  });

  it('re-signed by the right root but without the witness', () => {
    const c = getCast();
    const forged = [...good.lines];
    forged[CLOSE] = resignClose(forged[CLOSE]!, [{ signer: c.pki.root.signer!, cert: c.pki.root.cert }, { signer: c.admin.signer }]);
    expect(codes(check(forged))).toEqual(['CHECKPOINT']);
  });

  it('a byte of the signature flipped, the signature removed, or swapped for garbage', () => {
    const e = parse(good.lines[CLOSE]!);
    const sig = (e.data as { signature: string }).signature;
    const mid = Math.floor(sig.length / 2);
    const variants = [
      sig.slice(0, mid) + (sig[mid] === 'A' ? 'B' : 'A') + sig.slice(mid + 1),
      '',
      'AAAA',
      'not base64!',
    ];
    for (const s of variants) {
      const lines = [...good.lines];
      lines[CLOSE] = canonicalize({ ...e, data: { ...e.data, signature: s } });
      expect(codes(check(lines)), s.slice(0, 8)).toEqual(['CHECKPOINT']);
    }
  });

  it('an edit re-chained all the way down is still caught by the closing signature', () => {
    const lines = [...good.lines];
    lines[ANNOUNCE] = canonicalize({ ...parse(lines[ANNOUNCE]!), data: { rootFingerprint: '11'.repeat(32) } });
    expect(codes(check(rechain(lines, ANNOUNCE + 1)))).toEqual(['CHECKPOINT']);
  });

  it('an edited artifact list in the closing record', () => {
    const e = parse(good.lines[CLOSE]!);
    const d = e.data as { artifacts: Record<string, string> };
    const lines = [...good.lines];
    lines[CLOSE] = canonicalize({ ...e, data: { ...e.data, artifacts: { ...d.artifacts, 'root.crt': '00'.repeat(32) } } });
    const r = check(lines);
    expect(r.errors[0]!.code).toBe('CHECKPOINT');
  });

  it('a root other than the trusted one', () => {
    const other = buildFixturePki('another-root', NOW).root.cert;
    const r = verifyTranscript(good.lines, { artifacts: good.artifacts, trustedRoot: other });
    expect(codes(r)).toEqual(['CHECKPOINT']);
  });
});

describe('swapped artifacts -> ARTIFACT_MISMATCH', () => {
  it('an artifact with other bytes', () => {
    const r = check(good.lines, { ...good.artifacts, 'root.crt': new Uint8Array([1, 2, 3]) });
    expect(codes(r)).toEqual(['ARTIFACT_MISMATCH']);
    expect(r.errors[0]!.message).toContain('root.crt');
  });

  it('two artifacts swapped', () => {
    const a = good.artifacts;
    const r = check(good.lines, { 'root.crt': a['custodians.json']!, 'custodians.json': a['root.crt']! });
    expect(r.errors.map((e) => e.code)).toEqual(['ARTIFACT_MISMATCH', 'ARTIFACT_MISMATCH']);
  });

  it('an artifact not listed, and a listed artifact missing', () => {
    expect(codes(check(good.lines, { ...good.artifacts, 'extra.bin': new Uint8Array(1) }))).toEqual(['ARTIFACT_MISMATCH']);
    const { 'root.crt': _gone, ...rest } = good.artifacts;
    expect(codes(check(good.lines, rest))).toEqual(['ARTIFACT_MISMATCH']);
  });
});

describe('missing approval -> APPROVAL_MISSING', () => {
  it('a transcript written (and signed) with one approval short of the quorum', () => {
    const short = buildTranscript({ skipApproval: 1 });
    const r = check(short.lines, short.artifacts);
    expect(codes(r)).toEqual(['APPROVAL_MISSING']);
    expect(r.errors[0]!.line).toBe(SIGN); // one line fewer before the signing
    expect(r.approvals[0]!.custodians).toEqual(['ana', 'chen']);
  });

  it('an approval line cut out of a good transcript: deleted, and the quorum is gone', () => {
    const r = check(good.lines.filter((_, i) => i !== APPROVALS[1]));
    expect(codes(r)).toEqual(['CHAIN_DELETED', 'APPROVAL_MISSING']);
  });

  it('an approval line cut out and the chain re-chained: the quorum is gone and the signature breaks', () => {
    const r = check(rechain(good.lines.filter((_, i) => i !== APPROVALS[1]).map((l, i) => (i >= APPROVALS[1]! ? canonicalize({ ...parse(l), seq: i }) : l)), APPROVALS[1]!));
    expect(codes(r)).toEqual(['APPROVAL_MISSING', 'CHECKPOINT']);
  });
});

describe('properties', () => {
  it('any single-byte change to any line is detected', () => {
    const enc = new TextEncoder();
    const dec = new TextDecoder();
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (li, pos, delta) => {
        const idx = li % good.lines.length;
        const bytes = enc.encode(good.lines[idx]!);
        const p = pos % bytes.length;
        bytes[p] = (bytes[p]! + delta) & 0xff;
        const lines = [...good.lines];
        lines[idx] = dec.decode(bytes);
        const r = check(lines);
        expect(r.ok).toBe(false);
        expect(r.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('a byte change in the closing record anywhere is detected (its signature field included)', () => {
    const enc = new TextEncoder();
    const dec = new TextDecoder();
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (pos, delta) => {
        const bytes = enc.encode(good.lines[CLOSE]!);
        const p = pos % bytes.length;
        bytes[p] = (bytes[p]! + delta) & 0xff;
        const r = check([...good.lines.slice(0, CLOSE), dec.decode(bytes)]);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 120 },
    );
  });

  it('any transposition of two lines is CHAIN_REORDERED and nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: CLOSE }), fc.integer({ min: 0, max: CLOSE }), (a, b) => {
        fc.pre(a !== b);
        const lines = [...good.lines];
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        expect(codes(check(lines))).toEqual(['CHAIN_REORDERED']);
      }),
      { numRuns: 60 },
    );
  });

  it('deleting any one line is detected, with a chain code first', () => {
    for (let i = 0; i < good.lines.length; i++) {
      const r = check(good.lines.filter((_, j) => j !== i));
      expect(r.ok, `line ${i}`).toBe(false);
      expect(['CHAIN_DELETED', 'CHAIN_TRUNCATED']).toContain(r.errors[0]!.code);
    }
  });
});
