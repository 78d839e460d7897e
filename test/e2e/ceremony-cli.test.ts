// End-to-end ceremonies through the built CLI: rehearsal runs, exit 4 on abort, the crash test (SIGKILL mid-ceremony), verify's tamper codes, print and regional plan.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { rehearsalAnswers } from '../../src/ceremony/rehearsal.js';
import type { AnswersFile } from '../../src/ceremony/people.js';
import { writeCsrs } from '../ceremony/csrs.js';
import { lineHash, serializeEntry } from '../../src/core/transcript/chain.js';
import { REPO_ROOT as ROOT, WRIT_BIN as BIN, ensureBundle, runWrit, type Run } from '../helpers/index.js';
import { beginRun } from '../helpers/capture.js';

const CLOCK = '2026-06-01T09:00:00Z';
let dir = '';

function writ(...args: string[]): Run {
  return runWrit(args, { cwd: dir });
}

function answers(name: string, a: AnswersFile): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, stringify(a));
  return f;
}

function walk(d: string): string[] {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
}

beforeAll(() => {
  ensureBundle();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-e2e-ceremony-'));
  const r = writ('ceremony', 'run', 'root-key-generation', '--answers', answers('root.yaml', rehearsalAnswers({ clock: CLOCK, rngSeed: 'e2e-root' })), '--out', 'root');
  if (r.code !== 0) throw new Error(`root rehearsal failed: ${r.stderr}`);
});

describe('writ ceremony run (rehearsal)', () => {
  it('the root rehearsal printed its artifacts and verifies; --json gives one document', () => {
    const v = writ('ceremony', 'verify', 'root');
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^VALID: ceremony root-key-generation-20260601T090000Z-[0-9a-f]{6} \(REHEARSAL\)/);
    const j = writ('ceremony', 'verify', 'root', '--json').json();
    expect(j.ok).toBe(true);
    expect(j.status).toBe('complete');
    expect(j.closingSigners.map((s: { role: string }) => s.role)).toEqual(['root', 'administrator', 'witness']);
  });

  it('a witness refusal exits 4 (ABORTED), writes nothing into --out and keeps the abort transcript beside it', () => {
    const a = answers('refuse.yaml', rehearsalAnswers({ clock: CLOCK, rngSeed: 'e2e-refuse', answers: { 'split.Wiremu.confirm': false } }));
    const r = writ('ceremony', 'run', 'root-key-generation', '--answers', a, '--out', 'refused', '--json');
    expect(r.code).toBe(4);
    const j = r.json();
    expect(j.ok).toBe(false);
    expect(j.error.code).toBe('ABORTED');
    expect(j.error.message).toMatch(/did not confirm step 3 \(split\)/);
    expect(fs.existsSync(path.join(dir, 'refused'))).toBe(false);
    const kept = fs.readdirSync(dir).filter((f) => f.startsWith('refused.aborted-'));
    expect(kept).toHaveLength(1);
    const v = writ('ceremony', 'verify', kept[0]!, '--json').json();
    expect(v.status).toBe('aborted');
    expect(v.errors).toEqual([]);
  });

  it('refuses a non-empty --out before anything happens (exit 3)', () => {
    fs.mkdirSync(path.join(dir, 'busy'));
    fs.writeFileSync(path.join(dir, 'busy', 'x'), 'x');
    const r = writ('ceremony', 'run', 'root-key-generation', '--answers', path.join(dir, 'root.yaml'), '--out', 'busy');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/busy is not empty/);
  });

  it('a broken script is a SCRIPT error (exit 2) naming the exact place', () => {
    const s = fs.readFileSync(path.join(ROOT, 'ceremonies/share-drill.yaml'), 'utf8').replace('action: drill', 'action: dril');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), s);
    const r = writ('ceremony', 'run', 'bad.yaml', '--answers', path.join(dir, 'root.yaml'), '--out', 'x', '--json');
    expect(r.code).toBe(2);
    expect(r.json().error.code).toBe('SCRIPT');
    expect(r.json().error.message).toMatch(/steps\.2\.action: must be one of open, generate-seed/);
  });

  it('without a terminal and without --answers it refuses to start (USAGE)', () => {
    const r = writ('ceremony', 'run', 'root-key-generation', '--out', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--answers/);
  });
});

describe('crash test', () => {
  function crashAt(script: string, step: string, out: string, extra: string[]): Promise<string> {
    const a = answers(`pause-${step}.yaml`, rehearsalAnswers({ clock: CLOCK, rngSeed: `e2e-crash-${step}`, pauseBefore: step }));
    return new Promise((resolve, reject) => {
      const cap = beginRun('spawn', dir, ['ceremony', 'run', script, '--answers', a, '--out', out, ...extra]);
      const child = spawn(process.execPath, [BIN, 'ceremony', 'run', script, '--answers', a, '--out', out, ...extra], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      let stdout = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        if (err.includes(`writ: paused before step ${step}`)) child.kill('SIGKILL');
      });
      child.on('exit', (code, signal) => {
        cap.end(stdout, err, code);
        if (signal === 'SIGKILL') resolve(err);
        else reject(new Error(`exited ${code} without pausing: ${err}`));
      });
    });
  }

  it('kill -9 in the middle of root generation leaves no --out; the next run sweeps the debris and completes', async () => {
    const err = await crashAt('root-key-generation', 'prove-recovery', 'crashed', []);
    expect(err).toMatch(/STEP 5 of 8/); // the root was already signed in the staging area
    expect(fs.existsSync(path.join(dir, 'crashed'))).toBe(false);
    const debris = fs.readdirSync(dir).filter((f) => f.startsWith('.crashed.staging-'));
    expect(debris).toHaveLength(1);
    // what a crash leaves behind holds no secret in the clear: keys and shares are encrypted, no seed anywhere
    for (const f of walk(path.join(dir, debris[0]!))) {
      const t = fs.readFileSync(f, 'utf8');
      expect(t).not.toContain('BEGIN PRIVATE KEY');
      if (f.endsWith('.key')) expect(t).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    }
    // the next run into the same --out sweeps the dead staging directory (keeping its transcript) and completes
    const r = writ('ceremony', 'run', 'root-key-generation', '--answers', path.join(dir, 'root.yaml'), '--out', 'crashed');
    expect(r.code).toBe(0);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.crashed.staging-'))).toEqual([]);
    expect(fs.readdirSync(dir).filter((f) => /^crashed\.crashed-\d+\.transcript\.jsonl$/.test(f))).toHaveLength(1);
    expect(writ('ceremony', 'verify', 'crashed').code).toBe(0);
  });

  it('kill -9 after the root key was rebuilt from shares, before signing: nothing issued, no key on disk', async () => {
    const csrs = writeCsrs(dir, 'e2e-crash-csrs');
    await crashAt('regional-issuance', 'sign', 'regional-crashed', ['--root-dir', 'root', ...csrs.flatMap((c) => ['--in', c])]);
    expect(fs.existsSync(path.join(dir, 'regional-crashed'))).toBe(false);
    const debris = fs.readdirSync(dir).filter((f) => f.startsWith('.regional-crashed.staging-'));
    expect(debris).toHaveLength(1);
    expect(walk(path.join(dir, debris[0]!)).map((f) => path.basename(f))).toEqual(['transcript.jsonl']);
  });
});

describe('writ ceremony verify: each tamper case has its own code', () => {
  const copy = (name: string): string => {
    const d = path.join(dir, name);
    fs.cpSync(path.join(dir, 'root'), d, { recursive: true });
    return d;
  };
  const lines = (d: string): string[] => fs.readFileSync(path.join(d, 'transcript.jsonl'), 'utf8').split('\n').filter(Boolean);
  const save = (d: string, l: string[]): void => fs.writeFileSync(path.join(d, 'transcript.jsonl'), l.map((x) => `${x}\n`).join(''));
  const codes = (d: string): string[] => {
    const r = writ('ceremony', 'verify', d, '--json');
    expect(r.code).toBe(1);
    return [...new Set((r.json().errors as { code: string }[]).map((e) => e.code))];
  };

  it('an edited line: CHAIN_EDITED', () => {
    const d = copy('t-edit');
    const l = lines(d);
    l[3] = l[3]!.replace('"step"', '"step"').replace(/"time":"[^"]+"/, '"time":"2026-06-01T09:00:01Z"');
    save(d, l);
    expect(codes(d)).toContain('CHAIN_EDITED');
  });
  it('two lines swapped: CHAIN_REORDERED', () => {
    const d = copy('t-reorder');
    const l = lines(d);
    [l[4], l[5]] = [l[5]!, l[4]!];
    save(d, l);
    expect(codes(d)).toContain('CHAIN_REORDERED');
  });
  it('a line deleted: CHAIN_DELETED', () => {
    const d = copy('t-delete');
    const l = lines(d);
    l.splice(6, 1);
    save(d, l);
    expect(codes(d)).toContain('CHAIN_DELETED');
  });
  it('truncated (closing record gone): CHAIN_TRUNCATED', () => {
    const d = copy('t-trunc');
    save(d, lines(d).slice(0, -3));
    expect(codes(d)).toContain('CHAIN_TRUNCATED');
  });
  it('a line appended after the closing record: CHAIN_APPENDED', () => {
    const d = copy('t-append');
    const l = lines(d);
    const extra = { seq: l.length, time: '2026-06-01T09:00:00Z', step: 'close', role: 'administrator', actor: 'Ana', event: 'note', data: {}, prev: lineHash(l[l.length - 1]!) };
    save(d, [...l, serializeEntry(extra)]);
    expect(codes(d)).toContain('CHAIN_APPENDED');
  });
  it('a swapped artifact: ARTIFACT_MISMATCH', () => {
    const d = copy('t-swap');
    fs.copyFileSync(path.join(d, 'shares', 'Ben.share.json'), path.join(d, 'shares', 'Aroha.share.json'));
    expect(codes(d)).toEqual(['ARTIFACT_MISMATCH']);
  });
});

describe('writ ceremony print and writ regional plan', () => {
  it('prints a paper script with checkboxes and signature lines (md and html)', () => {
    const md = writ('ceremony', 'print', 'root-key-generation');
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Root key generation \(3-of-5\)/);
    expect(md.stdout).toContain('### 5. Approve and sign the self-signed root certificate');
    expect(md.stdout).toContain('- [ ] Confirmed by Internal witness. Initials: ______');
    expect(md.stdout).toContain('Internal witness: ____');
    const html = writ('ceremony', 'print', 'regional-issuance', '--format', 'html');
    expect(html.stdout).toMatch(/^<!doctype html>/);
    expect(html.stdout.match(/class="step"/g)).toHaveLength(8);
  });

  it('plans rotation: fine, due, overdue', () => {
    const csrs = writeCsrs(dir, 'e2e-plan-csrs');
    const out = path.join('root', 'regional-1');
    const a = answers('regional.yaml', rehearsalAnswers({ clock: CLOCK, rngSeed: 'e2e-regional' }));
    const r = writ('ceremony', 'run', 'regional-issuance', '--root-dir', 'root', ...csrs.flatMap((c) => ['--in', c]), '--answers', a, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(writ('ceremony', 'verify', out).code).toBe(0);
    expect(writ('ceremony', 'verify', 'root').code).toBe(0); // the nested ceremony does not disturb the root's own check
    const plan = (at: string): string[] => (writ('regional', 'plan', '--root-dir', 'root', '--at', at, '--json').json().regionals as { region: string; status: string }[]).map((x) => `${x.region}:${x.status}`);
    expect(plan('2026-07-01T00:00:00Z')).toEqual(['north:fine', 'south:fine']);
    expect(plan('2028-04-01T00:00:00Z')).toEqual(['north:due', 'south:due']);
    expect(plan('2028-06-02T00:00:00Z')).toEqual(['north:overdue', 'south:overdue']);
    const text = writ('regional', 'plan', '--root-dir', 'root', '--at', '2028-04-01T00:00:00Z');
    expect(text.stdout).toMatch(/DUE +north +regional-1\/regionals\/north\.pem/);
  });
});
