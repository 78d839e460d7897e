// The worker-thread side of `writ verify batch` (issue 6 target 2): one ItemVerifier (and its signature cache) per thread, items in, results out.
//
// Started by dist/writ.mjs itself (src/cli/main.ts hands over when it sees BATCH_WORKER_FLAG); the
// configuration arrives as workerData { writWorker: 'batch', config }.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { isWritError } from '../core/errors.js';
import { ItemVerifier } from './items.js';
import type { BatchConfig } from './items.js';
import type { WorkerReply, WorkerRequest } from './pool.js';
import { BATCH_WORKER_TAG } from './flag.js';

export function startBatchWorker(): void {
  const data = workerData as { writWorker?: string; config?: BatchConfig } | null;
  if (isMainThread || parentPort === null || data?.writWorker !== BATCH_WORKER_TAG || data.config === undefined) {
    process.stderr.write('writ: error: this is the internal entry of a `writ verify batch` worker thread [USAGE]\n');
    process.exitCode = 2;
    return;
  }
  const port = parentPort;
  const reply = (m: WorkerReply): void => port.postMessage(m);
  let verifier: ItemVerifier;
  try {
    verifier = new ItemVerifier(data.config);
  } catch (e) {
    reply({ type: 'fatal', code: isWritError(e) ? e.code : 'INTERNAL', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  port.on('message', (m: WorkerRequest) => {
    if (m.type === 'stop') {
      port.close();
      return;
    }
    const results = m.items.map((item) => verifier.run(item));
    reply({ type: 'results', results, cache: { hits: verifier.cache.hits, misses: verifier.cache.misses } });
  });
}
