// Shared test helpers: re-exports of the vector-folder, Node 26 interop, seeded-RNG and error-code helpers.
export { REPO_ROOT, vectorsDir, requireVectors, assertLoaded } from './vectors.js';
export { node26Path, requireNode26, runNode26Json } from './node26.js';
export { seededRng } from './rng.js';
export { errCode, asyncErrCode } from './errors.js';
export { WRIT_BIN, WRIT_BUNDLE, runWrit, ensureBundle, type Run, type RunWritOptions } from './cli.js';
