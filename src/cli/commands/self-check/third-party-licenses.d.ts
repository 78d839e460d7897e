// Types of the virtual module `writ:third-party-licenses`, generated at build time by scripts/licenses.mjs (esbuild plugin in tsup.config.ts).
declare module 'writ:third-party-licenses' {
  /** The runtime dependency tree (package-lock.json, production edges), sorted by name. */
  export const PACKAGES: { name: string; version: string; license: string }[];
  /** Every package's licence file verbatim, the same text as dist/THIRD-PARTY-LICENSES.txt. */
  export const LICENSE_TEXT: string;
}
