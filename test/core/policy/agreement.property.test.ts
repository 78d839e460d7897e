// Property tests for agreement bodies: normal form is a fixed point of parse, and the id depends on the terms only, not on input order.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { LAYERS, makeAgreement, parseAgreement, type Layer } from '../../../src/core/policy/agreement.js';
import { canonicalize } from '../../../src/core/json/canonical.js';
import { LEVEL_NAMES } from '../../../src/core/policy/levels.js';

const H = 'spiffe://harbor.north.writ.test';
const O = 'spiffe://orchard.south.writ.test';
const scope = fc.stringMatching(/^[a-z][a-z0-9.]{0,12}$/);
const terms = fc.record({
  layers: fc.uniqueArray(fc.constantFrom(...LAYERS.filter((l) => l !== 'models')), { minLength: 1 }),
  models: fc.boolean(),
  scopes: fc.uniqueArray(scope, { minLength: 1, maxLength: 5 }),
  levels: fc.uniqueArray(fc.constantFrom(...LEVEL_NAMES), { minLength: 1 }),
  start: fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }),
  days: fc.integer({ min: 1, max: 3650 }),
  shapes: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), { maxLength: 3 }),
});

describe('agreement normal form', () => {
  test('parse(JSON(make(t))) == make(t), canonical bytes stable, id independent of input order', () => {
    fc.assert(
      fc.property(terms, fc.boolean(), (t, flip) => {
        const layers: Layer[] = [...t.layers, ...(t.models || t.shapes.length ? (['models'] as const) : [])];
        const input = {
          parties: (flip ? [O, H] : [H, O]) as [string, string],
          layers,
          scopes: t.scopes,
          queryShapes: t.shapes.map((id) => ({ id, schema: { type: 'object' } })),
          levels: t.levels,
          notBefore: new Date(t.start * 1000),
          notAfter: new Date((t.start + t.days * 86400) * 1000),
        };
        const a = makeAgreement(input);
        const back = parseAgreement(JSON.parse(JSON.stringify(a)));
        expect(canonicalize(back)).toBe(canonicalize(a));
        const reversed = makeAgreement({ ...input, parties: [input.parties[1], input.parties[0]], layers: [...layers].reverse(), scopes: [...t.scopes].reverse(), levels: [...t.levels].reverse(), queryShapes: [...input.queryShapes].reverse() });
        expect(reversed.id).toBe(a.id);
        for (const l of LAYERS) expect(a.layers[l]).toBe(layers.includes(l));
      }),
      { numRuns: 100 },
    );
  });
});
