// esbuild plugins for the writ bundle (tsup.config.ts) and for bench baselines built the same way (bench/ceremony.mjs).
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Cold start (issue 6, docs/performance.md): esbuild hoists every `import ... from 'node:x'` to the top of
 * an ESM bundle, so `writ verify chain` would load tls, readline and async_hooks for commands it never
 * runs. Each Node.js built-in becomes a tiny CommonJS module (`module.exports = require('node:x')`), which
 * esbuild evaluates only when the lazily initialised module that imports it runs. The `require` it calls
 * is the one the bundle banner creates (tsup.config.ts).
 */
export function lazyBuiltinsPlugin() {
  const builtins = new Set(builtinModules);
  const ns = 'writ-lazy-builtin';
  return {
    name: 'writ-lazy-builtins',
    setup(build) {
      build.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)?$/ }, (args) => {
        const name = args.path.replace(/^node:/, '');
        if (!builtins.has(name)) return undefined;
        if (args.namespace === ns) return { path: `node:${name}`, external: true };
        return { path: name, namespace: ns };
      });
      build.onLoad({ filter: /.*/, namespace: ns }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
        loader: 'js',
      }));
    },
  };
}

/** Which @noble/hashes modules the bundle takes from src/core/crypto instead (node:crypto inside; see each file). */
const NATIVE_HASHES = {
  '@noble/hashes/sha3.js': 'src/core/crypto/sha3-native.ts',
  '@noble/hashes/sha2.js': 'src/core/crypto/sha2-native.ts',
  '@noble/hashes/scrypt.js': 'src/core/crypto/scrypt-native.ts',
};

/**
 * Cold start and ceremony time: inside the bundle, '@noble/hashes/{sha3,sha2,scrypt}.js' resolve to
 * src/core/crypto/*-native.ts (the same functions, the same bytes, computed by node:crypto where noble
 * would run cold in V8's interpreter). Each of those modules imports the real noble module itself.
 */
export function nativeHashesPlugin(root = fileURLToPath(new URL('..', import.meta.url))) {
  const base = `file://${root.endsWith('/') ? root : `${root}/`}`;
  const shims = Object.fromEntries(Object.entries(NATIVE_HASHES).map(([m, f]) => [m, fileURLToPath(new URL(f, base))]));
  const own = new Set(Object.values(shims));
  return {
    name: 'writ-native-hashes',
    setup(build) {
      build.onResolve({ filter: /^@noble\/hashes\/(sha3|sha2|scrypt)(\.js)?$/ }, (args) => {
        if (own.has(args.importer)) return undefined;
        const key = args.path.endsWith('.js') ? args.path : `${args.path}.js`;
        return { path: shims[key] };
      });
    },
  };
}
