// What a command handler gets (output channels, clock, RNG) and returns; the runner in main.ts prints it.
import { randomBytes } from 'node:crypto';
import type { Rng } from '../core/crypto/types.js';

export interface Ctx {
  /** --json was given: print exactly one JSON document on stdout. */
  json: boolean;
  /** Progress and notes for people: always stderr, never results, never secrets. */
  note(message: string): void;
  /** The CLI is where time and randomness enter (DESIGN.md §4): the core gets them as arguments. */
  now(): Date;
  rng: Rng;
}

export interface CommandResult {
  /** Text for stdout (without the final newline). */
  text: string;
  /** The JSON document for --json (the runner adds "ok" when missing). */
  data: Record<string, unknown>;
  /** Exit code when not 0 (verify chain uses 1 for an invalid chain). */
  exitCode?: number;
}

export type Handler = (ctx: Ctx, args: string[], opts: Record<string, unknown>) => Promise<CommandResult> | CommandResult;

export function defaultCtx(json: boolean): Ctx {
  return {
    json,
    note: (m) => {
      process.stderr.write(`${m}\n`);
    },
    now: () => new Date(),
    rng: (n) => new Uint8Array(randomBytes(n)),
  };
}

/** JSON.stringify that drops undefined and turns bytes and bigints into hex / decimal strings. */
export function toJson(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, x: unknown) => {
      if (typeof x === 'bigint') return x.toString();
      if (x instanceof Uint8Array) return Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex');
      return x;
    },
    2,
  );
}
