// Tests of the BER -> DER-shaped normaliser used for reading CMS (X.690 §8.1.3.6 indefinite lengths, §8.7.3 constructed strings).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { berToDer, isDerShaped, rewriteBer } from '../../../src/core/cms/ber.js';
import * as L from '../../../src/core/limits.js';
import { inputArbitrary } from '../../fuzz/harness.js';
import cmsSigned from '../../fuzz/formats/cms-signed.js';
import { decodeDer, integer, octetString, oid, seq, setOf, utf8String, ctxExplicit } from '../../../src/core/asn1/der.js';
import { errCode } from '../../helpers/index.js';

const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('berToDer', () => {
  it('leaves DER unchanged', () => {
    const der = seq(oid('1.2.840.113549.1.7.1'), ctxExplicit(0, octetString(new Uint8Array(300).fill(7))), setOf(integer(5), utf8String('x')));
    expect(berToDer(der)).toEqual(der);
  });

  it('property: any DER built from nested sequences and strings is a fixed point', () => {
    const leaf = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map(octetString),
      fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }).map(integer),
      fc.string().map(utf8String),
    );
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }).map((k) => seq(...(k as Uint8Array[])))),
    })).node as fc.Arbitrary<Uint8Array>;
    fc.assert(
      fc.property(tree, (der) => {
        expect(berToDer(der)).toEqual(der);
      }),
      { numRuns: 200 },
    );
  });

  it('turns indefinite lengths into definite ones and flattens constructed OCTET STRINGs', () => {
    // SEQUENCE(indef) { OID data, [0](indef) { OCTET STRING(constructed, indef) { "ab", "c" } } }
    const ber = h('3080 0609 2a864886f70d010701 a080 2480 04026162 040163 0000 0000 0000');
    const der = berToDer(ber);
    expect(der).toEqual(seq(oid('1.2.840.113549.1.7.1'), ctxExplicit(0, octetString(Uint8Array.of(0x61, 0x62, 0x63)))));
    decodeDer(der); // the strict reader accepts it
  });

  it('shortens non-minimal lengths; keeps implicit context-tagged constructed strings constructed (CMS parser concatenates)', () => {
    expect(berToDer(h('0481 03 010203'))).toEqual(h('0403 010203'));
    expect(berToDer(h('a080 0401aa 0401bb 0000'))).toEqual(h('a006 0401aa 0401bb'));
  });

  it('refuses malformed BER with PARSE', () => {
    for (const bad of ['3080 0500', '0480', '2480 0c0161 0000', '3005 0500', '30 02 0500 00', '2380 030100 0000', '']) {
      expect(errCode(() => berToDer(h(bad))), bad).toBe('PARSE');
    }
  });

  it('refuses absurd nesting', () => {
    let b: Uint8Array = Uint8Array.of(0x05, 0x00);
    for (let i = 0; i < 100; i++) b = seq(b);
    expect(errCode(() => berToDer(b))).toBe('LIMIT'); // MAX_BER_DEPTH (src/core/limits.ts)
  });
});

describe('isDerShaped: the fast path of berToDer', () => {
  /** What the full rewrite says of an input: its bytes, or its error code and message. */
  const full = (x: Uint8Array): string => {
    try {
      return Buffer.from(rewriteBer(x)).toString('hex');
    } catch (e) {
      return `${(e as { code?: string }).code ?? 'no code'}: ${(e as Error).message}`;
    }
  };
  const fast = (x: Uint8Array): string => {
    try {
      return Buffer.from(berToDer(x)).toString('hex');
    } catch (e) {
      return `${(e as { code?: string }).code ?? 'no code'}: ${(e as Error).message}`;
    }
  };

  it('says yes only where the full rewrite is the identity, and berToDer answers as the rewrite does, over mutated CMS', () => {
    const seeds = cmsSigned.seeds();
    let shaped = 0;
    let other = 0;
    fc.assert(
      fc.property(inputArbitrary(cmsSigned, seeds), ({ input }) => {
        if (isDerShaped(input)) {
          shaped++;
          expect(full(input)).toBe(Buffer.from(input).toString('hex'));
        } else other++;
        expect(fast(input)).toBe(full(input));
      }),
      { numRuns: 1500, seed: 0xbe7 },
    );
    // Both branches were exercised: the seeds and many mutants are DER, many mutants are not.
    expect(shaped).toBeGreaterThan(100);
    expect(other).toBeGreaterThan(100);
  });

  it('says no to BER forms the rewrite changes, and to malformed or over-deep input', () => {
    const der = seq(oid('1.2.840.113549.1.7.1'), ctxExplicit(0, octetString(Uint8Array.of(1, 2, 3))));
    expect(isDerShaped(der)).toBe(true);
    expect(isDerShaped(h('30 80 02 01 05 00 00'))).toBe(false); // indefinite length
    expect(isDerShaped(h('30 81 03 02 01 05'))).toBe(false); // long form for a short length
    expect(isDerShaped(h('30 82 00 03 02 01 05'))).toBe(false); // leading zero length octet
    expect(isDerShaped(h('24 06 04 01 61 04 01 62'))).toBe(false); // constructed OCTET STRING
    expect(isDerShaped(h('23 03 03 01 00'))).toBe(false); // constructed BIT STRING
    expect(isDerShaped(h('3f 04 06 04 01 61 04 01 62'))).toBe(false); // universal 4 (OCTET STRING) in high-tag form, constructed
    expect(isDerShaped(h('02 01 05 00'))).toBe(false); // trailing byte
    expect(isDerShaped(h('30 05 02 01 05'))).toBe(false); // truncated
    expect(isDerShaped(new Uint8Array(0))).toBe(false);
    let deep = octetString(Uint8Array.of(1));
    for (let i = 0; i < L.MAX_BER_DEPTH + 1; i++) deep = seq(deep);
    expect(isDerShaped(deep)).toBe(false);
    expect(fast(deep)).toBe(full(deep));
    expect(fast(deep)).toMatch(/^LIMIT/);
  });
});
