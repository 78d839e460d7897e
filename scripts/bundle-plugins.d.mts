// Types for scripts/bundle-plugins.mjs, so tsup.config.ts typechecks against it.
export declare function lazyBuiltinsPlugin(): { name: string; setup(build: any): void }; // eslint-disable-line @typescript-eslint/no-explicit-any
export declare function nativeHashesPlugin(root?: string): { name: string; setup(build: any): void }; // eslint-disable-line @typescript-eslint/no-explicit-any
