// `writ verify batch`: many chains (RFC 5280 §6, as `verify chain`) and CMS SignedData envelopes (as `envelope verify`) on every core (issue 6 target 2).
//
// Exit code: 0 when every item verifies; otherwise the exit code src/cli/exit.ts maps for the code of
// the first failing item in input order (1 for every verification code, 3 for an unreadable item, ...).
// Progress goes to stderr: a bar on a terminal, plain lines otherwise, nothing with --json.
import * as os from 'node:os';
import { WritError } from '../../../core/errors.js';
import type { WritErrorCode } from '../../../core/errors.js';
import type { Ctx, CommandResult } from '../../context.js';
import { EXIT, EXIT_BY_CODE } from '../../exit.js';
import { ItemVerifier, expandInput } from '../../../batch/items.js';
import type { BatchConfig, ItemResult } from '../../../batch/items.js';
import { runPool } from '../../../batch/pool.js';
import { spawnThread } from '../../../batch/threads.js';
import { parseRfc3339 } from './chain.js';

/** Plain progress lines (not a terminal): every this many items, or this many ms, whichever comes first. */
const LINE_EVERY_ITEMS = 500;
const LINE_EVERY_MS = 5000;

/** The exit code of a finished batch (docs/cli.md "writ verify batch"). */
export function batchExitCode(results: readonly ItemResult[]): number {
  const first = results.find((r) => !r.ok);
  if (first === undefined) return EXIT.OK;
  return EXIT_BY_CODE[first.code as WritErrorCode] ?? EXIT.FAILED;
}

export interface Progress {
  update(done: number, failed: number): void;
  end(): void;
}

/** Where progress goes (process.stderr; a fake in the tests). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

/** Progress on `err`: a bar redrawn at most every 100 ms on a terminal, plain lines otherwise, nothing for --json. */
export function progress(total: number, json: boolean, err: ProgressStream = process.stderr): Progress {
  const none = { update: () => {}, end: () => {} };
  if (json) return none;
  const start = performance.now();
  if (err.isTTY) {
    let last = 0;
    let shown = false;
    const draw = (done: number, failed: number): void => {
      const width = Math.max(10, Math.min(40, (err.columns ?? 80) - 50));
      const filled = Math.round((done / total) * width);
      const rate = done / Math.max(1e-3, (performance.now() - start) / 1000);
      err.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${failed ? ` ${failed} failed` : ''} ${rate.toFixed(0)}/s\x1b[K`);
      shown = true;
    };
    return {
      update: (done, failed) => {
        const t = performance.now();
        if (done === total || t - last >= 100) {
          last = t;
          draw(done, failed);
        }
      },
      end: () => {
        if (shown) err.write('\n');
      },
    };
  }
  let lastItems = 0;
  let lastTime = start;
  return {
    update: (done, failed) => {
      const t = performance.now();
      if (done === total || done - lastItems >= LINE_EVERY_ITEMS || t - lastTime >= LINE_EVERY_MS) {
        lastItems = done;
        lastTime = t;
        err.write(`writ: verify batch: ${done}/${total} done, ${failed} failed\n`);
      }
    },
    end: () => {},
  };
}

export async function run(ctx: Ctx, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const input = args[0];
  if (input === undefined) throw new WritError('USAGE', 'give a list file or a directory');
  const at = opts.at !== undefined ? parseRfc3339(opts.at as string) : ctx.now();
  const config: BatchConfig = {
    trust: (opts.trust as string[] | undefined) ?? [],
    untrusted: (opts.untrusted as string[] | undefined) ?? [],
    crl: (opts.crl as string[] | undefined) ?? [],
    at: at.getTime(),
  };
  if (opts.level !== undefined) config.level = opts.level as string;
  if (opts.requireCrl) config.requireCrl = true;
  if ((opts.allowAlg as string[] | undefined)?.length) config.allowAlg = opts.allowAlg as string[];
  const items = expandInput(input);
  // Read and parse the shared files here first, so a bad --trust/--crl/--untrusted is one clear error
  // before any worker starts (each worker then parses its own copy).
  new ItemVerifier(config);
  const workers = Math.min((opts.workers as number | undefined) ?? os.availableParallelism(), items.length);

  const bar = progress(items.length, ctx.json);
  let pool;
  try {
    pool = await runPool(items, {
      workers,
      spawn: () => spawnThread(new URL(import.meta.url), config),
      onProgress: (done, failed) => bar.update(done, failed),
    });
  } finally {
    bar.end();
  }
  const { results, cache } = pool;
  const failed = results.filter((r) => !r.ok);
  const exitCode = batchExitCode(results);
  const summary = `${results.length} item(s): ${results.length - failed.length} valid, ${failed.length} failed`;
  const text = [
    ...failed.map((r) => `FAIL ${r.path} [${r.code}] ${r.message}`),
    failed.length === 0 ? `VALID: ${summary}` : `INVALID: ${summary}`,
  ].join('\n');
  const data: Record<string, unknown> = {
    total: results.length,
    valid: results.length - failed.length,
    failed: failed.length,
    at: at.toISOString(),
    workers,
    cache,
    items: results.map((r) => ({ path: r.path, kind: r.kind, ok: r.ok, code: r.code ?? null, message: r.message ?? null })),
  };
  if (failed[0]) data.code = failed[0].code;
  return { text, data, exitCode };
}
