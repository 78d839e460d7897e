// The marks that make dist/writ.mjs start as a `writ verify batch` worker thread rather than as the CLI (issue 6 target 2).
//
// Kept in a module of its own with no imports, so src/cli/main.ts can test for it without loading anything.

/** Appended to the worker's process.argv: a string test, nothing to import, for every normal command. */
export const BATCH_WORKER_FLAG = '--writ-internal-batch-worker';
/** workerData.writWorker of a batch worker. */
export const BATCH_WORKER_TAG = 'batch';
