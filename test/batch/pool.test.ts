// Unit tests of the batch scheduler (src/batch/pool.ts) on fake workers, and of the batch exit-code rule (docs/cli.md "writ verify batch").
import { describe, expect, it } from 'vitest';
import { chunkSize, runPool } from '../../src/batch/pool.js';
import type { WorkerLike, WorkerReply, WorkerRequest } from '../../src/batch/pool.js';
import type { BatchItem, ItemResult } from '../../src/batch/items.js';
import { batchExitCode, progress } from '../../src/cli/commands/verify/batch.js';

const items = (n: number): BatchItem[] => Array.from({ length: n }, (_, index) => ({ index, path: `f${index}.pem`, kind: 'chain' as const }));

interface Fake extends WorkerLike {
  seen: number[];
  stopped: boolean;
}

/** A worker that answers each chunk asynchronously; items whose index is in `bad` fail. */
function fakeWorker(bad: Set<number>, opts: { delay?: (chunk: number) => number; dieAfter?: number; fatal?: boolean } = {}): Fake {
  let reply: (m: WorkerReply) => void = () => {};
  let exit: (why: string) => void = () => {};
  let chunks = 0;
  let hits = 0; // cumulative, as a real worker's cache counters are
  const w: Fake = {
    seen: [],
    stopped: false,
    post(msg: WorkerRequest) {
      if (msg.type === 'stop') {
        w.stopped = true;
        return;
      }
      const n = chunks++;
      if (opts.fatal) {
        setTimeout(() => reply({ type: 'fatal', code: 'PARSE', message: 'root.pem: not a certificate' }), 0);
        return;
      }
      if (opts.dieAfter !== undefined && n >= opts.dieAfter) {
        setTimeout(() => exit('exit code 1'), 0);
        return;
      }
      const results: ItemResult[] = msg.items.map((i) => {
        w.seen.push(i.index);
        return bad.has(i.index) ? { ...i, ok: false, code: 'SIGNATURE', message: 'bad' } : { ...i, ok: true };
      });
      hits += results.length;
      const cache = { hits, misses: 1 };
      setTimeout(() => reply({ type: 'results', results, cache }), opts.delay?.(n) ?? 0);
    },
    onReply: (f) => (reply = f),
    onExit: (f) => (exit = f),
    terminate: () => {
      w.stopped = true;
    },
  };
  return w;
}

describe('runPool', () => {
  it('runs every item exactly once and returns results in input order', async () => {
    const fakes: Fake[] = [];
    const progress: number[] = [];
    const r = await runPool(items(257), {
      workers: 3,
      // Uneven workers: the scheduler must still hand out everything once.
      spawn: (id) => {
        const f = fakeWorker(new Set([5, 200]), { delay: (n) => (id === 0 ? n % 3 : 0) });
        fakes.push(f);
        return f;
      },
      onProgress: (done) => progress.push(done),
    });
    expect(r.results.map((x) => x.index)).toEqual(items(257).map((i) => i.index));
    expect(r.results.filter((x) => !x.ok).map((x) => x.index)).toEqual([5, 200]);
    const all = fakes.flatMap((f) => f.seen).sort((a, b) => a - b);
    expect(all).toEqual(items(257).map((i) => i.index));
    expect(fakes.every((f) => f.seen.length > 0)).toBe(true);
    expect(fakes.every((f) => f.stopped)).toBe(true);
    expect(progress[progress.length - 1]).toBe(257);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(r.cache.hits).toBe(257);
  });

  it('never starts more workers than items', async () => {
    let spawned = 0;
    const r = await runPool(items(2), {
      workers: 8,
      spawn: () => {
        spawned++;
        return fakeWorker(new Set());
      },
    });
    expect(spawned).toBe(2);
    expect(r.results.every((x) => x.ok)).toBe(true);
  });

  it('fails the batch when a worker reports a fatal error', async () => {
    await expect(runPool(items(10), { workers: 2, spawn: (id) => fakeWorker(new Set(), { fatal: id === 1 }) })).rejects.toMatchObject({
      code: 'PARSE',
      message: 'root.pem: not a certificate',
    });
  });

  it('fails the batch with INTERNAL when a worker dies', async () => {
    await expect(runPool(items(100), { workers: 2, spawn: (id) => fakeWorker(new Set(), id === 0 ? { dieAfter: 1 } : {}) })).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  });
});

describe('chunkSize', () => {
  it('is at least 1 and at most 64, and shrinks toward the end of the batch', () => {
    expect(chunkSize(1, 4)).toBe(1);
    expect(chunkSize(1_000_000, 2)).toBe(64);
    expect(chunkSize(2000, 2)).toBe(63);
    expect(chunkSize(100, 2)).toBe(4);
    expect(chunkSize(10, 2)).toBe(1);
  });
});

describe('batchExitCode', () => {
  const ok = { index: 0, path: 'a', kind: 'chain' as const, ok: true };
  it('is 0 when every item verified', () => {
    expect(batchExitCode([ok, { ...ok, index: 1 }])).toBe(0);
  });
  it("is the exit code of the first failing item's code (src/cli/exit.ts)", () => {
    expect(batchExitCode([ok, { ...ok, ok: false, code: 'IO' }, { ...ok, ok: false, code: 'SIGNATURE' }])).toBe(3);
    expect(batchExitCode([{ ...ok, ok: false, code: 'REVOKED' }, { ...ok, ok: false, code: 'IO' }])).toBe(1);
    expect(batchExitCode([{ ...ok, ok: false, code: 'INTERNAL' }])).toBe(70);
  });
});

describe('progress', () => {
  const stream = (isTTY: boolean) => {
    const out: string[] = [];
    return { out, s: { isTTY, columns: 80, write: (x: string) => out.push(x) } };
  };

  it('draws a bar with \\r on a terminal and ends the line', () => {
    const { out, s } = stream(true);
    const p = progress(10, false, s);
    p.update(10, 2);
    p.end();
    expect(out[0]).toMatch(/^\r\[#+\] 10\/10 2 failed \d+\/s\x1b\[K$/);
    expect(out[out.length - 1]).toBe('\n');
  });

  it('prints plain lines elsewhere: at the end at least, never a \\r', () => {
    const { out, s } = stream(false);
    const p = progress(3, false, s);
    p.update(1, 0);
    p.update(3, 1);
    p.end();
    expect(out[out.length - 1]).toBe('writ: verify batch: 3/3 done, 1 failed\n');
    expect(out.join('')).not.toContain('\r');
  });

  it('prints nothing with --json', () => {
    const { out, s } = stream(true);
    const p = progress(3, true, s);
    p.update(3, 0);
    p.end();
    expect(out).toEqual([]);
  });
});
