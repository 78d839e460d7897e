// Types for bench/ceremony.mjs (its transcript operation counter), so test/bench/harness.test.ts typechecks against it.
export interface CeremonyOperations {
  keygens: Record<string, number>;
  signs: Record<string, number>;
  split: { threshold: number; count: number };
  combine: number;
}
export declare function countOperations(transcriptText: string): CeremonyOperations;
export declare function run(ctx: unknown): Promise<unknown>;
