// The runner's only channel to the people in the room (DESIGN.md §2): an interactive terminal (@inquirer/prompts) or an answers file for rehearsals.
//
// The runner never reads a terminal itself: it asks questions through `People`, each with a stable key
// ("<step>.<actor>.<field>") so an answers file can give the same answers a person would type. Both
// implementations go through the same runner code, so a rehearsal takes the very same steps.
import { confirm, input, password, select } from '@inquirer/prompts';
import { WritError } from '../core/errors.js';
import type { RoleId } from './script.js';

export type Question =
  | { kind: 'confirm'; key: string; role: RoleId; actor: string; message: string }
  | { kind: 'text'; key: string; role: RoleId; actor: string; message: string; default?: string }
  /** A passphrase or share words: masked; asked twice when `isNew`. */
  | { kind: 'secret'; key: string; role: RoleId; actor: string; message: string; isNew: boolean }
  | { kind: 'select'; key: string; role: RoleId; actor: string; message: string; choices: { value: string; name: string }[] };

export interface StepAnnouncement {
  n: number;
  total: number;
  id: string;
  title: string;
  role: RoleId;
  roleTitle: string;
  actors: string[];
  instructions?: string;
  shows: string[];
  confirm: RoleId[];
}

export interface Participants {
  administrator: string;
  witness: string;
  custodians: string[];
  /** custodian-rotation: the incoming custodians. */
  newCustodians?: string[];
}

export interface People {
  readonly mode: 'interactive' | 'answers';
  /** Fixed participants (answers file); interactive runs ask for names in the "open" step. */
  readonly participants?: Participants;
  /** Announces a step: number, title and the role that must act. */
  announce(a: StepAnnouncement): void;
  /** Shows lines to everyone in the room (fingerprints, digests, results). Never secrets. */
  show(lines: string[]): void;
  ask(q: Extract<Question, { kind: 'confirm' }>): Promise<boolean>;
  ask(q: Exclude<Question, { kind: 'confirm' }>): Promise<string>;
  /**
   * Shows a secret to one person only, on their explicit request (a custodian's mnemonic), then clears it
   * from the screen once they say they are done.
   */
  showPrivately(actor: string, title: string, lines: string[]): Promise<boolean>;
  /** Called before each step runs; the answers implementation uses it for the crash-test pause hook. */
  beforeStep?(stepId: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Interactive: @inquirer/prompts on the terminal. Prompts go to stderr (stdout is for results).

const out = process.stderr;

function isAbortPrompt(e: unknown): boolean {
  return e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError');
}

async function guarded<T>(p: () => Promise<T>): Promise<T> {
  try {
    return await p();
  } catch (e) {
    if (isAbortPrompt(e)) throw new WritError('ABORTED', 'interrupted at a prompt (Ctrl-C)');
    throw e;
  }
}

export class InteractivePeople implements People {
  readonly mode = 'interactive' as const;
  readonly participants?: Participants;
  private readonly ctx = { output: out, clearPromptOnDone: false } as const;

  announce(a: StepAnnouncement): void {
    const who = a.actors.length > 0 ? ` (${a.actors.join(', ')})` : '';
    out.write(`\n${'='.repeat(72)}\nSTEP ${a.n} of ${a.total}: ${a.title}\nActing role: ${a.roleTitle}${who}\n`);
    if (a.instructions) out.write(`${a.instructions.trim()}\n`);
    out.write(`Shows: ${a.shows.join('; ')}\nConfirmed by: ${a.confirm.join(', ') || 'nobody'}\n${'-'.repeat(72)}\n`);
  }

  show(lines: string[]): void {
    for (const l of lines) out.write(`${l}\n`);
  }

  ask(q: Extract<Question, { kind: 'confirm' }>): Promise<boolean>;
  ask(q: Exclude<Question, { kind: 'confirm' }>): Promise<string>;
  async ask(q: Question): Promise<string | boolean> {
    const who = `[${q.actor}] `;
    switch (q.kind) {
      case 'confirm':
        return guarded(() => confirm({ message: `${who}${q.message}`, default: false }, this.ctx));
      case 'text':
        return guarded(() => input({ message: `${who}${q.message}`, ...(q.default !== undefined ? { default: q.default } : {}), required: true }, this.ctx));
      case 'select':
        return guarded(() => select({ message: `${who}${q.message}`, choices: q.choices }, this.ctx));
      case 'secret': {
        for (;;) {
          const a = await guarded(() => password({ message: `${who}${q.message}`, mask: '*' }, this.ctx));
          if (!q.isNew) return a;
          if (a.length < 8) {
            out.write('  too short: at least 8 characters\n');
            continue;
          }
          const b = await guarded(() => password({ message: `${who}Repeat it`, mask: '*' }, this.ctx));
          if (a === b) return a;
          out.write('  the two entries differ: try again\n');
        }
      }
    }
  }

  async showPrivately(actor: string, title: string, lines: string[]): Promise<boolean> {
    const go = await guarded(() => confirm({ message: `[${actor}] Everyone else looks away. Show ${title} now?`, default: true }, this.ctx));
    if (!go) return false;
    out.write(`\n--- ${title} (for ${actor} only) ---\n`);
    for (const l of lines) out.write(`  ${l}\n`);
    out.write('---\n');
    await guarded(() => input({ message: `[${actor}] Press Enter when written down; the screen is then cleared` }, this.ctx));
    // ESC[2J clears the screen, ESC[3J the scrollback, ESC[H homes the cursor.
    out.write('\x1b[2J\x1b[3J\x1b[H');
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Answers file: the same questions answered from data, for rehearsals and tests.

export type AnswerValue = string | boolean | number | (string | boolean | number)[];

export interface AnswersFile {
  /** Fixed ceremony id (default: derived from script id, time and randomness). */
  ceremonyId?: string;
  /** Fixed clock for the whole rehearsal (RFC 3339). */
  clock?: string;
  /** Seed for a deterministic RNG: rehearsals only (the transcript is marked rehearsal anyway). */
  rngSeed?: string;
  participants: Participants;
  /**
   * Answers by question key "<step>.<actor>.<field>". Any part may be "*". A list gives successive
   * answers to successive asks of the same key (for retries); the last one repeats.
   */
  answers: Record<string, AnswerValue>;
  /** scrypt cost for new approval keys and share files (rehearsals may lower it to run fast). */
  kdfCost?: { N: number; r: number; p: number };
  /** Crash-test hook: before this step, print "writ: paused before step <id>" on stderr and wait forever. */
  pauseBefore?: string;
}

export function parseAnswers(v: unknown, source: string): AnswersFile {
  const bad = (m: string): never => {
    throw new WritError('USAGE', `${source}: ${m}`);
  };
  if (v === null || typeof v !== 'object' || Array.isArray(v)) bad('an answers file is a mapping');
  const a = v as Record<string, unknown>;
  const p = a.participants as Record<string, unknown> | undefined;
  if (!p || typeof p.administrator !== 'string' || typeof p.witness !== 'string' || !Array.isArray(p.custodians) || !p.custodians.every((c) => typeof c === 'string')) {
    bad('participants needs administrator, witness (names) and custodians (a list of names)');
  }
  if (p!.newCustodians !== undefined && (!Array.isArray(p!.newCustodians) || !(p!.newCustodians as unknown[]).every((c) => typeof c === 'string'))) {
    bad('participants.newCustodians must be a list of names');
  }
  if (a.answers === null || typeof a.answers !== 'object' || Array.isArray(a.answers)) bad('answers must be a mapping of question keys');
  for (const k of ['ceremonyId', 'clock', 'rngSeed', 'pauseBefore']) if (a[k] !== undefined && typeof a[k] !== 'string') bad(`${k} must be a string`);
  const k = a.kdfCost as Record<string, unknown> | undefined;
  if (k !== undefined && (k === null || typeof k !== 'object' || !['N', 'r', 'p'].every((f) => Number.isSafeInteger(k[f]) && (k[f] as number) >= 1))) bad('kdfCost must be {N, r, p} (positive integers)');
  if (a.clock !== undefined && Number.isNaN(Date.parse(a.clock as string))) bad('clock must be an RFC 3339 time');
  return a as unknown as AnswersFile;
}

export class AnswersPeople implements People {
  readonly mode = 'answers' as const;
  readonly participants: Participants;
  private readonly used = new Map<string, number>();
  /** Every question asked, in order, with its key (tests read this). */
  readonly asked: string[] = [];

  constructor(
    private readonly file: AnswersFile,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.participants = file.participants;
  }

  private lookup(key: string): AnswerValue | undefined {
    const [step = '', actor = '', field = ''] = key.split('.');
    const candidates = [`${step}.${actor}.${field}`, `*.${actor}.${field}`, `${step}.*.${field}`, `*.*.${field}`];
    for (const c of candidates) {
      const v = this.file.answers[c];
      if (v === undefined) continue;
      if (!Array.isArray(v)) return v;
      const i = this.used.get(c) ?? 0;
      this.used.set(c, i + 1);
      if (v.length === 0) return undefined;
      return v[Math.min(i, v.length - 1)];
    }
    return undefined;
  }

  announce(a: StepAnnouncement): void {
    this.log(`STEP ${a.n} of ${a.total}: ${a.title} [${a.roleTitle}]`);
  }

  show(lines: string[]): void {
    for (const l of lines) this.log(`  ${l}`);
  }

  ask(q: Extract<Question, { kind: 'confirm' }>): Promise<boolean>;
  ask(q: Exclude<Question, { kind: 'confirm' }>): Promise<string>;
  async ask(q: Question): Promise<string | boolean> {
    this.asked.push(q.key);
    const v = this.lookup(q.key);
    if (v === undefined) {
      if (q.kind === 'text' && q.default !== undefined) return q.default;
      throw new WritError('ABORTED', `the answers file has no answer for "${q.key}" (${q.message})`);
    }
    if (q.kind === 'confirm') {
      if (typeof v !== 'boolean') throw new WritError('USAGE', `answer "${q.key}" must be true or false`);
      return v;
    }
    const s = String(v);
    if (q.kind === 'select' && !q.choices.some((c) => c.value === s)) {
      throw new WritError('USAGE', `answer "${q.key}" = "${s}" is not one of ${q.choices.map((c) => c.value).join(', ')}`);
    }
    return s;
  }

  async showPrivately(actor: string, title: string): Promise<boolean> {
    // A rehearsal has nobody to show it to; log only that it would have been shown.
    this.log(`  (${title} shown privately to ${actor})`);
    return true;
  }

  async beforeStep(stepId: string): Promise<void> {
    if (this.file.pauseBefore === stepId) {
      process.stderr.write(`writ: paused before step ${stepId}\n`);
      await new Promise<never>(() => {
        setInterval(() => {}, 1 << 30); // keep the event loop alive until killed
      });
    }
  }
}
