// Test-run capture for the secret-hygiene scan (issue 8 "Secret hygiene"): every CLI run's output and every file it wrote.
//
// When WRIT_CAPTURE_DIR is set (test/assurance/secrets-global.ts sets it for the whole `vitest run`), each
// spawn helper reports its runs here: args, cwd, stdout and stderr go to runs-<pid>.jsonl, and every file
// the run created or changed (found by comparing a snapshot of the run's directories before and after)
// is copied, content-addressed, into blobs/ with a line in files-<pid>.jsonl. The copies are taken at
// run time because the e2e tests delete their temp dirs in afterAll. Files a test wrote itself between
// runs (its pass files, answers, fixture inputs) are inputs, not writ output, and are recorded as such
// only so that their secrets (passphrases, plaintext fixture keys) join the list the scan looks for.
// Without WRIT_CAPTURE_DIR every function here does nothing.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';

/** Files above this are not copied (recorded as skipped): nothing writ writes in a test is near it. */
const MAX_CAPTURED_FILE = 64 * 1024 * 1024;
/** A snapshot walks at most this many entries per root (a guard against walking something huge by mistake). */
const MAX_WALK = 20_000;

export function captureDir(): string | undefined {
  const d = process.env.WRIT_CAPTURE_DIR;
  return d && d.length > 0 ? d : undefined;
}

type Snapshot = Map<string, string>;

const TMP = fs.realpathSync(os.tmpdir());

/** Only directories under the temp dir are walked: never the repository, never $HOME. */
function walkable(dir: string): boolean {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    return false;
  }
  return real.startsWith(TMP + path.sep) && fs.statSync(real).isDirectory();
}

function walk(root: string, out: Snapshot): void {
  const stack = [root];
  let seen = 0;
  while (stack.length > 0 && seen < MAX_WALK) {
    const d = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      seen++;
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        try {
          const st = fs.statSync(p);
          out.set(p, `${st.size}:${st.mtimeMs}:${st.ino}`);
        } catch {
          /* vanished */
        }
      }
    }
  }
}

/** The directories a run may write to: its cwd, and the parent of every absolute-path argument (all under the temp dir). */
export function runRoots(cwd: string, args: readonly string[]): string[] {
  const roots = new Set<string>();
  if (walkable(cwd)) roots.add(path.resolve(cwd));
  for (const a of args) {
    if (!path.isAbsolute(a)) continue;
    const d = fs.existsSync(a) && fs.statSync(a).isDirectory() ? a : path.dirname(a);
    if (walkable(d)) roots.add(path.resolve(d));
  }
  // Drop roots inside other roots.
  const list = [...roots].sort();
  return list.filter((r) => !list.some((o) => o !== r && r.startsWith(o + path.sep)));
}

export function snapshot(roots: readonly string[]): Snapshot {
  const s: Snapshot = new Map();
  if (!captureDir()) return s;
  for (const r of roots) walk(r, s);
  return s;
}

function append(name: string, value: unknown): void {
  const dir = captureDir();
  if (!dir) return;
  fs.mkdirSync(path.join(dir, 'blobs'), { recursive: true });
  fs.appendFileSync(path.join(dir, `${name}-${process.pid}.jsonl`), `${JSON.stringify(value)}\n`);
}

/** Files already captured in this process, by path -> snapshot stamp (so an unchanged file is copied once). */
const captured = new Map<string, string>();

function captureFile(file: string, stamp: string, role: 'output' | 'input', run: string): void {
  const dir = captureDir();
  if (!dir || captured.get(file) === stamp) return;
  captured.set(file, stamp);
  let bytes: Buffer;
  try {
    const st = fs.statSync(file);
    if (st.size > MAX_CAPTURED_FILE) {
      append('files', { run, path: file, role, skipped: `larger than ${MAX_CAPTURED_FILE} bytes`, size: st.size });
      return;
    }
    bytes = fs.readFileSync(file);
  } catch {
    return;
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  const blob = path.join(dir, 'blobs', sha);
  fs.mkdirSync(path.dirname(blob), { recursive: true });
  if (!fs.existsSync(blob)) fs.writeFileSync(blob, bytes);
  append('files', { run, path: file, role, sha256: sha, size: bytes.length });
}

/** Reads the passphrase files named on a command line (the scan learns every passphrase a test used this way). */
function passFiles(cwd: string, args: readonly string[]): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    if ((a === '--pass-file' || a === '--passphrase-file' || a === '--new-pass-file') && typeof args[i + 1] === 'string') {
      try {
        out.push(fs.readFileSync(path.resolve(cwd, args[i + 1]!), 'utf8'));
      } catch {
        /* missing on purpose in some tests */
      }
    }
    if (a === '--answers' && typeof args[i + 1] === 'string') {
      try {
        const t = fs.readFileSync(path.resolve(cwd, args[i + 1]!), 'utf8');
        for (const m of t.matchAll(/passphrase["']?\s*:\s*["']?([^"'\n]+)["']?/g)) out.push(m[1]!.trim());
      } catch {
        /* ignore */
      }
    }
  });
  return out;
}

let runCounter = 0;

/** A run about to start: snapshot its directories (call `end` with its output when it finishes). */
export function beginRun(kind: string, cwd: string, args: readonly string[]): { end: (stdout: string, stderr: string, code: number | null) => void } {
  if (!captureDir()) return { end: () => {} };
  const roots = runRoots(cwd, args);
  const before = snapshot(roots);
  const run = `${process.pid}-${++runCounter}`;
  const test = expectState() ?? '';
  // Everything already there and not yet captured is an input the test wrote.
  for (const [p, stamp] of before) if (!captured.has(p)) captureFile(p, stamp, 'input', run);
  const pass = passFiles(cwd, args);
  return {
    end: (stdout, stderr, code) => {
      const after = snapshot(roots);
      for (const [p, stamp] of after) if (before.get(p) !== stamp) captureFile(p, stamp, 'output', run);
      append('runs', { run, kind, test, cwd, args, code, stdout, stderr, passphrases: pass });
    },
  };
}

/** Captures a whole directory as output of writ code run in-process (the demo test calls runDemo directly). */
export function captureOutputDir(dir: string, kind: string): void {
  if (!captureDir() || !walkable(dir)) return;
  const run = `${process.pid}-${++runCounter}`;
  for (const [p, stamp] of snapshot([dir])) captureFile(p, stamp, 'output', run);
  append('runs', { run, kind, test: expectState() ?? '', cwd: dir, args: [], code: 0, stdout: '', stderr: '', passphrases: [] });
}

/** Text a run showed that is not stdout/stderr of a spawned process (e.g. tmux screens), recorded as output. */
export function captureText(kind: string, cwd: string, text: string): void {
  if (!captureDir()) return;
  append('runs', { run: `${process.pid}-${++runCounter}`, kind, test: expectState() ?? '', cwd, args: [], code: null, stdout: text, stderr: '', passphrases: [] });
}

/** The current vitest test's name, when available (for the report). */
function expectState(): string | undefined {
  try {
    const s = expect.getState();
    return s ? `${path.basename(s.testPath ?? '')} > ${s.currentTestName ?? ''}` : undefined;
  } catch {
    return undefined;
  }
}
