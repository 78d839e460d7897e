// Regression tests for the crash-safety defects the crash harness found (issue 8 "Faults"; docs/enclave-dir.md "Crash safety"): stale audit lock, torn JSON lines, dead writers' temp files, interrupted install.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildFixturePki, type FixturePki } from '../../src/fixtures/pki.js';
import { seededRng } from '../../src/fixtures/drbg.js';
import { writeEnclaveDir } from '../../src/enclave/fixture.js';
import { loadEnclave, enclavePaths, enclaveDirs } from '../../src/enclave/layout.js';
import { readLines, verifyAuditDir } from '../../src/enclave/audit.js';
import { ReplayStore } from '../../src/enclave/replay.js';
import { recoverEnclaveDir } from '../../src/enclave/recover.js';
import { appendLineDurable, findTornTail, isTempFile, repairTornTail, sweepTempFiles, writeFileAtomic } from '../../src/cli/io.js';
import { parseCertificate } from '../../src/core/x509/parse.js';
import { pemDecodeAll } from '../../src/core/asn1/pem.js';

const NOW = new Date('2026-05-01T00:00:00Z');
let pki: FixturePki;
let tmp: string;

/** A pid that certainly belongs to no running process: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function freshEnclave(name: string): string {
  const d = path.join(tmp, name);
  writeEnclaveDir(pki, 'harbor', d);
  return d;
}

async function append(dir: string, subject: string): Promise<void> {
  const e = await loadEnclave(dir, { now: NOW, rng: seededRng('recovery', subject), noKem: true });
  try {
    e.audit.append({ event: 'import', decision: 'allow', subject });
  } finally {
    e.wipe();
  }
}

function auditOf(dir: string): ReturnType<typeof verifyAuditDir> {
  const p = enclavePaths(dir);
  const signing = parseCertificate(pemDecodeAll(fs.readFileSync(p.chain, 'utf8'))[0]!.der);
  return verifyAuditDir(p, { enclave: `spiffe://${pki.enclaves.harbor!.host}`, signers: [signing] });
}

beforeAll(() => {
  pki = buildFixturePki('crash-recovery', NOW);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-crash-recovery-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('audit lock left by a killed command', () => {
  test('a lock whose holder is gone is taken over at once (it used to block every command for 60 s)', async () => {
    const d = freshEnclave('lock');
    const lock = path.join(d, 'audit', '.lock');
    fs.writeFileSync(lock, `${deadPid()}\n`);
    await append(d, 'after-a-crash');
    expect(fs.existsSync(lock)).toBe(false);
    expect(readLines(path.join(d, 'audit', 'log.jsonl')).some((l) => l.includes('after-a-crash'))).toBe(true);
  });

  test('a lock held by a live process is respected', async () => {
    const d = freshEnclave('lock-live');
    const lock = path.join(d, 'audit', '.lock');
    fs.writeFileSync(lock, `${process.ppid}\n`); // the parent of this worker: alive
    fs.utimesSync(lock, new Date(), new Date());
    const e = await loadEnclave(d, { now: NOW, rng: seededRng('live'), noKem: true });
    try {
      expect(() => e.audit.append({ event: 'import', decision: 'allow', subject: 'x' })).toThrow(/held by another writ command/);
    } finally {
      fs.unlinkSync(lock);
      e.wipe();
    }
  }, 30_000);
});

describe('a torn last line (an append killed inside write(2))', () => {
  test('audit verify reports it as CHAIN_TRUNCATED, the next append sets it aside and chains on the last whole line', async () => {
    const d = freshEnclave('torn');
    await append(d, 'one');
    await append(d, 'two');
    const log = path.join(d, 'audit', 'log.jsonl');
    const whole = fs.readFileSync(log);
    fs.appendFileSync(log, '{"decision":"allow","event":"imp');
    const before = auditOf(d);
    expect(before.ok).toBe(false);
    expect(before.errors.map((e) => e.code)).toEqual(['CHAIN_TRUNCATED']);
    expect(before.errors[0]!.message).toMatch(/torn/);
    await append(d, 'three');
    const after = auditOf(d);
    expect(after.errors).toEqual([]);
    expect(after.ok).toBe(true);
    expect(fs.readFileSync(log).subarray(0, whole.length).equals(whole)).toBe(true);
    const aside = fs.readdirSync(path.join(d, 'audit')).filter((f) => f.startsWith('log.jsonl.torn-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(d, 'audit', aside[0]!), 'utf8')).toBe('{"decision":"allow","event":"imp');
  });

  test('a torn checkpoint line is set aside too', async () => {
    const d = freshEnclave('torn-cp');
    await append(d, 'one');
    const cps = path.join(d, 'audit', 'checkpoints.jsonl');
    fs.appendFileSync(cps, '{"cms":"MII');
    expect(auditOf(d).errors.map((e) => [e.code, e.file])).toEqual([['CHAIN_TRUNCATED', 'checkpoints']]);
    await append(d, 'two');
    expect(auditOf(d).ok).toBe(true);
  });

  test('the replay store ignores a torn record (that open never completed) and the next record repairs it', () => {
    const f = path.join(tmp, 'opened.jsonl');
    const s = new ReplayStore(f);
    s.record({ id: 'env-1', time: '2026-05-01T00:00:00Z', sender: 'spiffe://a.b.c', digest: 'ab'.repeat(32) });
    fs.appendFileSync(f, '{"digest":"abab');
    expect(s.all().map((r) => r.id)).toEqual(['env-1']); // used to be a PARSE error: no envelope could be opened
    s.record({ id: 'env-2', time: '2026-05-01T00:00:00Z', sender: 'spiffe://a.b.c', digest: 'cd'.repeat(32) });
    expect(s.all().map((r) => r.id)).toEqual(['env-1', 'env-2']);
    expect(findTornTail(f)).toBeUndefined();
  });

  test('repairTornTail keeps the bytes once, by content hash, and is idempotent', () => {
    const f = path.join(tmp, 'x.jsonl');
    fs.writeFileSync(f, '{"a":1}\n{"b":');
    expect(findTornTail(f)).toEqual({ keep: 8, bytes: 5 });
    const r = repairTornTail(f)!;
    expect(fs.readFileSync(f, 'utf8')).toBe('{"a":1}\n');
    expect(fs.readFileSync(r.savedAs!, 'utf8')).toBe('{"b":');
    expect(repairTornTail(f)).toBeUndefined();
    appendLineDurable(f, '{"c":3}');
    expect(fs.readFileSync(f, 'utf8')).toBe('{"a":1}\n{"c":3}\n');
  });
});

describe("temp files of a killed writer", () => {
  test('are recognisable, ignored by store readers, and swept by the next write into the directory; a live writer\'s are kept', () => {
    const d = path.join(tmp, 'sweep');
    fs.mkdirSync(d);
    const dead = `.agr-1.json.${deadPid()}-0123456789ab.writ-tmp`;
    const live = `.agr-2.json.${process.ppid}-0123456789ab.writ-tmp`;
    fs.writeFileSync(path.join(d, dead), '{"partial');
    fs.writeFileSync(path.join(d, live), '{"partial');
    expect(isTempFile(dead)).toBe(true);
    expect(isTempFile('agr-1.json')).toBe(false);
    writeFileAtomic(path.join(d, 'agr-3.json'), '{}\n');
    expect(fs.readdirSync(d).sort()).toEqual([live, 'agr-3.json'].sort());
    expect(sweepTempFiles(d)).toEqual([]);
  });

  test('loading an enclave sweeps them from every enclave directory', async () => {
    const d = freshEnclave('sweep-enclave');
    const f = path.join(d, 'federation', 'agreements', `.agr-x.json.${deadPid()}-0123456789ab.writ-tmp`);
    fs.writeFileSync(f, '{"par');
    await append(d, 'x');
    expect(fs.existsSync(f)).toBe(false);
  });
});

describe('an install interrupted between its renames', () => {
  const tag = '0123456789ab';
  function layout(name: string): { root: string; stage: string; old: string } {
    const root = path.join(tmp, name);
    const stage = path.join(root, `.install-${tag}`);
    const old = path.join(root, `.old-${tag}`);
    for (const d of [root, stage, old]) fs.mkdirSync(d, { recursive: true });
    return { root, stage, old };
  }
  const put = (f: string, text: string): void => {
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
  };
  const read = (f: string): string | undefined => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);

  test('killed after certs/ was swapped in but before trust/: rolled back to the old certs/ and trust/', () => {
    const { root, stage, old } = layout('half');
    put(path.join(old, 'certs', 'chain.pem'), 'old certs');
    put(path.join(root, 'certs', 'chain.pem'), 'new certs');
    put(path.join(root, 'trust', 'anchors.pem'), 'old trust');
    put(path.join(stage, 'trust', 'anchors.pem'), 'new trust');
    expect(recoverEnclaveDir(root)).toEqual([`rolled back an interrupted install (${tag})`]);
    expect(read(path.join(root, 'certs', 'chain.pem'))).toBe('old certs');
    expect(read(path.join(root, 'trust', 'anchors.pem'))).toBe('old trust');
    expect(fs.readdirSync(root).sort()).toEqual(['certs', 'trust']);
  });

  test('a first install killed mid-swap leaves no certs/ (as before it started)', () => {
    const { root, stage } = layout('first');
    put(path.join(root, 'certs', 'chain.pem'), 'new certs');
    put(path.join(stage, 'trust', 'anchors.pem'), 'new trust');
    recoverEnclaveDir(root);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('killed after both renames (the commit point): the install stands and the debris goes', () => {
    const { root, old } = layout('committed');
    put(path.join(old, 'certs', 'chain.pem'), 'old certs');
    put(path.join(root, 'certs', 'chain.pem'), 'new certs');
    put(path.join(root, 'trust', 'anchors.pem'), 'new trust');
    const p = enclavePaths(root);
    expect(recoverEnclaveDir(root, enclaveDirs(p))).toEqual([`completed an interrupted install (${tag})`]);
    expect(read(p.chain)).toBe('new certs');
    expect(fs.existsSync(p.auditDir)).toBe(true);
    expect(fs.readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  test('recovery interrupted half-way and run again ends in the same state', () => {
    const { root, stage, old } = layout('twice');
    put(path.join(old, 'certs', 'chain.pem'), 'old certs');
    put(path.join(old, 'trust', 'anchors.pem'), 'old trust');
    put(path.join(root, 'certs', 'chain.pem'), 'new certs');
    put(path.join(stage, 'trust', 'anchors.pem'), 'new trust');
    // a first recovery got as far as moving the new certs/ back out, then died
    fs.renameSync(path.join(root, 'certs'), path.join(stage, 'certs'));
    recoverEnclaveDir(root);
    expect(read(path.join(root, 'certs', 'chain.pem'))).toBe('old certs');
    expect(read(path.join(root, 'trust', 'anchors.pem'))).toBe('old trust');
  });
});
