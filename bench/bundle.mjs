// Bench baselines bundled the way tsup bundles writ (tsup.config.ts): same esbuild plugins, so a baseline runs the same crypto code as dist/writ.mjs.
import * as path from 'node:path';

/** Bundles `entry` (a .ts file using writ's sources) into one ESM file `outfile`, as the writ build does. */
export async function bundleLikeWrit(root, entry, outfile) {
  const { build } = await import('esbuild');
  const { nativeHashesPlugin, lazyBuiltinsPlugin } = await import(path.join(root, 'scripts', 'bundle-plugins.mjs'));
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'error',
    absWorkingDir: root,
    plugins: [lazyBuiltinsPlugin(), nativeHashesPlugin(root)],
    // The lazy built-ins call `require`, which an ESM bundle has to create (as the writ banner does).
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}
