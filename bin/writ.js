#!/usr/bin/env node
// writ: shebang shim that loads the bundled CLI (dist/writ.mjs); build it with `npm run build`.
import('../dist/writ.mjs').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('writ: the bundle dist/writ.mjs is missing; run `npm run build` first\n');
    process.exitCode = 70;
    return;
  }
  throw err;
});
