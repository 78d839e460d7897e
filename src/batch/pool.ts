// The scheduler of `writ verify batch` (issue 6 target 2): hands out items in chunks to N workers and collects results in input order.
//
// Dynamic chunking: each worker keeps two chunks in flight (no idle gap while a result message travels),
// chunks shrink toward the end of the batch so the workers finish together. The worker itself is
// abstract (WorkerLike) so the scheduling is tested without threads; src/batch/threads.ts supplies
// worker_threads for the CLI.
import { WritError } from '../core/errors.js';
import type { BatchItem, ItemResult } from './items.js';

/** Worker → scheduler. */
export type WorkerReply =
  | { type: 'results'; results: ItemResult[]; cache: CacheStats }
  | { type: 'fatal'; code: string; message: string };

/** Scheduler → worker. */
export type WorkerRequest = { type: 'items'; items: BatchItem[] } | { type: 'stop' };

export interface CacheStats {
  hits: number;
  misses: number;
}

/** What the scheduler needs of a worker (a worker_threads Worker, or a fake in the tests). */
export interface WorkerLike {
  post(msg: WorkerRequest): void;
  onReply(f: (msg: WorkerReply) => void): void;
  /** Called when the worker dies (error or exit) before it was stopped. */
  onExit(f: (why: string) => void): void;
  terminate(): Promise<unknown> | void;
}

export interface PoolOptions {
  workers: number;
  spawn: (id: number) => WorkerLike;
  /** Called after every chunk with the number of items done so far and of those failed. */
  onProgress?: (done: number, failed: number) => void;
}

export interface PoolResult {
  results: ItemResult[];
  cache: CacheStats;
}

/** Items per chunk: about 16 chunks per worker, at least 1, at most 64. */
export function chunkSize(remaining: number, workers: number): number {
  return Math.max(1, Math.min(64, Math.ceil(remaining / (workers * 16))));
}

/**
 * Runs every item on the pool; resolves with one result per item, in input order. A worker that dies,
 * or reports a fatal error (e.g. an unreadable --trust file), fails the whole batch with that error.
 */
export function runPool(items: readonly BatchItem[], o: PoolOptions): Promise<PoolResult> {
  const n = items.length;
  const workers = Math.max(1, Math.min(o.workers, n));
  const results: (ItemResult | undefined)[] = new Array(n);
  const stats = new Map<number, CacheStats>();
  let next = 0;
  let done = 0;
  let failed = 0;
  let settled = false;

  return new Promise<PoolResult>((resolve, reject) => {
    const pool: WorkerLike[] = [];
    const inFlight = new Map<number, number>();
    const stopAll = (): void => {
      for (const w of pool) {
        try {
          w.post({ type: 'stop' });
        } catch {
          // already gone
        }
        void w.terminate();
      }
    };
    const fail = (e: WritError): void => {
      if (settled) return;
      settled = true;
      stopAll();
      reject(e);
    };
    const feed = (id: number, w: WorkerLike): void => {
      if (next >= n) return;
      const size = chunkSize(n - next, workers);
      const chunk = items.slice(next, next + size);
      next += chunk.length;
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      w.post({ type: 'items', items: chunk });
    };
    for (let id = 0; id < workers; id++) {
      const w = o.spawn(id);
      pool.push(w);
      w.onReply((msg) => {
        if (settled) return;
        if (msg.type === 'fatal') {
          fail(new WritError(msg.code as never, msg.message));
          return;
        }
        inFlight.set(id, (inFlight.get(id) ?? 1) - 1);
        // A worker's counters are cumulative, but with two chunks in flight its replies can arrive out of
        // order: keep the highest figures seen, never an older snapshot.
        const prev = stats.get(id);
        stats.set(id, prev ? { hits: Math.max(prev.hits, msg.cache.hits), misses: Math.max(prev.misses, msg.cache.misses) } : msg.cache);
        for (const r of msg.results) {
          if (r.index < 0 || r.index >= n || results[r.index] !== undefined) {
            fail(new WritError('INTERNAL', `batch worker ${id} returned an unexpected item ${r.index}`));
            return;
          }
          results[r.index] = r;
          done++;
          if (!r.ok) failed++;
        }
        o.onProgress?.(done, failed);
        if (done === n) {
          settled = true;
          stopAll();
          let hits = 0;
          let misses = 0;
          for (const s of stats.values()) {
            hits += s.hits;
            misses += s.misses;
          }
          resolve({ results: results as ItemResult[], cache: { hits, misses } });
          return;
        }
        feed(id, w);
      });
      w.onExit((why) => fail(new WritError('INTERNAL', `batch worker ${id} stopped unexpectedly: ${why}`)));
    }
    // Two chunks in flight per worker.
    for (let round = 0; round < 2; round++) pool.forEach((w, id) => feed(id, w));
  });
}
