// Tests for distinguished names and GeneralNames (RFC 5280 §4.1.2.4, §4.2.1.6; RFC 4514 text) in src/core/asn1/name.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeGeneralNames, decodeName, encodeGeneralNames, parseDn } from '../../../src/core/asn1/name.js';
import { children, decodeDer } from '../../../src/core/asn1/der.js';
import { toHex } from '../../../src/core/crypto/bytes.js';
import { WritError } from '../../../src/core/errors.js';

describe('parseDn / decodeName', () => {
  it('writes exactly one attribute per RDN, in the order written', () => {
    const der = parseDn('C=NL, O=writ.test, OU=north, CN=root CA');
    const rdns = children(decodeDer(der));
    expect(rdns).toHaveLength(4);
    for (const r of rdns) expect(children(r)).toHaveLength(1);
    const n = decodeName(der);
    expect(n.text).toBe('C=NL, O=writ.test, OU=north, CN=root CA');
    expect(n.rdns.map((r) => r[0]!.type)).toEqual(['2.5.4.6', '2.5.4.10', '2.5.4.11', '2.5.4.3']);
    // C is PrintableString, others UTF8String (RFC 5280 §4.1.2.4).
    expect(n.rdns.map((r) => r[0]!.tag)).toEqual([19, 12, 12, 12]);
  });
  it('handles RFC 4514 escapes and round-trips the text', () => {
    const n = decodeName(parseDn('O=Test\\, Inc., CN=a\\+b'));
    expect(n.rdns[0]![0]!.value).toBe('Test, Inc.');
    expect(n.rdns[1]![0]!.value).toBe('a+b');
    expect(n.text).toBe('O=Test\\, Inc., CN=a\\+b');
    expect(decodeName(parseDn('CN=caf\\C3\\A9')).rdns[0]![0]!.value).toBe('café');
  });
  it('refuses multi-valued RDNs and unknown types', () => {
    expect(() => parseDn('CN=a+OU=b')).toThrow(WritError);
    expect(() => parseDn('XX=a')).toThrow(WritError);
    expect(decodeName(parseDn('2.5.4.3=x')).rdns[0]![0]!.shortName).toBe('CN');
  });
  it('round-trips arbitrary values through parseDn text', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('CN', 'O', 'OU', 'L', 'ST'), fc.string({ minLength: 1, maxLength: 20 })), { minLength: 1, maxLength: 5 }), (attrs) => {
        const esc = (v: string): string =>
          Array.from(v, (c, i) =>
            '\\,+"<>;'.includes(c) || (i === 0 && (c === ' ' || c === '#')) || (i === v.length - 1 && c === ' ')
              ? `\\${c}`
              : c === '\0' ? '\\00' : c,
          ).join('');
        const text = attrs.map(([t, v]) => `${t}=${esc(v)}`).join(', ');
        const n = decodeName(parseDn(text));
        expect(n.rdns.map((r) => r[0]!.value)).toEqual(attrs.map(([, v]) => v));
        expect(toHex(parseDn(n.text))).toBe(toHex(n.der));
      }),
    );
  });
  it('malformed names throw PARSE', () => {
    expect(() => decodeName(Uint8Array.of(0x30, 0x02, 0x31, 0x00))).toThrow(/empty RDN/);
    expect(() => decodeName(Uint8Array.of(0x31, 0x00))).toThrow(WritError);
  });
});

describe('GeneralNames', () => {
  it('round-trips uri, dns, email, ip and directoryName', () => {
    const dn = decodeName(parseDn('CN=inner'));
    const names = [
      { type: 'uri' as const, value: 'spiffe://a.b.c/x' },
      { type: 'dns' as const, value: 'a.example' },
      { type: 'email' as const, value: 'a@b.c' },
      { type: 'ip' as const, value: Uint8Array.of(10, 0, 0, 1) },
      { type: 'dn' as const, value: dn },
    ];
    const out = decodeGeneralNames(decodeDer(encodeGeneralNames(names)), 'SAN');
    expect(out.map((g) => g.type)).toEqual(['uri', 'dns', 'email', 'ip', 'dn']);
    expect(out[0]).toEqual(names[0]);
    expect(Array.from((out[3] as { value: Uint8Array }).value)).toEqual([10, 0, 0, 1]);
    expect((out[4] as { value: { text: string } }).value.text).toBe('CN=inner');
  });
  it('rejects an empty GeneralNames and a bad IP length', () => {
    expect(() => decodeGeneralNames(decodeDer(Uint8Array.of(0x30, 0)), 'SAN')).toThrow(WritError);
    expect(() => decodeGeneralNames(decodeDer(Uint8Array.of(0x30, 5, 0x87, 3, 1, 2, 3)), 'SAN')).toThrow(/iPAddress/);
  });
});
