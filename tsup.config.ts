// Build configuration: bundles the whole CLI, dependencies included, into one ESM file (dist/writ.mjs)
// so that a copy of that single file runs on an air-gapped machine without node_modules.
import { defineConfig } from 'tsup';

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
  clean: true,
  minify: false,
  treeshake: true,
  shims: false,
  // commander is CommonJS: its require('node:events') needs a real `require` inside the ESM bundle.
  banner: {
    js: "// writ: sovereign post-quantum PKI tool (bundled build)\nimport { createRequire as __writCreateRequire } from 'node:module';\nconst require = __writCreateRequire(import.meta.url);",
  },
});
