// Tests for PEM (RFC 7468) encoding/decoding in src/core/asn1/pem.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { looksLikePem, pemDecodeAll, pemEncode } from '../../../src/core/asn1/pem.js';
import { WritError } from '../../../src/core/errors.js';

describe('pem', () => {
  it('encodes 64-character lines with the label', () => {
    const der = new Uint8Array(100).fill(7);
    const t = pemEncode('CERTIFICATE', der);
    const lines = t.trim().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines[lines.length - 1]).toBe('-----END CERTIFICATE-----');
    expect(lines[1]!.length).toBe(64);
  });
  it('round-trips any bytes, several blocks, explanatory text and CRLF', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }), (blobs) => {
        const text = blobs.map((b, i) => `note ${i}\r\n${pemEncode(i % 2 ? 'X509 CRL' : 'CERTIFICATE', b).replace(/\n/g, '\r\n')}`).join('');
        const out = pemDecodeAll(text);
        expect(out.map((o) => o.label)).toEqual(blobs.map((_, i) => (i % 2 ? 'X509 CRL' : 'CERTIFICATE')));
        out.forEach((o, i) => expect(Array.from(o.der)).toEqual(Array.from(blobs[i]!)));
      }),
    );
  });
  it('rejects mismatched labels, bad base64 and unterminated blocks', () => {
    const c = (t: string): string | undefined => {
      try {
        pemDecodeAll(t);
        return undefined;
      } catch (e) {
        return (e as WritError).code;
      }
    };
    expect(c('-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n')).toBe('PARSE');
    expect(c('-----BEGIN CERTIFICATE-----\nAA*A\n-----END CERTIFICATE-----\n')).toBe('PARSE');
    expect(c('-----BEGIN CERTIFICATE-----\nAAAA\n')).toBe('PARSE');
    expect(pemDecodeAll('no pem here')).toEqual([]);
  });
  it('looksLikePem tells PEM text from DER', () => {
    expect(looksLikePem(new TextEncoder().encode(pemEncode('CERTIFICATE', Uint8Array.of(1, 2))))).toBe(true);
    expect(looksLikePem(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01))).toBe(false);
  });
});

describe('looksLikePem edge cases', () => {
  it('text that starts with the character 0 is still PEM', () => {
    const t = `0 comment\n${pemEncode('CERTIFICATE', Uint8Array.of(0x30, 0))}`;
    expect(looksLikePem(new TextEncoder().encode(t))).toBe(true);
    expect(looksLikePem(new Uint8Array(0))).toBe(false);
  });
});
