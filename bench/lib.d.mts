// Types for bench/lib.mjs, so test/bench/harness.test.ts typechecks against it.
export interface Figure {
  value: number;
  unit: string;
  baseline: { name: string; value: number; unit: string };
  detail?: Record<string, unknown>;
  module?: string;
}
export interface BenchOptions {
  quick: boolean;
  only: string[] | undefined;
  seed: string;
  setup: boolean;
  out: string | undefined;
  help: boolean;
}
export declare const REQUIRED_KEYS: string[];
export declare const DEFAULT_SEED: string;
export declare const USAGE: string;
export declare function parseArgs(argv: string[]): BenchOptions;
export declare function median(xs: number[]): number;
export declare function round(x: number, digits?: number): number;
export declare function interleave(cases: Record<string, () => number>, runs: number, warmup?: boolean): Record<string, number[]>;
export declare function figureProblems(key: string, f: unknown): string[];
export declare function moduleResultProblems(name: string, r: unknown): string[];
export declare function resultsProblems(doc: Record<string, any>): string[]; // eslint-disable-line @typescript-eslint/no-explicit-any
export declare function table(doc: Record<string, any>): string; // eslint-disable-line @typescript-eslint/no-explicit-any
