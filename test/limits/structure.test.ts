// Limits on structure (src/core/limits.ts, docs/limits.md): DER/BER/JSON nesting, PEM blocks, names, extensions, CRL entries, GeneralNames — each just under and just over.
import { describe, expect, it } from 'vitest';
import * as L from '../../src/core/limits.js';
import { CLASS_UNIVERSAL, TAG, ctxPrimitive, decodeDer, integer, oid, seq, tlv } from '../../src/core/asn1/der.js';
import { berToDer } from '../../src/core/cms/ber.js';
import { canonicalize } from '../../src/core/json/canonical.js';
import { pemDecodeAll, pemEncode } from '../../src/core/asn1/pem.js';
import { decodeGeneralNames, decodeName, encodeAtv } from '../../src/core/asn1/name.js';
import { parseCrl, parseExtensions } from '../../src/core/x509/parse.js';
import { decodeSignedDocument } from '../../src/core/policy/signed.js';
import { errCode } from '../helpers/index.js';

const notLimit = (f: () => unknown): void => expect(errCode(f)).not.toBe('LIMIT');
const limit = (f: () => unknown, name: string): void => {
  expect(errCode(f)).toBe('LIMIT');
  try {
    f();
  } catch (e) {
    expect((e as Error).message).toContain(name); // the message names the limit and its value
    expect((e as Error).message).toContain(String((L as Record<string, unknown>)[name]));
  }
};

/** n nested SEQUENCEs around a NULL. */
function nested(n: number): Uint8Array {
  let b: Uint8Array = Uint8Array.of(0x05, 0x00);
  for (let i = 0; i < n; i++) b = seq(b);
  return b;
}

describe('MAX_DER_DEPTH', () => {
  it(`${L.MAX_DER_DEPTH} nested constructed elements decode; one more is LIMIT`, () => {
    expect(decodeDer(nested(L.MAX_DER_DEPTH)).tag).toBe(TAG.SEQUENCE);
    limit(() => decodeDer(nested(L.MAX_DER_DEPTH + 1)), 'MAX_DER_DEPTH');
  });
  it('far deeper nesting is LIMIT too, not a stack overflow', () => {
    expect(errCode(() => decodeDer(nested(2000)))).toBe('LIMIT');
  });
});

describe('MAX_BER_DEPTH', () => {
  it(`${L.MAX_BER_DEPTH} nested elements convert; one more is LIMIT`, () => {
    notLimit(() => berToDer(nested(L.MAX_BER_DEPTH)));
    expect(berToDer(nested(L.MAX_BER_DEPTH)).length).toBeGreaterThan(0);
    limit(() => berToDer(nested(L.MAX_BER_DEPTH + 1)), 'MAX_BER_DEPTH');
  });
});

describe('MAX_JSON_DEPTH', () => {
  const arr = (n: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };
  it(`canonical JSON: ${L.MAX_JSON_DEPTH} nested arrays serialise; one more is LIMIT`, () => {
    expect(canonicalize(arr(L.MAX_JSON_DEPTH))).toBe(`${'['.repeat(L.MAX_JSON_DEPTH)}1${']'.repeat(L.MAX_JSON_DEPTH)}`);
    limit(() => canonicalize(arr(L.MAX_JSON_DEPTH + 1)), 'MAX_JSON_DEPTH');
  });
  it('the text pre-scan (checkJsonDepth) counts brackets outside strings only', () => {
    const text = (n: number): string => `${'['.repeat(n)}"[[[[{{{{\\""${']'.repeat(n)}`;
    expect(() => L.checkJsonDepth(text(L.MAX_JSON_DEPTH), 't')).not.toThrow();
    limit(() => L.checkJsonDepth(text(L.MAX_JSON_DEPTH + 1), 't'), 'MAX_JSON_DEPTH');
  });
  it('a signed document nested too deep is LIMIT before JSON.parse', () => {
    const doc = (n: number): string => `{"type":"writ-signed","signatures":[],"body":{"type":"writ-agreement","x":${'['.repeat(n - 2)}${']'.repeat(n - 2)}}}`;
    notLimit(() => decodeSignedDocument(doc(L.MAX_JSON_DEPTH)));
    limit(() => decodeSignedDocument(doc(L.MAX_JSON_DEPTH + 1)), 'MAX_JSON_DEPTH');
  });
});

describe('MAX_PEM_BLOCKS', () => {
  const one = pemEncode('CERTIFICATE', Uint8Array.of(0x05, 0x00));
  it(`${L.MAX_PEM_BLOCKS} blocks decode; one more is LIMIT`, () => {
    expect(pemDecodeAll(one.repeat(L.MAX_PEM_BLOCKS))).toHaveLength(L.MAX_PEM_BLOCKS);
    limit(() => pemDecodeAll(one.repeat(L.MAX_PEM_BLOCKS + 1)), 'MAX_PEM_BLOCKS');
  });
});

describe('names', () => {
  const name = (n: number, valueBytes = 3): Uint8Array => seq(...Array.from({ length: n }, (_, i) => tlv(CLASS_UNIVERSAL, true, TAG.SET, encodeAtv('2.5.4.3', i === 0 ? 'x'.repeat(valueBytes) : `cn${i}`))));
  it(`MAX_NAME_ATTRIBUTES: ${L.MAX_NAME_ATTRIBUTES} attribute values decode; one more is LIMIT`, () => {
    expect(decodeName(name(L.MAX_NAME_ATTRIBUTES)).rdns).toHaveLength(L.MAX_NAME_ATTRIBUTES);
    limit(() => decodeName(name(L.MAX_NAME_ATTRIBUTES + 1)), 'MAX_NAME_ATTRIBUTES');
  });
  it(`MAX_NAME_VALUE_BYTES: a ${L.MAX_NAME_VALUE_BYTES}-byte value decodes; one byte more is LIMIT`, () => {
    expect(decodeName(name(1, L.MAX_NAME_VALUE_BYTES)).rdns[0]![0]!.value).toHaveLength(L.MAX_NAME_VALUE_BYTES);
    limit(() => decodeName(name(1, L.MAX_NAME_VALUE_BYTES + 1)), 'MAX_NAME_VALUE_BYTES');
  });
  it(`MAX_GENERAL_NAMES: ${L.MAX_GENERAL_NAMES} names decode; one more is LIMIT`, () => {
    const gn = (n: number) => decodeDer(seq(...Array.from({ length: n }, (_, i) => ctxPrimitive(2, new TextEncoder().encode(`h${i}.example`)))));
    expect(decodeGeneralNames(gn(L.MAX_GENERAL_NAMES), 'SAN')).toHaveLength(L.MAX_GENERAL_NAMES);
    limit(() => decodeGeneralNames(gn(L.MAX_GENERAL_NAMES + 1), 'SAN'), 'MAX_GENERAL_NAMES');
  });
});

describe('MAX_EXTENSIONS', () => {
  const exts = (n: number) => decodeDer(seq(...Array.from({ length: n }, (_, i) => seq(oid(`1.3.6.1.4.1.99999.${i}`), tlv(CLASS_UNIVERSAL, false, TAG.OCTET_STRING, Uint8Array.of(0x05, 0x00))))));
  it(`${L.MAX_EXTENSIONS} extensions parse; one more is LIMIT`, () => {
    expect(parseExtensions(exts(L.MAX_EXTENSIONS), 'extensions')).toHaveLength(L.MAX_EXTENSIONS);
    limit(() => parseExtensions(exts(L.MAX_EXTENSIONS + 1), 'extensions'), 'MAX_EXTENSIONS');
  });
});

describe('MAX_CRL_ENTRIES', () => {
  const time = tlv(CLASS_UNIVERSAL, false, TAG.UTC_TIME, new TextEncoder().encode('260601120000Z'));
  const alg = seq(oid('2.16.840.1.101.3.4.3.19')); // id-ml-dsa-87, parameters absent (RFC 9881)
  const crl = (n: number): Uint8Array => {
    // Entries built once and concatenated (a 100,000-entry CRL is ~2.4 MB).
    const entries: Uint8Array[] = [];
    for (let i = 0; i < n; i++) entries.push(seq(integer(i + 1), time));
    const tbs = seq(integer(1), alg, seq(tlv(CLASS_UNIVERSAL, true, TAG.SET, encodeAtv('2.5.4.3', 'limits CA'))), time, time, tlv(CLASS_UNIVERSAL, true, TAG.SEQUENCE, Buffer.concat(entries)));
    return seq(tbs, alg, tlv(CLASS_UNIVERSAL, false, TAG.BIT_STRING, Uint8Array.of(0, 1, 2, 3)));
  };
  it(`${L.MAX_CRL_ENTRIES} entries parse; one more is LIMIT`, () => {
    expect(parseCrl(crl(L.MAX_CRL_ENTRIES)).revoked).toHaveLength(L.MAX_CRL_ENTRIES);
    limit(() => parseCrl(crl(L.MAX_CRL_ENTRIES + 1)), 'MAX_CRL_ENTRIES');
  });
});

describe('MAX_SCHEMA_BYTES', () => {
  it(`a query shape's schema of ${L.MAX_SCHEMA_BYTES} canonical bytes compiles; one byte more is LIMIT`, async () => {
    const { checkQueryParams } = await import('../../src/core/policy/agreement.js');
    // {"description":"xxx…","type":"object"} — padded to an exact canonical length.
    const schema = (bytes: number) => {
      const base = canonicalize({ description: '', type: 'object' }).length;
      return { description: 'x'.repeat(bytes - base), type: 'object' };
    };
    expect(canonicalize(schema(L.MAX_SCHEMA_BYTES)).length).toBe(L.MAX_SCHEMA_BYTES);
    expect(() => checkQueryParams({ id: 'q', schema: schema(L.MAX_SCHEMA_BYTES) } as never, {})).not.toThrow();
    limit(() => checkQueryParams({ id: 'q', schema: schema(L.MAX_SCHEMA_BYTES + 1) } as never, {}), 'MAX_SCHEMA_BYTES');
  });
});
