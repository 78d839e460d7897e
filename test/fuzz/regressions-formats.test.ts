// Regression tests for the bugs the share, log, federation and enclave-file fuzzers found (issue 8): each exact input with the code it must now get.
//
// One test per bug, named after it; docs/fuzzing.md ("Shares, logs, federation and enclave files")
// lists them. Inputs are built the way the fuzzer produced them (a valid seed, one field changed).
import { describe, expect, it } from 'vitest';
import { errCode } from '../helpers/errors.js';
import { seededRng } from '../helpers/rng.js';
import { combineMnemonics, decodeMnemonic, encodeMnemonic, splitSecret } from '../../src/core/shares/slip39.js';
import { decryptShareFile, encryptShareFile } from '../../src/core/shares/share-file.js';
import { classifyChain } from '../../src/core/log/chain.js';
import type { ChainLine } from '../../src/core/log/chain.js';
import { readRecordsFile } from '../../src/cli/commands/envelope/common.js';
import { replayInput, runOne, type FuzzFormat } from './harness.js';
import transcriptFormat from './formats/transcript.js';
import auditFormat, { splitAuditInput } from './formats/audit-log.js';
import { verifyAuditLog } from '../../src/core/audit/log.js';
import { fixture } from '../core/policy/helpers.js';
import envelopeFormats from './formats/envelope.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { parseScript } from '../../src/ceremony/script.js';
import { loadAnswersFile } from '../../src/ceremony/files.js';
import { BUILTIN_SCRIPT_TEXT } from '../../src/ceremony/builtin.js';
import { parseAnswers } from '../../src/ceremony/people.js';
import { parseEnrolment } from '../../src/ceremony/enrolment.js';
import { readRotationFile } from '../../src/ceremony/plan.js';
import { tmpdir } from 'node:os';
import path from 'node:path';

const te = new TextEncoder();
const td = new TextDecoder();

/** A 1-of-1 share of a 128-bit secret with the given iteration exponent (valid checksum). */
function share(iterationExponent: number): string {
  return encodeMnemonic({ identifier: 7, extendable: true, iterationExponent, groupIndex: 0, groupThreshold: 1, groupCount: 1, memberIndex: 0, memberThreshold: 1, value: new Uint8Array(16).fill(3) });
}

describe('SLIP-39 share mnemonics', () => {
  it('bug 1: a share with iteration exponent 15 made combine run 327,680,000 PBKDF2 iterations (minutes): now LIMIT before any work', () => {
    const m = share(15);
    expect(m).toBe('academic easel academic academic acquire adult apart deal royal adult apart deal royal adult apart deal royal identify sweater permit');
    expect(decodeMnemonic(m).iterationExponent).toBe(15); // still a well-formed share
    expect(errCode(() => combineMnemonics([m], 'TREZOR'))).toBe('LIMIT');
    expect(errCode(() => combineMnemonics([share(6)]))).toBe('LIMIT');
    expect(combineMnemonics([share(5)])).toHaveLength(16); // at the limit: combined
    const rng = seededRng('regressions:split');
    expect(errCode(() => splitSecret(new Uint8Array(16), { groupThreshold: 1, groups: [{ threshold: 1, count: 1 }], iterationExponent: 6, rng }))).toBe('LIMIT');
  });

  it('bug 2: mnemonic length and share count were unbounded: now LIMIT', () => {
    expect(errCode(() => decodeMnemonic('academic '.repeat(300_000)))).toBe('LIMIT');
    expect(errCode(() => combineMnemonics(Array.from({ length: 257 }, () => share(0))))).toBe('LIMIT');
    expect(errCode(() => combineMnemonics(Array.from({ length: 2 }, () => share(0))))).toBe('SHARE_DUPLICATE');
  });
});

describe('share files', () => {
  const rng = seededRng('regressions:share-file');
  const content = { mnemonic: share(0), ceremony: 'c', custodian: 'a', rootFingerprint: 'f' };
  const doc = JSON.parse(td.decode(encryptShareFile(content, 'pw', { rng, costs: { N: 2, r: 1, p: 1 } }))) as { kdf: Record<string, unknown> };
  const withKdf = (kdf: Record<string, unknown>): Uint8Array => te.encode(JSON.stringify({ ...doc, kdf: { ...doc.kdf, ...kdf } }));

  it('bug 3: N = 2^20, r = 8 (1 GiB, ~9 s) and N = 2^17, r = 8, p = 16 (~14 s) were accepted and run: now LIMIT before scrypt', () => {
    expect(errCode(() => decryptShareFile(withKdf({ N: 2 ** 20, r: 8, p: 1 }), 'pw'))).toBe('LIMIT');
    expect(errCode(() => decryptShareFile(withKdf({ N: 2 ** 17, r: 8, p: 16 }), 'pw'))).toBe('LIMIT');
    expect(errCode(() => decryptShareFile(withKdf({ N: 2 ** 18, r: 8, p: 1 }), 'pw'))).toBe('LIMIT');
    // The default costs stay readable (the tag fails here: the costs are bound as AAD).
    expect(errCode(() => decryptShareFile(withKdf({ N: 2 ** 10, r: 8, p: 1 }), 'pw'))).toBe('BAD_PASSPHRASE');
    // And writ does not write what it would refuse to read.
    expect(errCode(() => encryptShareFile(content, 'pw', { rng, costs: { N: 2 ** 18, r: 8, p: 1 } }))).toBe('LIMIT');
  });

  it('bug 4: a huge salt or file was hex-decoded and hashed: now LIMIT', () => {
    expect(errCode(() => decryptShareFile(withKdf({ salt: 'ab'.repeat(65) }), 'pw'))).toBe('LIMIT');
    expect(errCode(() => decryptShareFile(withKdf({ salt: 'ab'.repeat(64) }), 'pw'))).toBe('BAD_PASSPHRASE');
    expect(errCode(() => decryptShareFile(te.encode(JSON.stringify({ ...doc, ceremony: 'x'.repeat(70_000) })), 'pw'))).toBe('LIMIT');
  });
});

describe('share files (2)', () => {
  it('bug 13: a share file whose "version" (or kdf / cipher name) is a deeply nested array overflowed the stack in String() for the error message: now LIMIT', () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    expect(errCode(() => decryptShareFile(te.encode(`{"type":"writ-share-file","version":${deep}}`), 'pw'))).toBe('LIMIT');
    expect(errCode(() => decryptShareFile(te.encode(`{"type":"writ-share-file","version":1,"kdf":{"name":${deep}}}`), 'pw'))).toBe('LIMIT');
    expect(errCode(() => decryptShareFile(te.encode('{"type":"writ-share-file","version":[[2]]}'), 'pw'))).toBe('UNSUPPORTED');
  });
});

describe('hash-chained logs (src/core/log/chain.ts, shared by transcripts and audit logs)', () => {
  it('bug 5: a log of many repeated lines was classified in O(n^2) (40,000 repeats: 19.7 s of CPU): now linear, same finding', () => {
    // The fuzz 1 s per-input oracle (issue 8), applied through the harness's runOne.
    const n = 40_000;
    const hashes = ['h0', ...Array<string>(n).fill('h1'), 'h2'];
    const lines: ChainLine[] = [{ seq: 0, prev: 'g' }, ...Array<ChainLine>(n).fill({ seq: 1, prev: 'h0' }), { seq: 2, prev: 'h1' }];
    let findings: string[] = [];
    const f: FuzzFormat = {
      name: 'chain-repeats',
      kind: 'bytes',
      seeds: () => [],
      parse: () => {
        const r = classifyChain({ lines, hashes, genesis: 'g' });
        findings = r.findings.map((x) => `${x.code} ${x.message}`);
        return r;
      },
    };
    expect(runOne(f, new Uint8Array())).toEqual({ ok: true });
    expect(findings).toEqual(['CHAIN_REORDERED line 3 repeats an earlier line']);
  });
});

describe('record bundles', () => {
  it('bug 6: a records file that is not UTF-8 threw a TypeError from TextDecoder: now PARSE', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'writ-regress-')), 'records.jsonl');
    writeFileSync(file, Uint8Array.from([0x7b, 0x22, 0x64, 0xff, 0x22, 0x7d, 0x0a])); // {"d\xff"}
    expect(errCode(() => readRecordsFile(file))).toBe('PARSE');
  });
});

describe('ceremony files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'writ-regress-ceremony-'));
  const file = (name: string, text: string): string => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('bug 7: a 200 KB script of nested "- - - ..." or "[[[..." crashed the process (V8 fatal out-of-memory in the RegExp compiler after the YAML parser overflowed its stack): now LIMIT before parsing', () => {
    expect(errCode(() => parseScript(`${'- '.repeat(100_000)}x`, 'evil.yaml'))).toBe('LIMIT');
    expect(errCode(() => parseScript('['.repeat(100_000) + ']'.repeat(100_000), 'evil.yaml'))).toBe('LIMIT');
    expect(errCode(() => parseScript(`${'{a: '.repeat(100_000)}1${'}'.repeat(100_000)}`, 'evil.yaml'))).toBe('LIMIT');
    expect(errCode(() => loadAnswersFile(file('answers.yaml', `${'- '.repeat(100_000)}x`)))).toBe('LIMIT');
    // Just under the nesting limit: the YAML parser runs and the schema refuses it.
    expect(errCode(() => parseScript(`${'- '.repeat(60)}x`, 'shallow.yaml'))).toBe('SCRIPT');
    // Every shipped script still loads.
    for (const [name, text] of Object.entries(BUILTIN_SCRIPT_TEXT)) expect(parseScript(text, name).script.steps.length).toBeGreaterThan(0);
  });

  it('bug 8: 600 KB of YAML ("{}" lines) took ~5 s of YAML parsing per script or answers file: now LIMIT over 64 Ki characters', () => {
    expect(errCode(() => parseScript('{}\n'.repeat(200_000), 'big.yaml'))).toBe('LIMIT');
    expect(errCode(() => loadAnswersFile(file('big-answers.yaml', '{}\n'.repeat(200_000))))).toBe('LIMIT');
  });

  it('bug 9: an answers file with "kdfCost": null threw a TypeError: now USAGE', () => {
    const ok = { participants: { administrator: 'a', witness: 'w', custodians: ['c'] }, answers: {} };
    expect(errCode(() => parseAnswers({ ...ok, kdfCost: null }, 'answers.json'))).toBe('USAGE');
    expect(errCode(() => loadAnswersFile(file('null-cost.json', JSON.stringify({ ...ok, kdfCost: null }))))).toBe('USAGE');
  });

  it('bug 10: an enrolment record whose custodians list holds null threw a TypeError while building its own error message: now PARSE', () => {
    const e = { type: 'writ-enrolment', version: 1, ceremony: 'c', root: { keyFingerprint: 'ab' }, custodians: [null], officers: [], shares: { identifier: 1, custodians: [] } };
    expect(errCode(() => parseEnrolment(JSON.stringify(e), 'enrolment.json'))).toBe('PARSE');
    expect(errCode(() => parseEnrolment(JSON.stringify({ ...e, custodians: [], officers: [7] }), 'enrolment.json'))).toBe('PARSE');
  });

  it('bug 12: an enrolment record whose custodian name is a deeply nested array overflowed the stack (String() of the array in the error message): now LIMIT', () => {
    const e = { type: 'writ-enrolment', version: 1, ceremony: 'c', root: { keyFingerprint: 'ab' }, custodians: [], officers: [], shares: { identifier: 1, custodians: [] } };
    const text = JSON.stringify({ ...e, custodians: [{ name: 'NAME', alg: 'ml-dsa-44', publicKey: 'AA==', keyId: '00' }] }).replace('"NAME"', `${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(errCode(() => parseEnrolment(text, 'enrolment.json'))).toBe('LIMIT');
    // Shallow but still not a string: PARSE, as before.
    expect(errCode(() => parseEnrolment(JSON.stringify({ ...e, custodians: [{ name: [[1]], alg: 'ml-dsa-44', publicKey: 'AA==', keyId: '00' }] }), 'enrolment.json'))).toBe('PARSE');
  });

  it('masked 1: an enrolled key with an unknown algorithm or a wrong-length key was a TypeError / RangeError behind PARSE: now PARSE from the check itself, with no foreign cause', () => {
    const e = { type: 'writ-enrolment', version: 1, ceremony: 'c', root: { keyFingerprint: 'ab' }, custodians: [], officers: [], shares: { identifier: 1, custodians: [] } };
    const thrown = (text: string): unknown => {
      try {
        parseEnrolment(text, 'enrolment.json');
      } catch (x) {
        return x;
      }
      throw new Error('accepted');
    };
    for (const rec of [
      { name: 'aroha', alg: 'ml-dsa-4 4', publicKey: 'AA==', keyId: '00' },
      { name: 'aroha', alg: 'ml-dsa-44', publicKey: Buffer.alloc(1311).toString('base64'), keyId: '00' },
      { name: 'aroha', alg: 'ml-dsa-44', publicKey: '', keyId: '00' },
    ]) {
      const x = thrown(JSON.stringify({ ...e, custodians: [rec] })) as { code?: string; cause?: unknown; message: string };
      expect(x.code).toBe('PARSE');
      expect(x.cause).toBeUndefined();
      expect(x.message).toMatch(/enrolled key of aroha/);
    }
  });

  it('masked 2: an enrolled key with an empty name was a TypeError behind PARSE ("the enrolled key of  is malformed"; 37 of 100,000 ceremony-enrolment cases): now PARSE that names the empty name, with no foreign cause', () => {
    const e = { type: 'writ-enrolment', version: 1, ceremony: 'c', root: { keyFingerprint: 'ab' }, custodians: [], officers: [], shares: { identifier: 1, custodians: [] } };
    // A right-length ML-DSA-44 key, so only the name is wrong: before the fix this got as far as enrolKey's TypeError.
    const rec = { name: '', alg: 'ml-dsa-44', publicKey: Buffer.alloc(1312).toString('base64'), keyId: '00' };
    for (const where of ['custodians', 'officers']) {
      let x: { code?: string; cause?: unknown; message: string } | undefined;
      try {
        parseEnrolment(JSON.stringify({ ...e, [where]: [rec] }), 'enrolment.json');
      } catch (err) {
        x = err as typeof x;
      }
      expect(x?.code).toBe('PARSE');
      expect(x?.cause).toBeUndefined();
      expect(x?.message).toMatch(/empty name/);
    }
  });

  it('bug 11: a rotation.json holding JSON null threw a TypeError: now PARSE', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'writ-regress-rotation-'));
    writeFileSync(path.join(root, 'rotation.json'), 'null');
    expect(errCode(() => readRotationFile(root))).toBe('PARSE');
    writeFileSync(path.join(root, 'rotation.json'), '{"regional":{"validityDays":730,"overlapDays":90}}');
    expect(readRotationFile(root)).toEqual({ validityDays: 730, overlapDays: 90 });
  });
});

describe('signature checks a hostile log can multiply (100,000-case run, 22 Nov 2026)', () => {
  it('bug 14: a transcript repeating one approval line ~1,000 times verified every copy (1.5-2 s of CPU): now one ML-DSA verify, then APPROVAL_DUPLICATE / the chain finding', () => {
    // The exact input of the failure: transcript chunk 2 (fast-check seed 24303), path 19916, 4.5 MB.
    const input = replayInput(transcriptFormat, 24303, '19916');
    expect(input.length).toBe(4_500_352);
    const o = runOne(transcriptFormat, input);
    expect(o).toEqual({ ok: false, code: 'CHAIN_EDITED' });
  });

  it('bug 15: an audit log with 300 copies of its last checkpoint line verified every copy: now signatures stop at the broken checkpoint chain (CHECKPOINT)', () => {
    const seed = td.decode(auditFormat.seeds()[0]!);
    const [log, cps] = seed.split('--- checkpoints ---\n') as [string, string];
    const cpLines = cps.replace(/\n$/, '').split('\n');
    const many = [...cpLines, ...Array.from({ length: 300 }, () => cpLines[cpLines.length - 1]!)];
    const input = te.encode(`${log}--- checkpoints ---\n${many.join('\n')}\n`);
    expect(runOne(auditFormat, input)).toEqual({ ok: false, code: 'CHECKPOINT' });
    // The genuine log still verifies, every checkpoint signature checked.
    expect(runOne(auditFormat, auditFormat.seeds()[0]!)).toEqual({ ok: true });
  });
});

describe('large envelope content (100,000-case run, 22 Nov 2026)', () => {
  it('bug 16: an 8.45 MB envelope (a duplicated certificate set) took 1,006 ms of CPU to open, ~530 ms of it in pure-JS AES-GCM: GCM now runs in node:crypto, and the fuzz format re-seals outside the measured time', () => {
    const signed = envelopeFormats.find((f) => f.name === 'envelope-signed')!;
    // The exact input of the failure: envelope-signed chunk 0 (fast-check seed 24301), path 16234.
    const input = replayInput(signed, 24301, '16234');
    expect(input.length).toBe(8_451_991);
    // It is a well-formed envelope that opens to the seed's meaning (the format's check), now under
    // the 1 s / 256 MiB oracle.
    expect(runOne(signed, input)).toEqual({ ok: true });
  }, 60_000);
});

describe('audit entries whose digests / details are not objects (100,000-case run, 22 Nov 2026)', () => {
  it('bug 17: an audit line whose "details" was a 1.1 MB string took 1.0-1.5 s of CPU (Object.entries made a pair per character): now USAGE at once, reported as CHAIN_EDITED', () => {
    // The exact input of the first failure: audit-log chunk 0 (fast-check seed 24301), path 6473.
    const input = replayInput(auditFormat, 24301, '6473');
    expect(input.length).toBe(1_146_486);
    expect(runOne(auditFormat, input)).toEqual({ ok: false, code: 'CHAIN_EDITED' });
    // The line itself: its details member is the string, and the reason says so.
    const { lines, checkpoints } = splitAuditInput(input);
    const big = lines.findIndex((l) => l.length > 1_000_000);
    expect(typeof (JSON.parse(lines[big]!) as { details: unknown }).details).toBe('string');
    const { harbor, H } = fixture();
    const r = verifyAuditLog({ enclave: H, lines, checkpoints, signers: [harbor.signing.cert] });
    expect(r.errors[0]).toMatchObject({ code: 'CHAIN_EDITED', line: big + 1 });
    expect(r.errors[0]!.message).toContain('details must be an object of named members');
  });

  it('not a bug: dropping the last checkpoint and editing the entry it covered verifies, with that entry reported unsealed (docs/enclave-dir.md limit)', () => {
    // audit-log chunk 4 (seed 24305), path 1334: the 7-entry seed's third checkpoint dropped, entry 6 edited.
    const input = replayInput(auditFormat, 24305, '1334');
    const { lines, checkpoints } = splitAuditInput(input);
    expect([lines.length, checkpoints.length]).toEqual([7, 2]);
    const { harbor, H } = fixture();
    const r = verifyAuditLog({ enclave: H, lines, checkpoints, signers: [harbor.signing.cert] });
    expect(r).toMatchObject({ ok: true, covered: 6, unsealed: 1 });
    // The format's check holds writ to exactly that: covered entries genuine, the unsealed one only chained.
    expect(runOne(auditFormat, input)).toEqual({ ok: true });
  });
});
