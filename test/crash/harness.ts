// Crash harness (issue 8 "Faults"): SIGKILLs every writing command of the built CLI at seeded random points and checks that the previous state is intact or the new one complete, with no partial file left.
//
// For each case a template state is prepared once, then copied per kill. The command runs as
// `node bin/writ.js ...` and is killed after a delay drawn (seeded) from [0, its measured normal
// duration]. After the kill every file of the state is compared with the snapshot taken before (path +
// SHA-256) and with two reference runs that completed:
// - unchanged files are fine; a file the command writes whole must be byte-identical to the reference
//   when the command's output is deterministic, else pass the case's own validator;
// - append-only files (audit log, checkpoints, replay store) must keep the old bytes as a prefix and add
//   complete lines, except for at most one torn final line (SIGKILL inside write(2));
// - any other new file must be a recognised leftover (a dead writer's temp file, lock, staging or
//   install directory), and then a follow-up writing command must clean it up (and set a torn line aside);
// - the case's validators (audit verify, enclave load, ceremony verify, trust store...) must accept the state.
// docs/enclave-dir.md "Crash safety" states the design these checks hold the writers to.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { buildFixturePki } from '../../src/fixtures/pki.js';
import { seededRng, drbgBytes } from '../../src/fixtures/drbg.js';
import { fixtureCrossingAuthority, writeEnclaveDir } from '../../src/enclave/fixture.js';
import { writeRegionalDir } from '../../src/demo/provisioning.js';
import { encodePrivateKey } from '../../src/core/asn1/pkcs8.js';
import { pemEncode } from '../../src/core/asn1/pem.js';
import { rehearsalAnswers } from '../../src/ceremony/rehearsal.js';
import { loadEnclave } from '../../src/enclave/layout.js';
import { ReplayStore } from '../../src/enclave/replay.js';
import { run as auditVerify } from '../../src/cli/commands/audit/verify.js';
import { run as ceremonyVerify } from '../../src/cli/commands/ceremony/verify.js';
import type { Ctx } from '../../src/cli/context.js';

export interface CrashOptions {
  /** Repository root (bin/writ.js and dist/writ.mjs must exist: build first). */
  root: string;
  /** Kills per case. */
  kills: number;
  /** Seed of the delay RNG (a string; recorded in the summary). */
  seed: string;
  /** Run only these cases (names). */
  only?: string[];
  /** Concurrent kills (default 2: the CI machine has 2 cores). */
  jobs?: number;
  log?: (line: string) => void;
  /** Keep the temp directory (debugging). */
  keep?: boolean;
}

export interface CaseSummary {
  case: string;
  command: string;
  /** Median duration of a normal run (ms): the upper bound of the kill delay. */
  normalMs: number;
  /** When a normal run first changes a file (ms after spawn). */
  firstWriteMs: number;
  kills: number;
  killedBeforeStart: number;
  killedMidWrite: number;
  completed: number;
  /** Kills after which a follow-up command had to clean up (temp file, lock, torn line, install debris). */
  leftoversCleaned: number;
  /** Kills that left a torn final line in an append-only file (detected, then set aside). */
  tornLines: number;
  corruptionFound: number;
  failures: { kill: number; delayMs: number; afterFirstWrite: boolean; problems: string[] }[];
}

export interface CrashSummary {
  seed: string;
  killsPerCase: number;
  node: string;
  cases: CaseSummary[];
  totalKills: number;
  corruptionFound: number;
  elapsedMs: number;
}

type Snapshot = Map<string, string>; // relative path -> sha256 hex ("dir" for directories)

/** Every file (path + SHA-256) and directory under `dir`. */
export function snapshot(dir: string): Snapshot {
  const out: Snapshot = new Map();
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        out.set(r, 'dir');
        walk(full, r);
      } else {
        out.set(r, createHash('sha256').update(fs.readFileSync(full)).digest('hex'));
      }
    }
  };
  walk(dir, '');
  return out;
}

/** Seeded PRNG (mulberry32 over a SHA-256 of the seed): the kill delays are reproducible. */
export function seededRandom(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The writing commands the harness covers (names of the cases prepareCases returns). */
export const CASE_NAMES = ['ceremony-run', 'enclave-install', 'federation-propose', 'trust-add', 'audit-append', 'federation-import', 'envelope-open'] as const;

/** A writing command under test. */
export interface CrashCase {
  name: string;
  /** What the case covers (for the table). */
  covers: string;
  /** Arguments after bin/writ.js; run with cwd = the work copy. */
  args: string[];
  /** Exit code of a normal run (default 0; a refusal that is audited exits 1). */
  exitCode?: number;
  /** Files that only ever grow by whole lines (relative paths). */
  appendOnly: RegExp;
  /** Outputs whose names vary between runs (time-derived ids): validated, not compared by name. */
  outputs?: RegExp;
  /** Leftovers a killed run may leave (relative paths); each must be gone after the follow-up. */
  leftovers: RegExp;
  /** Readers recover this state first (an interrupted install): with leftovers, judge it only after the follow-up. */
  recoverFirst?: boolean;
  /** A writing command run after a kill that left debris: it must clean up (cwd = the work copy). */
  followUp: string[];
  /** Validators: problems found in the state of `dir` (empty = accepted). */
  validate(dir: string, o: { afterFollowUp: boolean }): Promise<string[]>;
}

function quietCtx(now: Date, notes: string[]): Ctx {
  return { json: true, note: (m) => notes.push(m), now: () => now, rng: seededRng('crash-validate', String(notes.length)) };
}

async function enclaveProblems(dir: string, now: Date): Promise<string[]> {
  const notes: string[] = [];
  try {
    const e = await loadEnclave(dir, { now, rng: seededRng('crash-load'), note: (m) => notes.push(m) });
    e.wipe?.call(e);
  } catch (err) {
    return [`loadEnclave ${path.basename(dir)}: ${(err as Error).message}`];
  }
  return notes.filter((n) => /warning|ignoring|unreadable/i.test(n)).map((n) => `loadEnclave ${path.basename(dir)}: ${n}`);
}

function auditProblems(dir: string, now: Date, allowTorn: boolean): { problems: string[]; torn: boolean } {
  try {
    const r = auditVerify(quietCtx(now, []), [dir], {});
    const data = r.data as { ok: boolean; errors: { code: string; message: string; file: string }[] };
    if (data.ok) return { problems: [], torn: false };
    const torn = data.errors.filter((x) => x.code === 'CHAIN_TRUNCATED' && /torn/.test(x.message));
    const other = data.errors.filter((x) => !torn.includes(x));
    const problems = other.map((x) => `audit verify ${path.basename(dir)}: ${x.code} ${x.file}: ${x.message}`);
    if (torn.length && !allowTorn) problems.push(`audit verify ${path.basename(dir)}: a torn line survived the follow-up command`);
    return { problems, torn: torn.length > 0 };
  } catch (err) {
    return { problems: [`audit verify ${path.basename(dir)}: ${(err as Error).message}`], torn: false };
  }
}

function replayProblems(dir: string): string[] {
  try {
    new ReplayStore(path.join(dir, 'state', 'opened.jsonl')).all();
    return [];
  } catch (err) {
    return [`replay store ${path.basename(dir)}: ${(err as Error).message}`];
  }
}

function cli(root: string, cwd: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/writ.js'), ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function must(root: string, cwd: string, args: string[]): string {
  const r = cli(root, cwd, args);
  if (r.code !== 0) throw new Error(`setup: writ ${args.join(' ')} exited ${String(r.code)}:\n${r.out}`);
  return r.out;
}

const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Prepares the template states (one directory per case, under `tmp`) and returns the cases. The fixture
 * PKI is issued at the real clock (the federation and envelope commands read it).
 */
export async function prepareCases(root: string, tmp: string): Promise<{ cases: CrashCase[]; templates: Map<string, string> }> {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const at = iso(new Date(now.getTime() + 3_600_000));
  const templates = new Map<string, string>();
  const pki = buildFixturePki('crash-harness', now);

  // --- federation base: two fixture enclaves, an agreement signed by both (not yet imported by harbor) ---
  const base = path.join(tmp, 'tpl-federation');
  fs.mkdirSync(base, { recursive: true });
  writeEnclaveDir(pki, 'harbor', path.join(base, 'harbor'));
  writeEnclaveDir(pki, 'orchard', path.join(base, 'orchard'));
  must(root, base, ['federation', 'propose', '--as', 'harbor', '--peer', 'orchard/certs/chain.pem', '--layers', 'data,models', '--scope', 'research.aggregate', '--level', 'internal', '--level', 'restricted', '--not-after', '30d', '--out', 'proposal.json']);
  must(root, base, ['federation', 'countersign', 'proposal.json', '--as', 'orchard', '--out', 'agreement.json']);
  fs.writeFileSync(path.join(base, 'tampered.json'), fs.readFileSync(path.join(base, 'agreement.json'), 'utf8').replace('research.aggregate', 'research.everything'));

  // --- envelope open: agreement and crossings imported on both sides, one envelope harbor -> orchard ---
  const open = path.join(tmp, 'tpl-open');
  fs.cpSync(base, open, { recursive: true });
  fs.writeFileSync(path.join(open, 'authority.key'), pemEncode('PRIVATE KEY', encodePrivateKey('ml-dsa-87', drbgBytes(pki.seed, 'key:crossing-authority', 32))), { mode: 0o600 });
  fs.writeFileSync(path.join(open, 'authority.pem'), pemEncode('CERTIFICATE', fixtureCrossingAuthority(pki).der));
  must(root, open, ['federation', 'import', 'agreement.json', '--as', 'harbor']);
  const h = `spiffe://${pki.enclaves.harbor!.host}`;
  const o = `spiffe://${pki.enclaves.orchard!.host}`;
  must(root, open, ['federation', 'crossing', '--authority-key', 'authority.key', '--authority-cert', 'authority.pem', '--sender', h, '--recipient', o, '--scope', 'research.aggregate', '--from-level', 'restricted', '--to-level', 'internal', '--not-after', '7d', '--out', 'crossing.json']);
  must(root, open, ['federation', 'import', 'crossing.json', '--as', 'harbor']);
  must(root, open, ['federation', 'import', 'crossing.json', '--as', 'orchard']);
  const g = { kaitiaki: 'Harbor community board', terms: 'aggregate research only' };
  fs.writeFileSync(path.join(open, 'records.jsonl'), [{ region: 'north', year: 2025, cases: 17 }, { region: 'north', year: 2024, cases: 11 }].map((d) => JSON.stringify({ data: d, guardianship: g })).join('\n') + '\n');
  const agreementId = /agr-[0-9a-f]{32}/.exec(fs.readFileSync(path.join(open, 'agreement.json'), 'utf8'))![0];
  must(root, open, ['envelope', 'seal', '--as', 'harbor', '--to', 'orchard/certs/kem.pem', '--untrusted', 'orchard/certs/chain.pem', '--agreement', agreementId, '--scope', 'research.aggregate', '--records', 'records.jsonl', '--expires', '7d', '--out', 'e1.env']);

  // --- trust store: a partner root (another PKI) to add as a constrained anchor ---
  const trust = path.join(tmp, 'tpl-trust');
  fs.cpSync(base, trust, { recursive: true });
  fs.writeFileSync(path.join(trust, 'partner.pem'), pemEncode('CERTIFICATE', buildFixturePki('crash-partner', now).root.der));

  // --- ceremony: rehearsal answers for a root key generation ---
  const cer = path.join(tmp, 'tpl-ceremony');
  fs.mkdirSync(cer, { recursive: true });
  fs.writeFileSync(path.join(cer, 'root.yaml'), stringify(rehearsalAnswers({ clock: '2026-06-01T09:00:00Z', rngSeed: 'crash-root' })));

  // --- enclave install: an initialised enclave and the bundle its regional authority issued ---
  const inst = path.join(tmp, 'tpl-install');
  fs.mkdirSync(inst, { recursive: true });
  fs.writeFileSync(path.join(inst, 'pass.txt'), 'crash passphrase\n');
  writeRegionalDir(pki, 'north', path.join(inst, 'north'), { pass: new TextEncoder().encode('crash passphrase'), rng: seededRng('crash-regional') });
  fs.writeFileSync(path.join(inst, 'root.pem'), pemEncode('CERTIFICATE', pki.root.der));
  // Unencrypted keys (a fixture): the install path is the same, and the run is seconds shorter (no scrypt).
  must(root, inst, ['enclave', 'init', '--id', 'quay', '--region', 'north', '--level', 'internal', '--anchor', 'root.pem', '--out', 'quay', '--insecure-no-pass', '--at', at]);
  must(root, inst, ['enclave', 'issue', '--ca-dir', 'north', '--request', 'quay/request', '--out', 'quay-bundle', '--pass-file', 'pass.txt', '--at', at]);

  templates.set('ceremony-run', cer);
  templates.set('enclave-install', inst);
  templates.set('federation-propose', base);
  templates.set('trust-add', trust);
  templates.set('audit-append', base);
  templates.set('federation-import', base);
  templates.set('envelope-open', open);

  const tmpFile = /(^|\/)\.[^/]+\.\d+-[0-9a-f]{12}\.writ-tmp$/;
  const lock = /(^|\/)audit\/\.lock$/;
  const either = (...r: RegExp[]): RegExp => new RegExp(r.map((x) => `(?:${x.source})`).join('|'));
  const enclaveAppend = /^(harbor|orchard|quay)\/(audit\/(log|checkpoints)\.jsonl|state\/(opened|queries)\.jsonl)$/;
  const both = async (dir: string, names: string[], afterFollowUp: boolean): Promise<string[]> => {
    const p: string[] = [];
    for (const n of names) {
      p.push(...(await enclaveProblems(path.join(dir, n), now)));
      p.push(...auditProblems(path.join(dir, n), now, !afterFollowUp).problems);
    }
    return p;
  };
  const refusedImport = ['federation', 'import', 'tampered.json', '--as', 'harbor'];

  const cases: CrashCase[] = [
    {
      name: 'ceremony-run',
      covers: 'ceremony output (staged dir renamed into --out)',
      args: ['ceremony', 'run', 'root-key-generation', '--answers', 'root.yaml', '--out', 'out'],
      appendOnly: /^$/,
      // The staging directory of a killed run (swept by the next run into the same --out, which keeps its transcript).
      leftovers: either(/^\.out\.staging-\d+-[0-9a-f]+(\/.*)?$/, tmpFile),
      followUp: ['ceremony', 'run', 'root-key-generation', '--answers', 'root.yaml', '--out', 'out'],
      async validate(dir, o) {
        const p: string[] = [];
        if (fs.existsSync(path.join(dir, 'out'))) {
          const r = ceremonyVerify(quietCtx(now, []), [path.join(dir, 'out')], {});
          if (!(r.data as { ok: boolean }).ok) p.push(`ceremony verify out: ${r.text.split('\n').slice(0, 3).join(' / ')}`);
        } else if (o.afterFollowUp) p.push('the follow-up ceremony did not produce out/');
        return p;
      },
    },
    {
      name: 'enclave-install',
      covers: 'enclave directory (certs/ + trust/ swapped in, audit)',
      args: ['enclave', 'install', 'quay-bundle', '--into', 'quay', '--at', at],
      recoverFirst: true,
      appendOnly: enclaveAppend,
      leftovers: either(/^quay\/\.(install|old|done)-[0-9a-f]{12}(\/.*)?$/, tmpFile, lock),
      // Any command on the enclave (here: status) first recovers an interrupted install: rolls it back, or finishes a committed one.
      followUp: ['enclave', 'status', 'quay', '--at', at],
      async validate(dir, o) {
        const q = path.join(dir, 'quay');
        const installed = fs.existsSync(path.join(q, 'certs', 'chain.pem'));
        const p: string[] = [];
        if (fs.existsSync(path.join(q, 'certs')) !== fs.existsSync(path.join(q, 'trust', 'anchors.pem'))) p.push('quay: certs/ and trust/ disagree (half an install)');
        if (installed) {
          const notes: string[] = [];
          try {
            const e = await loadEnclave(q, { now: new Date(at), rng: seededRng('crash-load'), note: (m) => notes.push(m) });
            e.wipe();
          } catch (err) {
            p.push(`loadEnclave quay: ${(err as Error).message}`);
          }
          if (fs.existsSync(path.join(q, 'audit', 'log.jsonl'))) p.push(...auditProblems(q, now, !o.afterFollowUp).problems);
        }
        return p;
      },
    },
    {
      name: 'federation-propose',
      covers: 'enclave federation store + --out file + audit',
      args: ['federation', 'propose', '--as', 'harbor', '--peer', 'orchard/certs/chain.pem', '--layers', 'data', '--scope', 'crash.scope', '--level', 'internal', '--not-after', '30d', '--out', 'p2.json'],
      outputs: /^harbor\/federation\/agreements\/agr-[0-9a-f]{32}\.json$/,
      appendOnly: enclaveAppend,
      leftovers: either(tmpFile, lock),
      // The same command again: it aims at the same --out directory (sweeping a dead writer's temp file
      // there) and the same enclave (recovery at load); it completes, or stops at EXISTS.
      followUp: ['federation', 'propose', '--as', 'harbor', '--peer', 'orchard/certs/chain.pem', '--layers', 'data', '--scope', 'crash.scope', '--level', 'internal', '--not-after', '30d', '--out', 'p2.json'],
      validate: (dir, o) => both(dir, ['harbor'], o.afterFollowUp),
    },
    {
      name: 'trust-add',
      covers: 'trust store (trust/partners.json) + audit',
      args: ['trust', 'add', '--as', 'harbor', '--anchor', 'partner.pem', '--permit-uri', 'partner.writ.test', '--levels', 'internal'],
      appendOnly: enclaveAppend,
      leftovers: either(tmpFile, lock),
      followUp: refusedImport,
      validate: (dir, o) => both(dir, ['harbor'], o.afterFollowUp),
    },
    {
      name: 'audit-append',
      covers: 'audit log append alone (a refused import is audited)',
      args: refusedImport,
      exitCode: 1,
      appendOnly: enclaveAppend,
      leftovers: either(tmpFile, lock),
      followUp: refusedImport,
      validate: (dir, o) => both(dir, ['harbor'], o.afterFollowUp),
    },
    {
      name: 'federation-import',
      covers: 'federation import (store file + audit)',
      args: ['federation', 'import', 'agreement.json', '--as', 'harbor'],
      appendOnly: enclaveAppend,
      leftovers: either(tmpFile, lock),
      followUp: refusedImport,
      validate: (dir, o) => both(dir, ['harbor'], o.afterFollowUp),
    },
    {
      name: 'envelope-open',
      covers: 'envelope open (--out records, replay store, audit)',
      args: ['envelope', 'open', 'e1.env', '--as', 'orchard', '--out', 'opened.jsonl'],
      appendOnly: enclaveAppend,
      leftovers: either(tmpFile, lock),
      // The same open again (refused as EXISTS or REFUSED_REPLAY, or completing): it sweeps the --out directory and recovers the enclave.
      followUp: ['envelope', 'open', 'e1.env', '--as', 'orchard', '--out', 'opened.jsonl'],
      async validate(dir, o) {
        return [...(await both(dir, ['orchard'], o.afterFollowUp)), ...replayProblems(path.join(dir, 'orchard'))];
      },
    },
  ];
  return { cases, templates };
}

interface Reference {
  /** Paths (relative) of the state after a completed run. */
  files: Map<string, string>;
  /** Paths whose content was identical in both reference runs (deterministic output). */
  deterministic: Set<string>;
  normalMs: number;
  /** When the first file changed in a normal run (ms after spawn, from file mtimes). */
  firstWriteMs: number;
}

/** When to kill: `ms` after spawn, or `ms` after the first change inside the work directory (inotify). */
interface Kill {
  ms: number;
  fromFirstWrite: boolean;
}

function runOnce(root: string, cwd: string, args: string[], kill?: Kill): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let watcher: fs.FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    const child = spawn(process.execPath, [path.join(root, 'bin/writ.js'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    if (kill && kill.fromFirstWrite) {
      watcher = fs.watch(cwd, { recursive: true }, () => {
        watcher?.close();
        watcher = undefined;
        timer = setTimeout(() => child.kill('SIGKILL'), kill.ms);
      });
    } else if (kill) {
      timer = setTimeout(() => child.kill('SIGKILL'), kill.ms);
    }
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      watcher?.close();
      if (timer) clearTimeout(timer);
      resolve({ code, signal, ms: performance.now() - t0, out });
    });
  });
}

async function reference(root: string, c: CrashCase, template: string, tmp: string): Promise<Reference> {
  const snaps: Snapshot[] = [];
  const times: number[] = [];
  const firstWrites: number[] = [];
  for (let i = 0; i < 3; i++) {
    const w = path.join(tmp, `ref-${c.name}-${i}`);
    fs.cpSync(template, w, { recursive: true });
    const pre = snapshot(w);
    const started = Date.now();
    const r = await runOnce(root, w, c.args);
    if (r.code !== (c.exitCode ?? 0)) throw new Error(`${c.name}: the normal run exited ${String(r.code)}:\n${r.out}`);
    times.push(r.ms);
    const problems = await c.validate(w, { afterFollowUp: true });
    if (problems.length) throw new Error(`${c.name}: the normal run's state does not validate: ${problems.join('; ')}`);
    const post = snapshot(w);
    for (const [k, v] of post) if (pre.get(k) !== v) firstWrites.push(fs.statSync(path.join(w, k)).mtimeMs - started);
    snaps.push(post);
    fs.rmSync(w, { recursive: true, force: true });
  }
  const [a, b] = snaps as [Snapshot, Snapshot];
  const deterministic = new Set([...a].filter(([k, v]) => b.get(k) === v).map(([k]) => k));
  times.sort((x, y) => x - y);
  return { files: a, deterministic, normalMs: times[1]!, firstWriteMs: Math.max(0, Math.min(times[1]!, ...firstWrites)) };
}

/** Checks an append-only file: the old bytes are a prefix, the rest are complete lines (+ maybe one torn tail). */
function appendProblems(file: string, before: Buffer | undefined): { problems: string[]; torn: boolean } {
  const now = fs.readFileSync(file);
  const old = before ?? Buffer.alloc(0);
  if (now.length < old.length || !now.subarray(0, old.length).equals(old)) return { problems: [`${file}: append-only file lost or changed existing bytes`], torn: false };
  const added = now.subarray(old.length).toString('utf8');
  const lines = added.split('\n');
  const tail = lines.pop()!;
  const problems: string[] = [];
  for (const l of lines) {
    try {
      JSON.parse(l);
    } catch {
      problems.push(`${file}: an appended line is not JSON`);
    }
  }
  return { problems, torn: tail !== '' };
}

interface KillResult {
  outcome: 'completed' | 'killed-before-start' | 'killed-mid-write';
  problems: string[];
  leftovers: boolean;
  torn: boolean;
}

async function oneKill(root: string, c: CrashCase, template: string, pre: Snapshot, ref: Reference, work: string, kill: Kill): Promise<KillResult> {
  fs.cpSync(template, work, { recursive: true });
  const r = await runOnce(root, work, c.args, kill);
  const killed = r.signal === 'SIGKILL';
  const problems: string[] = [];
  if (!killed && r.code !== (c.exitCode ?? 0)) problems.push(`exited ${String(r.code)} without being killed: ${r.out.slice(0, 300)}`);
  const post = snapshot(work);
  const changed = [...post].filter(([k, v]) => pre.get(k) !== v).map(([k]) => k);
  const removed = [...pre.keys()].filter((k) => !post.has(k));
  const unchanged = changed.length === 0 && removed.length === 0;
  let leftovers = false;
  let torn = false;
  for (const k of removed) if (ref.files.has(k)) problems.push(`${k} was removed`);
  for (const k of changed) {
    const v = post.get(k)!;
    if (v === 'dir') {
      if (!ref.files.has(k) && c.leftovers.test(k)) leftovers = true;
      else if (!ref.files.has(k)) problems.push(`unexpected directory ${k}`);
      continue;
    }
    if (c.leftovers.test(k)) {
      leftovers = true;
      continue;
    }
    if (!ref.files.has(k) && !c.outputs?.test(k)) {
      problems.push(`unexpected file ${k} (a partial or stray file)`);
      continue;
    }
    if (c.appendOnly.test(k)) {
      const before = pre.has(k) ? fs.readFileSync(path.join(template, k)) : undefined;
      const a = appendProblems(path.join(work, k), before);
      problems.push(...a.problems.map((p) => p.replace(work + path.sep, '')));
      torn ||= a.torn;
      continue;
    }
    if (ref.deterministic.has(k) && ref.files.get(k) !== v) problems.push(`${k} differs from the complete output (truncated or partial)`);
  }
  if (!unchanged && !(c.recoverFirst && leftovers)) problems.push(...(await c.validate(work, { afterFollowUp: false })));
  if (problems.length === 0 && (leftovers || torn)) {
    // The design: leftovers are harmless and cleaned, a torn line is set aside, by the next writing command.
    await runOnce(root, work, c.followUp);
    const after = snapshot(work);
    for (const [k, v] of after) {
      if (v !== 'dir' && c.leftovers.test(k)) problems.push(`after the follow-up command, ${k} is still there`);
      if (v === 'dir' && c.leftovers.test(k) && !ref.files.has(k)) problems.push(`after the follow-up command, directory ${k} is still there`);
    }
    problems.push(...(await c.validate(work, { afterFollowUp: true })));
  }
  fs.rmSync(work, { recursive: true, force: true });
  return { outcome: !killed ? 'completed' : unchanged ? 'killed-before-start' : 'killed-mid-write', problems, leftovers, torn };
}

/** Runs the whole crash suite; returns the per-case summary. */
export async function runCrashSuite(opts: CrashOptions): Promise<CrashSummary> {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-crash-'));
  try {
    // A private copy of the built CLI (bin/writ.js + dist/writ.mjs): a rebuild in the working tree during
    // a long run must not swap the bundle under the kills.
    const root = path.join(tmp, 'cli');
    fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
    fs.copyFileSync(path.join(opts.root, 'bin', 'writ.js'), path.join(root, 'bin', 'writ.js'));
    fs.copyFileSync(path.join(opts.root, 'dist', 'writ.mjs'), path.join(root, 'dist', 'writ.mjs'));
    const { cases, templates } = await prepareCases(root, tmp);
    const selected = cases.filter((c) => !opts.only || opts.only.includes(c.name));
    if (opts.only) for (const n of opts.only) if (!cases.some((c) => c.name === n)) throw new Error(`no crash case "${n}" (have: ${cases.map((c) => c.name).join(', ')})`);
    const summaries: CaseSummary[] = [];
    for (const c of selected) {
      const template = templates.get(c.name)!;
      const pre = snapshot(template);
      const ref = await reference(root, c, template, tmp);
      const rnd = seededRandom(`${opts.seed}/${c.name}`);
      // Every delay lies within the normal duration. Half are uniform over [0, normal] after the spawn;
      // the other half are uniform over [0, normal - first write] after the first change the command
      // makes in its directory (inotify), because most of a run is start-up and crypto before the first
      // byte is written and timing on a loaded machine drifts: these are the kills that land mid-write.
      const tail = Math.max(1, ref.normalMs - ref.firstWriteMs);
      const delays: Kill[] = Array.from({ length: opts.kills }, (_, i) => (i % 2 === 0 ? { ms: Math.floor(rnd() * ref.normalMs), fromFirstWrite: false } : { ms: Math.floor(rnd() * tail), fromFirstWrite: true }));
      const s: CaseSummary = { case: c.name, command: `writ ${c.args.slice(0, 2).join(' ')}`, normalMs: Math.round(ref.normalMs), firstWriteMs: Math.round(ref.firstWriteMs), kills: opts.kills, killedBeforeStart: 0, killedMidWrite: 0, completed: 0, leftoversCleaned: 0, tornLines: 0, corruptionFound: 0, failures: [] };
      let next = 0;
      const worker = async (w: number): Promise<void> => {
        for (;;) {
          const i = next++;
          if (i >= delays.length) return;
          const r = await oneKill(root, c, template, pre, ref, path.join(tmp, `w${w}-${c.name}-${i}`), delays[i]!);
          if (r.outcome === 'completed') s.completed++;
          else if (r.outcome === 'killed-before-start') s.killedBeforeStart++;
          else s.killedMidWrite++;
          if (r.leftovers) s.leftoversCleaned++;
          if (r.torn) s.tornLines++;
          if (r.problems.length) {
            s.corruptionFound++;
            if (s.failures.length < 20) s.failures.push({ kill: i, delayMs: delays[i]!.ms, afterFirstWrite: delays[i]!.fromFirstWrite, problems: r.problems });
          }
        }
      };
      await Promise.all(Array.from({ length: opts.jobs ?? 2 }, (_, w) => worker(w)));
      log(`${c.name}: ${s.kills} kills (normal run ${s.normalMs} ms, first write at ${s.firstWriteMs} ms): ${s.killedBeforeStart} before any write, ${s.killedMidWrite} mid-write, ${s.completed} completed, ${s.leftoversCleaned} cleaned by a follow-up, ${s.tornLines} torn lines, ${s.corruptionFound} corrupt`);
      for (const f of s.failures.slice(0, 3)) log(`  kill ${f.kill} at ${f.delayMs} ms${f.afterFirstWrite ? ' after the first write' : ''}: ${f.problems.join('; ')}`);
      summaries.push(s);
    }
    const totalKills = summaries.reduce((a, s) => a + s.kills, 0);
    return { seed: opts.seed, killsPerCase: opts.kills, node: process.version, cases: summaries, totalKills, corruptionFound: summaries.reduce((a, s) => a + s.corruptionFound, 0), elapsedMs: Math.round(performance.now() - t0) };
  } finally {
    if (!opts.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The per-case table printed by `npm run crash`. */
export function formatTable(s: CrashSummary): string {
  const head = ['case', 'normal ms', 'kills', 'before start', 'mid-write', 'completed', 'cleaned', 'torn', 'corruption'];
  const rows = s.cases.map((c) => [c.case, String(c.normalMs), String(c.kills), String(c.killedBeforeStart), String(c.killedMidWrite), String(c.completed), String(c.leftoversCleaned), String(c.tornLines), String(c.corruptionFound)]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line), '', `${s.totalKills} kills, ${s.corruptionFound} with corruption, seed "${s.seed}", ${(s.elapsedMs / 1000).toFixed(0)} s`].join('\n');
}
