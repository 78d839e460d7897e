// Build configuration: bundles the whole CLI, dependencies included, into one ESM file (dist/writ.mjs)
// so that a copy of that single file runs on an air-gapped machine without node_modules.
import { defineConfig } from 'tsup';
// The licence gate and the licence texts the bundle carries (issue 7): a virtual module, built deterministically.
import { thirdPartyLicensesPlugin } from './scripts/licenses.mjs';

export default defineConfig({
  entry: { writ: 'src/cli/main.ts' },
  format: ['esm'],
  outExtension: () => ({ js: '.mjs' }),
  platform: 'node',
  target: 'node20',
  bundle: true,
  noExternal: [/.*/],
  splitting: false,
  sourcemap: false,
  // No clean: a build replaces dist/writ.mjs in place, so a concurrent test run never finds dist/ missing.
  clean: false,
  minify: false,
  treeshake: true,
  shims: false,
  // Reproducible output (scripts/check-reproducible.sh): no source maps, no build time, no absolute paths.
  esbuildPlugins: [thirdPartyLicensesPlugin()],
  // The shipped ceremony scripts are embedded as text (src/ceremony/builtin.ts): the bundle needs no ceremonies/ beside it.
  loader: { '.yaml': 'text' },
  // commander is CommonJS: its require('node:events') needs a real `require` inside the ESM bundle.
  banner: {
    js: "// writ: sovereign post-quantum PKI tool (bundled build)\nimport { createRequire as __writCreateRequire } from 'node:module';\nconst require = __writCreateRequire(import.meta.url);",
  },
});
