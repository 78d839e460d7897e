// Tests for the strict DER reader/writer (X.690 DER rules) in src/core/asn1/der.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  children,
  decodeDer,
  decodeInteger,
  decodeOid,
  decodeTime,
  integer,
  oid,
  seq,
  setOf,
  time,
  unsignedInteger,
} from '../../../src/core/asn1/der.js';
import { fromHex, toHex } from '../../../src/core/crypto/bytes.js';
import { errCode as code } from '../../helpers/errors.js';


describe('strict DER reader', () => {
  it('rejects BER indefinite lengths', () => {
    expect(code(() => decodeDer(fromHex('30800201010000')))).toBe('PARSE');
  });
  it('rejects trailing bytes', () => {
    expect(code(() => decodeDer(fromHex('30030201010000')))).toBe('PARSE');
  });
  it('rejects non-minimal lengths', () => {
    expect(code(() => decodeDer(fromHex('3081030201 01'.replace(/ /g, ''))))).toBe('PARSE');
    expect(code(() => decodeDer(fromHex('308200030201 01'.replace(/ /g, ''))))).toBe('PARSE');
  });
  it('rejects truncated elements', () => {
    expect(code(() => decodeDer(fromHex('300502010100')))).toBe('PARSE');
    expect(code(() => decodeDer(new Uint8Array(0)))).toBe('PARSE');
  });
  it('rejects non-minimal INTEGERs and accepts minimal ones', () => {
    expect(code(() => decodeInteger(decodeDer(fromHex('02020001')), 'x'))).toBe('PARSE');
    expect(code(() => decodeInteger(decodeDer(fromHex('0202ff80')), 'x'))).toBe('PARSE');
    expect(decodeInteger(decodeDer(fromHex('02020080')), 'x')).toBe(128n);
    expect(decodeInteger(decodeDer(fromHex('0201ff')), 'x')).toBe(-1n);
  });
  it('rejects non-minimal OID arcs', () => {
    expect(code(() => decodeOid(decodeDer(fromHex('0603558001')), 'x'))).toBe('PARSE');
    expect(decodeOid(decodeDer(oid('2.5.29.19')), 'x')).toBe('2.5.29.19');
  });
  it('reads children in order', () => {
    const kids = children(decodeDer(seq(integer(1), integer(2))));
    expect(kids.map((k) => toHex(k.der))).toEqual(['020101', '020102']);
  });
  it('sorts SET OF encodings (X.690 §11.6)', () => {
    expect(toHex(setOf(integer(2), integer(1)))).toBe('3106020101020102');
  });
});

describe('times (RFC 5280 §4.1.2.5)', () => {
  it('UTCTime through 2049, GeneralizedTime from 2050', () => {
    expect(toHex(time(new Date('2049-12-31T23:59:59Z')))).toBe(toHex(Uint8Array.of(0x17, 13, ...new TextEncoder().encode('491231235959Z'))));
    expect(toHex(time(new Date('2050-01-01T00:00:00Z')))).toBe(toHex(Uint8Array.of(0x18, 15, ...new TextEncoder().encode('20500101000000Z'))));
  });
  it('UTCTime 50..99 means 1950..1999', () => {
    expect(decodeTime(decodeDer(Uint8Array.of(0x17, 13, ...new TextEncoder().encode('500101000000Z'))), 't').toISOString()).toBe('1950-01-01T00:00:00.000Z');
  });
  it('rejects fractional seconds, missing Z, and impossible dates', () => {
    const g = (s: string): Uint8Array => Uint8Array.of(0x18, s.length, ...new TextEncoder().encode(s));
    expect(code(() => decodeTime(decodeDer(g('20500101000000.5Z')), 't'))).toBe('PARSE');
    expect(code(() => decodeTime(decodeDer(g('20500101000000+0100')), 't'))).toBe('PARSE');
    expect(code(() => decodeTime(decodeDer(g('20500230000000Z')), 't'))).toBe('PARSE');
  });
  it('round-trips any whole-second date 1950..9999', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const whole = new Date(Math.floor(d.getTime() / 1000) * 1000);
        const enc = time(whole);
        expect(enc[0]).toBe(whole.getUTCFullYear() < 2050 ? 0x17 : 0x18);
        expect(decodeTime(decodeDer(enc), 't').getTime()).toBe(whole.getTime());
      }),
    );
  });
});

describe('integers and OIDs round-trip', () => {
  it('INTEGER', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), (v) => {
        expect(decodeInteger(decodeDer(integer(v)), 'v')).toBe(v);
      }),
    );
  });
  it('unsigned INTEGER from magnitude bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 20 }), (b) => {
        const v = decodeInteger(decodeDer(unsignedInteger(b)), 'v');
        expect(v).toBe(BigInt(`0x${toHex(b)}`));
      }),
    );
  });
  it('OID', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 39 }),
        fc.array(fc.bigInt({ min: 0n, max: 1n << 130n }), { maxLength: 8 }),
        (a, b, rest) => {
          const s = [a, b, ...rest].join('.');
          expect(decodeOid(decodeDer(oid(s)), 'o')).toBe(s);
        },
      ),
    );
  });
  it('random bytes never escape as anything but WritError PARSE', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const c = code(() => {
          const t = decodeDer(b);
          if (t.constructed) children(t);
        });
        expect(c === undefined || c === 'PARSE').toBe(true);
      }),
    );
  });
});
