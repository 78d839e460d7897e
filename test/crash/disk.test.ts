// Full disk and read-only target for every writing command (issue 8 "Faults"): a clear IO error naming the path and the cause, exit 3, nothing lost, no partial file left.
//
// As root, each run gets its own small tmpfs (filled up to a chosen number of free bytes, so writes fail
// with ENOSPC part-way) or a tmpfs remounted read-only (EROFS; root ignores chmod, a read-only mount it
// cannot ignore). Where `mount` is not permitted (or WRIT_DISK_MODE=preload), test/crash/fault-preload.mjs
// injects the same errors into the fs calls of `node --import <preload> bin/writ.js`. Mounts are
// unmounted in `finally`.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CASE_NAMES, prepareCases, snapshot, type CrashCase } from './harness.js';
import { REPO_ROOT, WRIT_BIN, ensureBundle } from '../helpers/index.js';

const PRELOAD = path.join(REPO_ROOT, 'test/crash/fault-preload.mjs');

function mountPermitted(): boolean {
  if (process.env.WRIT_DISK_MODE === 'preload') return false;
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-mount-probe-'));
  try {
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', d], { encoding: 'utf8' });
    if (r.status !== 0) return false;
    spawnSync('umount', [d]);
    return true;
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
}

const MODE: 'mount' | 'preload' = mountPermitted() ? 'mount' : 'preload';
console.log(`disk faults: ${MODE === 'mount' ? 'real tmpfs mounts (ENOSPC, read-only remount)' : 'fault-injection preload (mount not permitted here)'}`);

let tmp = '';
let cases: CrashCase[] = [];
let templates = new Map<string, string>();
/** Bytes each command adds in a normal run (sum of new or changed files). */
const written = new Map<string, number>();

function du(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    n += e.isDirectory() ? du(f) + 4096 : Math.ceil(fs.statSync(f).size / 4096) * 4096 + 4096;
  }
  return n;
}

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

interface Target {
  work: string;
  env: Record<string, string>;
  node: string[];
}

/**
 * Runs `f` with a copy of `template` on a target that has `free` bytes left ('enospc') or is read-only
 * ('erofs'). With mounts: a fresh tmpfs, filled with a filler file, or remounted ro after the copy.
 */
async function withTarget<T>(template: string, fault: { kind: 'enospc'; free: number } | { kind: 'erofs' }, f: (t: Target) => T | Promise<T>): Promise<T> {
  const mnt = fs.mkdtempSync(path.join(tmp, 'mnt-'));
  if (MODE === 'preload') {
    const work = path.join(mnt, 'w');
    fs.cpSync(template, work, { recursive: true });
    try {
      return await f({ work, env: { WRIT_FAULT_ROOT: work, WRIT_FAULT: fault.kind === 'erofs' ? 'erofs' : `enospc:${fault.free}` }, node: ['--import', PRELOAD] });
    } finally {
      fs.rmSync(mnt, { recursive: true, force: true });
    }
  }
  const size = Math.ceil((du(template) * 2 + 8 * 1024 * 1024) / 1048576);
  sh('mount', ['-t', 'tmpfs', '-o', `size=${size}m`, 'tmpfs', mnt]);
  try {
    const work = path.join(mnt, 'w');
    fs.cpSync(template, work, { recursive: true });
    if (fault.kind === 'erofs') sh('mount', ['-o', 'remount,ro', mnt]);
    else {
      const st = fs.statfsSync(mnt);
      const fill = st.bavail * st.bsize - fault.free;
      if (fill > 0) fs.writeFileSync(path.join(mnt, 'filler'), Buffer.alloc(fill));
    }
    return await f({ work, env: {}, node: [] });
  } finally {
    spawnSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
  }
}

interface Outcome {
  code: number | null;
  out: string;
  json: { ok?: boolean; error?: { code: string; message: string } } | undefined;
}

function run(t: Target, args: string[]): Outcome {
  const r = spawnSync(process.execPath, [...t.node, WRIT_BIN, ...args, '--json'], { cwd: t.work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', ...t.env } });
  let json: Outcome['json'];
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.status, out: `${r.stdout}${r.stderr}`, json };
}

const TEMP = /\.writ-tmp$|\/\.lock$|\.staging-\d+-|\/\.(install|old)-[0-9a-f]{12}/;

/** Problems of a failed run: error shape, and the state compared with the snapshot before it. */
async function failedRunProblems(c: CrashCase, o: Outcome, cause: RegExp, pre: Map<string, string>, work: string): Promise<string[]> {
  const p: string[] = [];
  const e = o.json?.error;
  if (!e) return [`no JSON error document: ${o.out.slice(0, 400)}`];
  // A ceremony that fails part-way is aborted (exit 4, DESIGN: nothing written to --out); its reason is the IO error.
  const ceremony = c.name === 'ceremony-run' && e.code === 'ABORTED';
  if (!ceremony && (e.code !== 'IO' || o.code !== 3)) p.push(`expected IO (exit 3), got ${e.code} (exit ${String(o.code)}): ${e.message}`);
  if (ceremony && (o.code !== 4 || !/\[IO\]/.test(e.message))) p.push(`an aborted ceremony must give its IO reason: ${e.message}`);
  if (!cause.test(e.message)) p.push(`the message does not name the cause: ${e.message}`);
  if (!/\/|[\w-]+\.(json|jsonl|pem|env|key|tmp)\b|writ-tmp/.test(e.message)) p.push(`the message does not name the path: ${e.message}`);
  if (/\n\s+at .+:\d+:\d+/.test(o.out)) p.push('a stack trace was printed');
  const post = snapshot(work);
  for (const [k, v] of pre) {
    if (post.get(k) === v) continue;
    // An append-only log may have gained whole lines before the failure (an audit entry whose checkpoint
    // then failed): the old bytes must be intact and the rest complete lines; the validators judge them.
    if (post.has(k) && c.appendOnly.test(k)) {
      const now = fs.readFileSync(path.join(work, k));
      const old = fs.readFileSync(path.join(templates.get(c.name)!, k));
      if (!now.subarray(0, old.length).equals(old) || now[now.length - 1] !== 0x0a) p.push(`${k}: old bytes changed or a partial line was left`);
      continue;
    }
    p.push(`${k} was ${post.has(k) ? 'changed' : 'removed'}`);
  }
  for (const [k, v] of post) {
    if (pre.has(k)) continue;
    if (TEMP.test(`/${k}`)) p.push(`leftover ${k}`);
    else if (v === 'dir') continue;
    else if (!outputs.get(c.name)!.has(k) && !c.outputs?.test(k)) p.push(`new file ${k} after a failed run`);
    else p.push(...completeProblems(path.join(work, k), k));
  }
  if ([...pre].some(([k, v]) => post.get(k) !== v)) p.push(...(await c.validate(work, { afterFollowUp: true })));
  return p;
}

/**
 * A command that writes several files is not one transaction: on a full disk an earlier output (the
 * --out document written before the store and the audit entry) may be complete while a later write
 * fails. Such a file must be one of the command's outputs and whole: JSON that parses, lines that end.
 */
function completeProblems(file: string, k: string): string[] {
  const b = fs.readFileSync(file);
  if (b.length === 0 || b[b.length - 1] !== 0x0a) return [`${k} is partial (no final newline)`];
  const t = b.toString('utf8');
  try {
    if (k.endsWith('.json')) JSON.parse(t);
    else if (k.endsWith('.jsonl')) for (const l of t.split('\n').filter(Boolean)) JSON.parse(l);
    else if (k.endsWith('.pem') && !/-----END [A-Z ]+-----\n$/.test(t)) return [`${k} is partial (no END line)`];
  } catch {
    return [`${k} is partial (does not parse)`];
  }
  return [];
}

/** Files a normal run of each case creates (relative paths). */
const outputs = new Map<string, Set<string>>();

beforeAll(async () => {
  ensureBundle();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-disk-'));
  ({ cases, templates } = await prepareCases(REPO_ROOT, tmp));
  for (const c of cases) {
    const w = path.join(tmp, `ref-${c.name}`);
    const tpl = templates.get(c.name)!;
    fs.cpSync(tpl, w, { recursive: true });
    const pre = snapshot(w);
    const r = spawnSync(process.execPath, [WRIT_BIN, ...c.args], { cwd: w, encoding: 'utf8' });
    if (r.status !== (c.exitCode ?? 0)) throw new Error(`${c.name}: reference run failed: ${r.stderr}`);
    let n = 0;
    const made = new Set<string>();
    for (const [k, v] of snapshot(w)) {
      if (v === 'dir' || pre.get(k) === v) continue;
      n += fs.statSync(path.join(w, k)).size;
      if (!pre.has(k)) made.add(k);
    }
    outputs.set(c.name, made);
    written.set(c.name, n);
    fs.rmSync(w, { recursive: true, force: true });
  }
}, 600_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe.each(CASE_NAMES.map((n) => [n]))('%s', (name) => {
  const c = (): CrashCase => cases.find((x) => x.name === name)!;

  test('full disk at several points of the write: IO error (exit 3) naming path and cause, or a complete result; nothing lost, no partial file', async () => {
    const total = written.get(name)!;
    expect(total).toBeGreaterThan(0);
    const outcomes: string[] = [];
    for (const frac of [0, 0.1, 0.35, 0.6, 0.9]) {
      const free = Math.floor(total * frac);
      const problems = await withTarget(templates.get(name)!, { kind: 'enospc', free }, async (t) => {
        const pre = snapshot(t.work);
        const o = run(t, c().args);
        // Completed: exit 0, or for the audited refusal its own refusal code (PARSE), never IO.
        if (o.code === (c().exitCode ?? 0) && (o.json?.ok !== false || (c().exitCode !== undefined && o.json?.error?.code !== 'IO'))) {
          outcomes.push(`${free}: completed`);
          const post = snapshot(t.work);
          const left = [...post.keys()].filter((k) => !pre.has(k) && TEMP.test(`/${k}`));
          return [...left.map((k) => `leftover ${k} after a completed run`), ...(await c().validate(t.work, { afterFollowUp: true }))];
        }
        outcomes.push(`${free}: ${o.json?.error?.code ?? o.code}`);
        return failedRunProblems(c(), o, /no space left on device/, pre, t.work);
      });
      expect(problems, `${name} with ${free} bytes free`).toEqual([]);
    }
    console.log(`${name} (${MODE}), bytes free -> outcome: ${outcomes.join(', ')}`);
    // At least the no-space case must fail: the fault was really injected.
    expect(outcomes[0], outcomes.join(', ')).not.toMatch(/completed/);
  }, 300_000);

  test('read-only target: IO error (exit 3) naming path and cause; nothing changed', async () => {
    const problems = await withTarget(templates.get(name)!, { kind: 'erofs' }, (t) => {
      const pre = snapshot(t.work);
      const o = run(t, c().args);
      console.log(`${name} (${MODE}), read-only -> ${o.json?.error?.code ?? o.code}: ${o.json?.error?.message ?? ''}`);
      return failedRunProblems(c(), o, /read-only file system/, pre, t.work);
    });
    expect(problems).toEqual([]);
  }, 120_000);
});
