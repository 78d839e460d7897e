// Build configuration: bundles the whole CLI, dependencies included, into one ESM file (dist/writ.mjs)
// so that a copy of that single file runs on an air-gapped machine without node_modules.
import { defineConfig } from 'tsup';
// The licence gate and the licence texts the bundle carries (issue 7): a virtual module, built deterministically.
import { thirdPartyLicensesPlugin } from './scripts/licenses.mjs';
// Cold start (issue 6): Node.js built-ins loaded lazily, SHA-3, SHAKE, one-shot SHA-2 and scrypt through node:crypto (docs/performance.md).
import { lazyBuiltinsPlugin, nativeHashesPlugin } from './scripts/bundle-plugins.mjs';

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
  esbuildPlugins: [thirdPartyLicensesPlugin(), lazyBuiltinsPlugin(), nativeHashesPlugin()],
  // Built-ins are resolved by lazyBuiltinsPlugin (with or without the node: prefix), not made external up front.
  removeNodeProtocol: false,
  // The shipped ceremony scripts are embedded as text (src/ceremony/builtin.ts): the bundle needs no ceremonies/ beside it.
  loader: { '.yaml': 'text' },
  // commander is CommonJS (its require('node:events')), and lazyBuiltinsPlugin turns every built-in into a
  // require('node:x'): both need a real `require` inside the ESM bundle.
  banner: {
    js: "// writ: sovereign post-quantum PKI tool (bundled build)\nimport { createRequire as __writCreateRequire } from 'node:module';\nconst require = __writCreateRequire(import.meta.url);",
  },
});
