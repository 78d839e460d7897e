// Payload envelopes (issue 6 target 4): streamed seal and open in memory, equivalence with the in-memory CMS readers, chunking independence, and refusals of mutated envelopes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { beginPayloadOpen, beginPayloadSeal, isPayloadTrailer, readPayloadHead, type OpenedPayload, type PayloadOpenRequest, type PayloadSealRequest } from '../../../src/core/envelope/payload.js';
import { openEnveloped, sealAuthEnveloped } from '../../../src/core/cms/enveloped.js';
import { verifyCms } from '../../../src/core/cms/signed-data.js';
import { CMS_OID } from '../../../src/core/cms/common.js';
import { oid } from '../../../src/core/asn1/der.js';
import { bytesEqual, concat, toHex } from '../../../src/core/crypto/bytes.js';
import { sha512 } from '../../../src/core/crypto/kdf.js';
import { ENVELOPE_OIDS } from '../../../src/core/policy/levels.js';
import { openEnvelope } from '../../../src/core/envelope/envelope.js';
import { errCode, seededRng } from '../../helpers/index.js';
import { DAY, NOW, SCOPE, world } from './helpers.js';

const G = { kaitiaki: 'Harbor community board', terms: 'aggregate research only' };

function payloadBytes(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** Seals `payload` split at `cuts` (sorted offsets), with a seeded RNG. */
function seal(payload: Uint8Array, cuts: number[] = [], o: Partial<PayloadSealRequest> = {}): Uint8Array {
  const w = world();
  const s = beginPayloadSeal({
    sender: w.harbor,
    recipientCert: w.pki.enclaves.orchard.kem.cert,
    recipientChain: [w.pki.enclaves.orchard.ca.cert, w.pki.regions.south.ca.cert],
    agreementId: w.agreementId,
    scope: SCOPE,
    name: 'survey.bin',
    size: payload.length,
    guardianship: G,
    expiresAt: new Date(NOW.getTime() + DAY),
    now: NOW,
    rng: seededRng('payload-seal'),
    ...o,
  });
  const parts = [s.head];
  let p = 0;
  for (const c of [...cuts, payload.length]) {
    parts.push(s.update(payload.subarray(p, c)));
    p = c;
  }
  parts.push(s.final().tail);
  const der = concat(...parts);
  expect(der.length).toBe(s.totalLength);
  return der;
}

function openReq(o: Partial<PayloadOpenRequest> = {}): PayloadOpenRequest {
  const w = world();
  return { self: w.orchard, kem: w.kem('orchard'), opened: () => false, now: NOW, ...o };
}

/** Opens a whole envelope through the streaming opener, feeding ciphertext in `chunk`-byte pieces. */
function streamOpen(der: Uint8Array, o: Partial<PayloadOpenRequest> = {}, chunk = 4096): { r: OpenedPayload; out: Uint8Array } {
  const head = readPayloadHead(der.subarray(0, Math.min(der.length, 65536)));
  const ctEnd = head.ciphertextOffset + head.ciphertextLength;
  const got: Uint8Array[] = [];
  const op = beginPayloadOpen(openReq(o), head, der.subarray(ctEnd), (b) => got.push(b.slice()));
  for (let p = head.ciphertextOffset; p < ctEnd; p += chunk) op.update(der.subarray(p, Math.min(ctEnd, p + chunk)));
  const r = op.finish();
  return { r, out: concat(...got) };
}

function openCode(der: Uint8Array, o: Partial<PayloadOpenRequest> = {}): string | undefined {
  return errCode(() => streamOpen(der, o));
}

describe('payload envelopes: streamed seal and open', () => {
  const payload = payloadBytes(300_000);
  const der = seal(payload, [1, 70_000, 70_001, 250_000]);

  it('opens with the streaming opener: the payload, its record and attestation, the header', () => {
    const w = world();
    const { r, out } = streamOpen(der);
    expect(bytesEqual(out, payload)).toBe(true);
    expect(r.payload).toEqual({ type: 'writ-payload', name: 'survey.bin', size: payload.length, sha512: toHex(sha512(payload)) });
    expect(r.header.sender).toBe(w.harbor.id);
    expect(r.header.recipient).toBe(w.orchard.id);
    expect(r.header.kind).toBe('records');
    expect(r.header.manifest.recordHashes).toHaveLength(1);
    expect(r.record.provenance.origin).toBe(w.harbor.id);
    expect(r.record.provenance.guardianship).toEqual(G);
    expect(r.record.data).toEqual(r.payload);
    expect(r.attestation.chain).toHaveLength(3);
    expect(r.verifiedAttestation.origin).toBe(w.harbor.id);
    expect(r.senderIdentity).toBe(`${w.harbor.id}/gateway`);
    expect(r.decision.agreement.id).toBe(w.agreementId);
  });

  it('is a standard CMS envelope: the in-memory readers open it and verify the signature over the payload', () => {
    const w = world();
    const k = w.kem('orchard');
    const inner = openEnveloped(der, { alg: k.alg, privateKey: k.privateKey, cert: k.cert });
    expect(inner.contentType).toBe(CMS_OID.signedData);
    expect(inner.authAttributes.map((a) => a.oid)).toContain(ENVELOPE_OIDS.sealedContentType);
    const signed = verifyCms(inner.content);
    expect(signed.contentType).toBe(ENVELOPE_OIDS.payload);
    expect(bytesEqual(signed.content, payload)).toBe(true);
    expect(signed.signers).toHaveLength(1);
    expect(signed.signers[0]!.ok).toBe(true);
    // The records-envelope pipeline refuses it cleanly (not its content type).
    expect(errCode(() => openEnvelope({ der, self: w.orchard, kem: k, opened: () => false, now: NOW }))).toBe('SIGNATURE');
  });

  it('the output does not depend on how the payload was split (property)', () => {
    const small = payloadBytes(5000, 7);
    const ref = seal(small);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: small.length }), { maxLength: 12 }), (cuts) => {
        expect(bytesEqual(seal(small, [...cuts].sort((a, b) => a - b)), ref)).toBe(true);
      }),
      { numRuns: 8, seed: 6 },
    );
  });

  it('the opener gives the same result for any ciphertext chunk size (property)', () => {
    const small = payloadBytes(3000, 9);
    const env = seal(small);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), (chunk) => {
        const { out, r } = streamOpen(env, {}, chunk);
        expect(bytesEqual(out, small)).toBe(true);
        expect(r.payload.size).toBe(3000);
      }),
      { numRuns: 12, seed: 8 },
    );
  });

  it('handles an empty payload', () => {
    const env = seal(new Uint8Array(0));
    const { out, r } = streamOpen(env);
    expect(out.length).toBe(0);
    expect(r.payload.sha512).toBe(toHex(sha512(new Uint8Array(0))));
  });

  it('recognises payload envelopes by their authenticated trailer', () => {
    const head = readPayloadHead(der.subarray(0, 65536));
    expect(isPayloadTrailer(der.subarray(head.ciphertextOffset + head.ciphertextLength))).toBe(true);
  });
});

describe('payload envelopes: refusals', () => {
  const payload = payloadBytes(20_000, 3);
  const der = seal(payload);
  const head = readPayloadHead(der.subarray(0, 65536));
  const ctEnd = head.ciphertextOffset + head.ciphertextLength;
  const flip = (i: number): Uint8Array => {
    const d = der.slice();
    d[i]! ^= 0x01;
    return d;
  };

  it('a flipped ciphertext byte (head, payload, trailer) or tag byte is DECRYPT', () => {
    expect(openCode(flip(head.ciphertextOffset + 3))).toBe('DECRYPT');
    expect(openCode(flip(head.ciphertextOffset + 10_000))).toBe('DECRYPT');
    expect(openCode(flip(ctEnd - 20))).toBe('DECRYPT');
    expect(openCode(flip(der.length - 1))).toBe('DECRYPT');
  });

  it('a flipped recipient info byte or a truncated envelope is DECRYPT', () => {
    expect(openCode(flip(head.ciphertextOffset - 40))).toBe('DECRYPT');
    expect(errCode(() => readPayloadHead(der.subarray(0, 50)))).toBe('DECRYPT');
    // Truncated: the declared ciphertext is not all there, so the trailer cannot be read either.
    const t = der.subarray(0, der.length - 100);
    expect(openCode(t)).toBe('DECRYPT');
  });

  /** Re-encrypts the (possibly altered) inner SignedData as a valid AuthEnvelopedData. */
  function reseal(alter: (inner: Uint8Array) => void): Uint8Array {
    const w = world();
    const k = w.kem('orchard');
    const inner = openEnveloped(der, { alg: k.alg, privateKey: k.privateKey, cert: k.cert }).content.slice();
    alter(inner);
    return sealAuthEnveloped({
      content: inner,
      contentType: CMS_OID.signedData,
      recipient: w.pki.enclaves.orchard.kem.cert,
      rng: seededRng('reseal'),
      authAttributes: [{ oid: ENVELOPE_OIDS.sealedContentType, values: [oid(ENVELOPE_OIDS.payload)] }],
    });
  }

  it('an authentic envelope with a flipped signature, header, or payload byte is SIGNATURE', () => {
    const inner = (() => {
      const w = world();
      const k = w.kem('orchard');
      return openEnveloped(der, { alg: k.alg, privateKey: k.privateKey, cert: k.cert }).content;
    })();
    expect(openCode(reseal(() => undefined))).toBeUndefined();
    expect(openCode(reseal((b) => void (b[b.length - 10]! ^= 1)))).toBe('SIGNATURE'); // signature value
    const scopeAt = Buffer.from(inner).indexOf(Buffer.from(SCOPE));
    expect(scopeAt).toBeGreaterThan(0);
    expect(openCode(reseal((b) => void (b[scopeAt]! ^= 1)))).toBe('SIGNATURE'); // signed header
    const payloadAt = Buffer.from(inner).indexOf(Buffer.from(payload.subarray(0, 32)));
    expect(openCode(reseal((b) => void (b[payloadAt + 5000]! ^= 1)))).toBe('SIGNATURE'); // message-digest
    expect(openCode(reseal((b) => void (b[1]! ^= 0x40)))).toBe('SIGNATURE'); // malformed inner structure
  });

  it('runs the open pipeline checks in order: expiry, replay', () => {
    expect(openCode(der, { now: new Date(NOW.getTime() + 2 * DAY) })).toBe('REFUSED_EXPIRED');
    expect(openCode(der, { opened: () => true })).toBe('REFUSED_REPLAY');
  });

  it('the wrong recipient key is DECRYPT', () => {
    const w = world();
    expect(openCode(der, { self: w.harbor, kem: w.kem('harbor') })).toBe('DECRYPT');
  });

  it('seal refuses before producing anything when the flow is not covered', () => {
    const w = world();
    expect(errCode(() => seal(payload, [], { scope: 'marketing' }))).toBe('REFUSED_SCOPE');
    expect(errCode(() => seal(payload, [], { agreementId: 'agr-00000000000000000000000000000000' }))).toBe('REFUSED_NO_AGREEMENT');
    expect(errCode(() => seal(payload, [], { name: '../x' }))).toBe('USAGE');
    expect(w).toBeDefined();
  });

  it('seal refuses a payload that changes size while it streams', () => {
    const w = world();
    const s = beginPayloadSeal({
      sender: w.harbor,
      recipientCert: w.pki.enclaves.orchard.kem.cert,
      recipientChain: [w.pki.enclaves.orchard.ca.cert, w.pki.regions.south.ca.cert],
      agreementId: w.agreementId,
      scope: SCOPE,
      name: 'x',
      size: 10,
      guardianship: G,
      expiresAt: new Date(NOW.getTime() + DAY),
      now: NOW,
      rng: seededRng('grow'),
    });
    s.update(new Uint8Array(5));
    expect(errCode(() => s.final())).toBe('IO');
  });
});
