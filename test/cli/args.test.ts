// Tests for the CLI's own argument parsers: --revoke SERIAL:REASON, --at RFC 3339, --allow-alg names.
import { describe, expect, it } from 'vitest';
import { parseRevoke } from '../../src/cli/commands/crl/issue.js';
import { algorithmOids, parseRfc3339 } from '../../src/cli/commands/verify/chain.js';
import { KEY_ALG_OIDS } from '../../src/core/crypto/algs.js';

describe('--revoke', () => {
  it('takes hex serials (colons allowed, as inspect prints them) with an optional reason', () => {
    expect(parseRevoke('3f9A:keyCompromise')).toEqual({ serial: '3f9a', reason: 'keyCompromise' });
    expect(parseRevoke('1e:3c:02:5c')).toEqual({ serial: '1e3c025c' });
    expect(parseRevoke('1e:3c:02:5c:superseded')).toEqual({ serial: '1e3c025c', reason: 'superseded' });
    expect(parseRevoke('0x01')).toEqual({ serial: '01' });
    expect(parseRevoke('7' + 'f'.repeat(39)).serial).toHaveLength(40);
  });

  it('refuses unknown reasons, zero, non-hex and over-long serials as usage errors', () => {
    for (const bad of ['12:stolen', '00', 'xyz', 'a'.repeat(41), '8' + '0'.repeat(39), '']) {
      expect(() => parseRevoke(bad), bad).toThrow(expect.objectContaining({ code: 'USAGE' }));
    }
  });
});

describe('--at', () => {
  it('accepts RFC 3339 date-times with an offset', () => {
    expect(parseRfc3339('2027-01-31T12:00:00Z').toISOString()).toBe('2027-01-31T12:00:00.000Z');
    expect(parseRfc3339('2027-01-31T12:00:00.5+02:00').toISOString()).toBe('2027-01-31T10:00:00.500Z');
  });
  it('refuses dates without a time or offset, and impossible dates', () => {
    for (const bad of ['2027-01-31', '2027-01-31T12:00:00', 'tomorrow', '2027-13-01T00:00:00Z']) {
      expect(() => parseRfc3339(bad), bad).toThrow(expect.objectContaining({ code: 'USAGE' }));
    }
  });
});

describe('--allow-alg', () => {
  it('maps names to OIDs and passes OIDs through', () => {
    expect(algorithmOids(['ML-DSA-87', '1.3.101.112'])).toEqual([KEY_ALG_OIDS['ml-dsa-87'], '1.3.101.112']);
    expect(() => algorithmOids(['rsa'])).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
