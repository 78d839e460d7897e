// Fuzz formats for the sealed-envelope header (src/core/envelope/header.ts decodeHeader, signed attributes RFC 5652 §5.3) and the records manifest (src/core/envelope/manifest.ts decodeManifest, DER).
//
// The header travels as the signer's signed attributes; the input here is their DER SET OF Attribute,
// read the way the CMS layer reads them (src/core/cms/common.ts parseAttributes) and then decoded.
// Seeds: a records header (with a 3-record manifest) and an answer header (queryShape, inReplyTo, an
// empty manifest), as encodeHeader writes them; the manifests alone for the second format. Checks: a
// decoded header re-encodes to attributes that decode to the same header (no field lost or altered;
// the manifest root is the Merkle root of its hashes); a decoded manifest re-encodes to exactly the
// input bytes (DER: one encoding per value) and its root matches its record hashes.
import type { FuzzFormat } from '../harness.js';
import { decodeHeader, encodeHeader, headerJson } from '../../../src/core/envelope/header.js';
import type { EnvelopeHeader } from '../../../src/core/envelope/header.js';
import { buildManifest, decodeManifest, encodeManifest, manifestRoot } from '../../../src/core/envelope/manifest.js';
import type { Manifest } from '../../../src/core/envelope/manifest.js';
import { encodeAttribute, parseAttributes } from '../../../src/core/cms/common.js';
import { CLASS_UNIVERSAL, TAG, children, decodeDer, expect as expectTag, tlv } from '../../../src/core/asn1/der.js';
import { LEVELS } from '../../../src/core/policy/levels.js';
import { fromHex, toHex } from '../../../src/core/crypto/bytes.js';
import { expectThat, bytesEq } from '../format-helpers.js';

const NOW = new Date('2026-06-01T12:00:00Z');

function headers(): EnvelopeHeader[] {
  const base = {
    sender: 'spiffe://harbor.north.writ.test',
    recipient: 'spiffe://orchard.south.writ.test',
    scope: 'research.aggregate',
    consentRef: 'consent:test',
    agreementId: `agr-${'0f'.repeat(16)}`,
    level: LEVELS.internal,
    issuedAt: NOW,
    expiresAt: new Date(NOW.getTime() + 86_400_000),
  };
  return [
    { ...base, envelopeId: `env-${'ab'.repeat(16)}`, kind: 'records', manifest: buildManifest([{ a: 1 }, { b: [2, 3] }, 'c']) },
    { ...base, envelopeId: `env-${'cd'.repeat(16)}`, kind: 'answer', level: LEVELS.restricted, queryShape: 'count-by-year', inReplyTo: 'ee'.repeat(64), manifest: buildManifest([]) },
  ];
}

/** The SET OF Attribute as a SignerInfo carries it (with a universal SET tag instead of [0] IMPLICIT). */
function attributesDer(h: EnvelopeHeader): Uint8Array {
  const parts = encodeHeader(h).map(encodeAttribute);
  let n = 0;
  for (const p of parts) n += p.length;
  const body = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    body.set(p, o);
    o += p.length;
  }
  return tlv(CLASS_UNIVERSAL, true, TAG.SET, body);
}

function readHeader(input: Uint8Array): EnvelopeHeader {
  const set = expectTag(decodeDer(input, 'signed attributes'), TAG.SET, 'signed attributes');
  return decodeHeader(parseAttributes(children(set), 'signed attributes'));
}

const header: FuzzFormat = {
  name: 'envelope-header',
  kind: 'der',
  seeds: () => headers().map(attributesDer),
  parse: readHeader,
  check(_input, result) {
    const h = result as EnvelopeHeader;
    const again = readHeader(attributesDer(h));
    expectThat(JSON.stringify(headerJson(again, true)) === JSON.stringify(headerJson(h, true)), 'the header does not survive re-encoding');
    expectThat(/^env-[0-9a-f]{32}$/.test(h.envelopeId), 'envelopeId');
    expectThat(h.manifest.root === toHex(manifestRoot(h.manifest.recordHashes.map((x) => fromHex(x)))), 'manifest root does not match its hashes');
  },
};

const manifest: FuzzFormat = {
  name: 'envelope-manifest',
  kind: 'der',
  seeds: () => headers().map((h) => encodeManifest(h.manifest)),
  parse: decodeManifest,
  check(input, result) {
    const m = result as Manifest;
    expectThat(bytesEq(encodeManifest(m), input), 'a manifest decoded from bytes that are not its DER encoding (two encodings accepted)');
    expectThat(m.root === toHex(manifestRoot(m.recordHashes.map((x) => fromHex(x)))), 'manifest root does not match its hashes');
  },
};

export default [header, manifest];
