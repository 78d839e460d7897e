// worker_threads for the batch scheduler (issue 6 target 2): each worker runs this very bundle, dist/writ.mjs, as a batch worker.
import { Worker } from 'node:worker_threads';
import type { BatchConfig } from './items.js';
import type { WorkerLike, WorkerReply } from './pool.js';
import { BATCH_WORKER_FLAG, BATCH_WORKER_TAG } from './flag.js';

/**
 * A WorkerLike backed by a worker thread running `entry` (the bundle's own URL, import.meta.url, when
 * called from dist/writ.mjs: one file, no separate worker script to ship).
 */
export function spawnThread(entry: URL, config: BatchConfig): WorkerLike {
  const w = new Worker(entry, { argv: [BATCH_WORKER_FLAG], workerData: { writWorker: BATCH_WORKER_TAG, config } });
  let stopping = false;
  return {
    post: (msg) => {
      if (msg.type === 'stop') stopping = true;
      w.postMessage(msg);
    },
    onReply: (f) => w.on('message', (m: WorkerReply) => f(m)),
    onExit: (f) => {
      w.on('error', (e) => f(e instanceof Error ? e.message : String(e)));
      w.on('exit', (code) => {
        if (!stopping) f(`exit code ${code}`);
      });
    },
    terminate: () => {
      stopping = true;
      return w.terminate();
    },
  };
}
