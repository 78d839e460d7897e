// Tests of the RFC 8785 canonicaliser: the RFC's own examples, refusals, and round-trip properties.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalize } from '../../../src/core/json/canonical.js';
import { WritError } from '../../../src/core/errors.js';

describe('canonicalize (RFC 8785)', () => {
  it('sorts members by UTF-16 code units, including non-BMP names (RFC 8785 §3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const keys = Object.keys(JSON.parse(canonicalize(input)) as object);
    // JSON.parse keeps "1" first (integer-like keys); compare the textual order instead.
    const text = canonicalize(input);
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((k) => text.indexOf(JSON.stringify(k)));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(keys).toHaveLength(7);
  });

  it('serialises numbers as ECMAScript does (RFC 8785 §3.2.2.3 and Appendix B samples)', () => {
    const samples: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [1e21, '1e+21'],
      [1e-7, '1e-7'],
      [333333333.3333333, '333333333.3333333'],
      [9007199254740991, '9007199254740991'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [0.000001, '0.000001'],
    ];
    for (const [n, s] of samples) expect(canonicalize(n)).toBe(s);
  });

  it('matches the RFC 8785 §3.2.2 example output', () => {
    const input = {
      numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
      string: '\u20ac$\u000f\nA\'B"\\\\"/',
      literals: [null, true, false],
    };
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('refuses what has no I-JSON form', () => {
    const code = (v: unknown): string | undefined => {
      try {
        canonicalize(v);
        return undefined;
      } catch (e) {
        return e instanceof WritError ? e.code : 'other';
      }
    };
    expect(code(Number.NaN)).toBe('PARSE');
    expect(code(Infinity)).toBe('PARSE');
    expect(code('\ud800')).toBe('PARSE');
    expect(code({ ['\udc00']: 1 })).toBe('PARSE');
    expect(code(new Date(0))).toBe('PARSE');
    expect(code(10n)).toBe('PARSE');
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(code(deep)).toBe('LIMIT');
  });

  it('is a fixed point: parse then canonicalize gives the same text, whatever the member order', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const c = canonicalize(v);
        expect(canonicalize(JSON.parse(c))).toBe(c);
        // Re-inserting members in reverse order changes nothing.
        const reorder = (x: unknown): unknown =>
          Array.isArray(x) ? x.map(reorder) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).reverse().map(([k, y]) => [k, reorder(y)])) : x;
        expect(canonicalize(reorder(JSON.parse(c)))).toBe(c);
      }),
      { numRuns: 300 },
    );
  });
});
