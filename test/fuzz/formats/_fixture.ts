// Shared fuzz seeds: one fixture PKI (src/fixtures/pki.ts) built once per process, plus signed/enveloped objects made from it.
//
// Not a format file (leading underscore): fuzz.test.ts skips it. Everything is deterministic (seeded RNG, fixed clock).
import { buildFixturePki, type FixturePki } from '../../../src/fixtures/pki.js';
import { fixtureMaterial } from '../../helpers/fixture-material.js';

/** The fixed clock of every fuzz fixture (inside every fixture certificate's validity). */
export const FUZZ_NOW = new Date(Date.UTC(2026, 0, 15, 12, 0, 0));

let pki: FixturePki | undefined;
/** The fixture PKI (built on first use: ~1 s of key generation and signing). */
export function fuzzPki(): FixturePki {
  pki ??= buildFixturePki('writ-fuzz', FUZZ_NOW);
  return pki;
}

export function fuzzMaterial(): ReturnType<typeof fixtureMaterial> {
  return fixtureMaterial(fuzzPki());
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { vectorsDir } from '../../helpers/vectors.js';

/** Bytes of a file under ../shared/vectors (or $WRIT_VECTORS), or undefined when absent (seeds are then fixture-only). */
export function vectorFile(rel: string): Uint8Array | undefined {
  const root = vectorsDir();
  if (root === undefined) return undefined;
  try {
    return new Uint8Array(readFileSync(path.join(root, rel)));
  } catch {
    return undefined;
  }
}

/** Present vector files among `rels`. */
export function vectorFiles(rels: string[]): Uint8Array[] {
  return rels.map(vectorFile).filter((b): b is Uint8Array => b !== undefined);
}
