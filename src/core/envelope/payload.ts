// Payload envelopes: a large file sealed and opened as a stream (issue 6 target 4; CMS SignedData RFC 5652 §5 in AuthEnvelopedData RFC 5083, KEMRecipientInfo RFC 9629).
//
// The same sign-then-encrypt envelope as envelope.ts, with eContentType ENVELOPE_OIDS.payload and the
// raw payload bytes as eContent. The payload is described by ONE record (data {type:"writ-payload",
// name, size, sha512}) with its guardianship, attested by the sender as origin (records.ts), and that
// record and attestation travel in a signed attribute (ENVELOPE_OIDS.payloadRecord) next to the usual
// header, whose manifest covers the record. So the header, the provenance and the payload bytes are
// all under the sender's signature, and the record verifies the bytes again after they leave.
//
// Streaming (docs/envelopes.md "Payload envelopes"): every length is fixed before the first byte
// (ML-DSA signatures have a fixed size, FIPS 204 Table 2; hashes are fixed-size hex), so the seal
// sizes the SignerInfo with a placeholder of the real length, streams head, payload and, at the end,
// the real SignerInfo, and checks that its size matched. Open stream-decrypts into a bounded reader
// that hands the payload to the caller's sink (a temp file) and only then runs the checks, in the
// order and with the codes of openEnvelope; the caller publishes the payload only if finish() returns.
import { WritError } from '../errors.js';
import { bytesEqual, concat, drawRandom, toHex } from '../crypto/bytes.js';
import { AES_GCM_TAG_LENGTH } from '../crypto/aead.js';
import { ML_DSA_SIGNATURE_SIZE } from '../crypto/ml-dsa.js';
import { aes256GcmEncryptStream, aesGcmDecryptStream, sha512Stream } from '../crypto/stream.js';
import type { GcmDecryptStream, StreamHash } from '../crypto/stream.js';
import type { KemAlgName, Rng, Signer } from '../crypto/types.js';
import { canonicalize } from '../json/canonical.js';
import { TAG, decodeDer, decodeOctetString, decodeOid, decodeSmallUint, expect, integer, octetString, oid, seq, seqOf, setOf, utf8Decode, utf8String } from '../asn1/der.js';
import { algorithmIdentifier, parseAlgorithmIdentifier } from '../asn1/alg-id.js';
import { pqPublicKey } from '../asn1/spki.js';
import { signedDataParts, verifyCms, type VerifiedCms } from '../cms/signed-data.js';
import { CMS_OID, encodeAttribute, singleValue } from '../cms/common.js';
import { describeEnveloped, parseRecipient, ridMatchesCert } from '../cms/enveloped.js';
import { KEM_OIDS, algName, kemPrivate, unwrapFromRecipient, wrapForRecipient } from '../cms/kemri.js';
import {
  SignedDataStreamReader,
  authAttrsImplicit,
  authEnvelopedStreamHead,
  parseAuthEnvelopedHead,
  parseAuthEnvelopedTail,
  signedDataStreamHead,
  type AuthEnvelopedStreamHead,
} from '../cms/stream.js';
import { subjectKeyId } from '../x509/issue.js';
import type { Certificate } from '../x509/types.js';
import { ENVELOPE_OIDS, levelOid } from '../policy/levels.js';
import { checkFlow, type FlowDecision } from '../policy/agreement.js';
import { enclaveIdOf, isObj, toBase64 } from '../policy/signed.js';
import { encodeHeader, type EnvelopeHeader } from './header.js';
import { buildManifest, manifestMatches } from './manifest.js';
import { attestRecords, compactRecords, parseAttestation, parseRecord, verifyRecords, type Attestation, type Guardianship, type ProvenancedRecord, type VerifiedAttestation } from './records.js';
import { checkOpenFlow, checkSignedEnvelope, layerOf, refuse, verifyRecipient, type LocalEnclave, type RefusalContext } from './envelope.js';

/** AES-256-GCM (RFC 5084 §3.2). */
const AES256_GCM_OID = '2.16.840.1.101.3.4.1.46';
/** Payload sizes up to 1 TiB (the DER length of eContent then takes at most 6 octets). */
export const MAX_PAYLOAD_SIZE = 2 ** 40;

/** What the payload record's data says about the payload (canonical JSON, hashed into the record). */
export interface PayloadData {
  type: 'writ-payload';
  /** A file name (no directory), as the sender named the payload. */
  name: string;
  size: number;
  /** Lowercase hex SHA-512 of the payload bytes (equal to the CMS message-digest). */
  sha512: string;
}

export interface PayloadSealRequest {
  sender: LocalEnclave;
  recipientCert: Certificate;
  recipientChain?: Certificate[];
  agreementId: string;
  scope: string;
  level?: string;
  consentRef?: string;
  name: string;
  /** Exact number of payload bytes that update() will receive. */
  size: number;
  guardianship: Guardianship;
  expiresAt: Date;
  now: Date;
  rng: Rng;
}

export interface PayloadSealed {
  header: EnvelopeHeader;
  record: ProvenancedRecord;
  payload: PayloadData;
}

/** A seal in progress: write `head`, then update() for each payload chunk, then final(). */
export interface PayloadSealer {
  /** The size of the whole envelope. */
  totalLength: number;
  decision: FlowDecision;
  recipientIdentity: string;
  envelopeId: string;
  /** The outer head and the encrypted inner head: the first bytes of the envelope. */
  head: Uint8Array;
  /** Ciphertext for the next payload chunk (same length). */
  update(chunk: Uint8Array): Uint8Array;
  /** After the last payload byte: the encrypted SignerInfo, authAttrs and mac; and what was sealed. */
  final(): { tail: Uint8Array; sealed: PayloadSealed };
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 255 || /[/\\\u0000-\u001f\u007f]/.test(name) || name === '.' || name === '..') {
    throw new WritError('USAGE', 'the payload name must be a file name of 1-255 characters without a directory or control characters');
  }
  return name;
}

function checkPayloadData(v: unknown): PayloadData {
  if (!isObj(v) || v.type !== 'writ-payload' || typeof v.name !== 'string' || !Number.isSafeInteger(v.size) || (v.size as number) < 0 || typeof v.sha512 !== 'string' || !/^[0-9a-f]{128}$/.test(v.sha512)) {
    throw new WritError('PARSE', 'the payload record must hold {"type":"writ-payload","name","size","sha512"}');
  }
  if (Object.keys(v).length !== 4) throw new WritError('PARSE', 'the payload record has unknown members');
  return { type: 'writ-payload', name: checkName(v.name), size: v.size as number, sha512: v.sha512 };
}

/**
 * Starts sealing a payload of `size` bytes. Decides the flow first (as sealEnvelope: expiry,
 * recipient path, agreement, scope, level, crossing) and throws before producing a byte when it is
 * not covered.
 */
export function beginPayloadSeal(req: PayloadSealRequest): PayloadSealer {
  const { sender, now } = req;
  if (!(req.expiresAt instanceof Date) || !(req.expiresAt.getTime() > now.getTime())) throw new WritError('USAGE', 'the expiry must lie after the issue time');
  if (!Number.isSafeInteger(req.size) || req.size < 0 || req.size > MAX_PAYLOAD_SIZE) throw new WritError('LIMIT', `a payload must be 0..${MAX_PAYLOAD_SIZE} bytes`);
  const name = checkName(req.name);
  const rv = verifyRecipient(req.recipientCert, req.recipientChain ?? [], sender.trust, now);
  const recipient = enclaveIdOf(rv.identity!);
  const level = levelOid(req.level ?? sender.level);
  const decision = checkFlow(sender.policy, {
    sender: sender.id,
    recipient,
    layer: layerOf('records'),
    scope: req.scope,
    level,
    senderLevel: sender.level,
    recipientLevel: rv.level ?? level,
    agreementId: req.agreementId,
    now,
  });

  const idBytes = drawRandom(req.rng, 16);
  const issuedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const base: Omit<EnvelopeHeader, 'manifest'> = {
    envelopeId: `env-${toHex(idBytes)}`,
    kind: 'records',
    sender: enclaveIdOf(sender.id),
    recipient,
    scope: req.scope,
    consentRef: req.consentRef ?? `agreement:${req.agreementId}`,
    agreementId: req.agreementId,
    level,
    issuedAt,
    expiresAt: new Date(Math.floor(req.expiresAt.getTime() / 1000) * 1000),
  };

  // The SignedData fields after the content, for a digest `md` and a signer: the payload record is
  // attested (origin = sender) over data that names the digest, then everything is signed.
  const build = (md: Uint8Array, signer: Signer) => {
    const payload: PayloadData = { type: 'writ-payload', name, size: req.size, sha512: toHex(md) };
    const own = attestRecords([{ data: { ...payload }, guardianship: req.guardianship }], {
      origin: sender.id,
      signer,
      cert: sender.cert,
      chain: sender.chain,
      attestedAt: issuedAt,
    });
    // The sender's chain travels in the SignedData: drop the duplicate from its attestation (as records envelopes do).
    const { chain: _chain, ...attestation } = own.attestation;
    const record = compactRecords(own.records)[0]!;
    const header: EnvelopeHeader = { ...base, manifest: buildManifest([record]) };
    const attrs = [...encodeHeader(header), { oid: ENVELOPE_OIDS.payloadRecord, values: [utf8String(canonicalize({ attestation, record }))] }];
    const parts = signedDataParts(md, {
      contentType: ENVELOPE_OIDS.payload,
      signers: [{ signer, cert: sender.cert }],
      certificates: sender.chain,
      signedAttributes: attrs,
      signingTime: issuedAt,
    });
    return { parts, header, record, payload };
  };
  // Sizing pass: the same structures over a zero digest with zero signatures of the real length.
  const sigSize = ML_DSA_SIGNATURE_SIZE[sender.signer.alg];
  if (sigSize === undefined) throw new WritError('UNSUPPORTED_ALG', `payload envelopes need a fixed-size signature; ${String(sender.signer.alg)} is not one`);
  const sizing: Signer = { alg: sender.signer.alg, publicKey: sender.signer.publicKey, sign: () => new Uint8Array(sigSize) };
  const planned = build(new Uint8Array(64), sizing).parts;
  const trailerLength = planned.certificates.length + planned.signerInfos.length;
  const inner = signedDataStreamHead({ eContentType: ENVELOPE_OIDS.payload, contentLength: req.size, digestAlgorithms: planned.digestAlgorithms, trailerLength });

  // The outer AuthEnvelopedData (as sealAuthEnveloped writes it), plus the sealedContentType auth attribute.
  const { alg, publicKey } = pqPublicKey(req.recipientCert.spki);
  if (alg !== 'ml-kem-768' && alg !== 'ml-kem-1024' && alg !== 'x-wing') throw new WritError('UNSUPPORTED_ALG', `recipient certificate holds a ${alg} key, not a KEM key`);
  const keyId = req.recipientCert.subjectKeyId ?? subjectKeyId(req.recipientCert.spki);
  const cek = drawRandom(req.rng, 32);
  const nonce = drawRandom(req.rng, 12);
  let enc: ReturnType<typeof aes256GcmEncryptStream>;
  let ri: Uint8Array;
  const authSet = setOf(
    encodeAttribute({ oid: CMS_OID.contentType, values: [oid(CMS_OID.signedData)] }),
    encodeAttribute({ oid: ENVELOPE_OIDS.sealedContentType, values: [oid(ENVELOPE_OIDS.payload)] }),
  );
  try {
    ri = wrapForRecipient({ alg, publicKey, keyId, cek, rng: req.rng });
    enc = aes256GcmEncryptStream(cek, nonce, authSet); // RFC 5083 §2.2: AAD = DER of authAttrs (SET OF)
  } finally {
    cek.fill(0);
  }
  const authAttrs = authAttrsImplicit(authSet);
  const outer = authEnvelopedStreamHead({
    recipientInfos: setOf(ri),
    contentType: CMS_OID.signedData,
    contentEncryptionAlgorithm: algorithmIdentifier(AES256_GCM_OID, seq(octetString(nonce), integer(AES_GCM_TAG_LENGTH))),
    ciphertextLength: inner.totalLength,
    authAttrsLength: authAttrs.length,
    macLength: AES_GCM_TAG_LENGTH,
  });
  const hash = sha512Stream();
  let seen = 0;
  let done = false;
  return {
    totalLength: outer.totalLength,
    decision,
    recipientIdentity: rv.identity!,
    envelopeId: base.envelopeId,
    head: concat(outer.head, enc.update(inner.head)),
    update(chunk) {
      if (done) throw new Error('payload seal already finished');
      seen += chunk.length;
      if (seen > req.size) throw new WritError('IO', `the payload grew while it was read (more than ${req.size} bytes)`);
      hash.update(chunk);
      return enc.update(chunk);
    },
    final() {
      if (done) throw new Error('payload seal already finished');
      done = true;
      if (seen !== req.size) throw new WritError('IO', `the payload changed while it was read (${seen} bytes, expected ${req.size})`);
      const real = build(hash.digest(), sender.signer);
      if (real.parts.certificates.length + real.parts.signerInfos.length !== trailerLength || !bytesEqual(real.parts.digestAlgorithms, planned.digestAlgorithms)) {
        throw new Error('payload seal: the SignerInfo size differs from the planned size');
      }
      const ct = enc.update(concat(real.parts.certificates, real.parts.signerInfos));
      const tag = enc.final();
      return { tail: concat(ct, authAttrs, octetString(tag)), sealed: { header: real.header, record: real.record, payload: real.payload } };
    },
  };
}

// --------------------------------------------------------------------------------------------- open

/** Where the ciphertext lies, from the envelope's first bytes; DECRYPT when the outer head is malformed. */
export function readPayloadHead(first: Uint8Array): AuthEnvelopedStreamHead {
  try {
    return parseAuthEnvelopedHead(first);
  } catch (e) {
    refuse('DECRYPT', `the envelope does not decrypt with this enclave's KEM key: ${e instanceof Error ? e.message : String(e)}`, {}, e);
  }
}

/**
 * True when the trailer (the bytes after the ciphertext) names a payload envelope in its
 * sealedContentType auth attribute; false for anything else (records envelopes have none) or when it
 * cannot be read (the in-memory path then reports the error).
 */
export function isPayloadTrailer(tail: Uint8Array): boolean {
  try {
    const t = parseAuthEnvelopedTail(tail);
    const v = singleValue(t.authAttributes, ENVELOPE_OIDS.sealedContentType, 'authAttrs');
    return v !== undefined && decodeOid(decodeDer(v, 'sealedContentType'), 'sealedContentType') === ENVELOPE_OIDS.payload;
  } catch {
    return false;
  }
}

export interface PayloadOpenRequest {
  self: LocalEnclave;
  kem: { alg: KemAlgName; privateKey: Uint8Array; cert: Certificate };
  opened: (envelopeId: string) => boolean;
  now: Date;
}

export interface OpenedPayload {
  header: EnvelopeHeader;
  payload: PayloadData;
  /** The payload's record (portable form) and its attestation with the sender's chain filled in. */
  record: ProvenancedRecord;
  attestation: Attestation;
  verifiedAttestation: VerifiedAttestation;
  senderIdentity: string;
  senderLevel?: string;
  senderRegion?: string;
  decision: FlowDecision;
  algorithms: Record<string, string>;
}

/** An open in progress: update() with each ciphertext chunk in order, then finish(). */
export interface PayloadOpener {
  update(chunk: Uint8Array): void;
  /**
   * Runs every check (tag, signature, chain, recipient, dates, policy, replay, provenance); throws
   * one WritError with `.envelope` context on refusal. Only when it returns may the payload that went
   * to the sink be released.
   */
  finish(): OpenedPayload;
}

/**
 * Starts opening a payload envelope. `head` is what readPayloadHead returned, `tail` the bytes from
 * the end of the ciphertext to the end of the envelope; `sink` receives the payload bytes (NOT yet
 * authenticated) as they are decrypted. Step 1 failures (recipient, KEM, key unwrap, parameters) are
 * DECRYPT, as in openEnvelope.
 */
export function beginPayloadOpen(req: PayloadOpenRequest, head: AuthEnvelopedStreamHead, tail: Uint8Array, sink: (chunk: Uint8Array) => void): PayloadOpener {
  const ctx: RefusalContext = {};
  const decryptRefusal = (e: unknown): never =>
    refuse('DECRYPT', `the envelope does not decrypt with this enclave's KEM key${e instanceof Error ? `: ${e.message}` : ''}`, ctx, e);
  let dec: GcmDecryptStream;
  let algorithms: Record<string, string>;
  try {
    ({ dec, algorithms } = prepareDecryption(req, head, tail));
  } catch (e) {
    decryptRefusal(e);
  }
  const hash: StreamHash = sha512Stream();
  const reader = new SignedDataStreamReader((pt) => {
    hash.update(pt);
    sink(pt);
  });
  let readError: unknown;
  let received = 0;
  let finished = false;
  return {
    update(chunk) {
      if (finished) throw new Error('payload open already finished');
      received += chunk.length;
      const pt = dec.update(chunk);
      // A malformed inner structure is not reported before the tag is checked: until then it may be
      // tampering (DECRYPT) rather than a bad but authentic envelope (SIGNATURE). Keep decrypting.
      if (readError === undefined) {
        try {
          reader.push(pt);
        } catch (e) {
          readError = e;
        }
      }
    },
    finish() {
      if (finished) throw new Error('payload open already finished');
      finished = true;
      // 1. The GCM tag over everything.
      if (received !== head.ciphertextLength) decryptRefusal(new Error(`the ciphertext is ${received} bytes, expected ${head.ciphertextLength}`));
      try {
        dec.final();
      } catch (e) {
        refuse('DECRYPT', 'AES-256-GCM authentication failed: the envelope was altered or the key is wrong', ctx, e);
      }
      // 2. The signature over the streamed content's digest.
      let signed: VerifiedCms;
      let contentLength: number;
      const md = hash.digest();
      try {
        if (readError !== undefined) throw readError;
        const s = reader.finish();
        contentLength = s.contentLength;
        signed = verifyCms(s.detached, { detachedSha512: md });
      } catch (e) {
        refuse('SIGNATURE', 'the signed envelope cannot be read', ctx, e);
      }
      // 2-4. Signer, header, chain, identity, recipient, dates.
      const { header, signer, v, senderId } = checkSignedEnvelope(signed, ENVELOPE_OIDS.payload, req.self, req.now, ctx);
      if (header.kind !== 'records') refuse('PARSE', `a payload envelope must be of kind records, not ${header.kind}`, ctx);
      let carried: { record: ProvenancedRecord; attestation: Attestation; payload: PayloadData };
      try {
        carried = readPayloadAttribute(signer.signedAttributes);
      } catch (e) {
        refuse('PARSE', e instanceof Error ? e.message : 'the payload record cannot be read', ctx, e);
      }
      // 5. Policy.
      if (header.queryShape !== undefined || header.inReplyTo !== undefined) refuse('REFUSED_QUERY_SHAPE', 'a payload envelope must not carry a query shape or answer a query', ctx);
      const decision = checkOpenFlow(req.self, header, v, senderId, undefined, req.now, ctx);
      // 6. Replay.
      if (req.opened(header.envelopeId)) refuse('REFUSED_REPLAY', `envelope ${header.envelopeId} was opened before`, ctx);
      // 7. Provenance: manifest, the record against the bytes that arrived, the attestation.
      const { record, payload } = carried;
      if (!manifestMatches(header.manifest, [record])) refuse('PROVENANCE', 'the payload record does not match the signed manifest', ctx);
      if (payload.size !== contentLength || payload.sha512 !== toHex(md)) refuse('PROVENANCE', 'the payload record does not describe the payload that arrived', ctx);
      if (record.provenance.origin !== senderId) refuse('PROVENANCE', `the payload record names origin ${record.provenance.origin}, not the sender ${senderId}`, ctx);
      let verified: Map<string, VerifiedAttestation>;
      try {
        verified = verifyRecords([record], [carried.attestation], { ...req.self.trust, now: req.now, extraCerts: signed.certificates });
      } catch (e) {
        if (e instanceof WritError) refuse('PROVENANCE', e.message, ctx, e);
        throw e;
      }
      const senderChain = [signer.cert.der, ...signed.certificates.filter((c) => !bytesEqual(c.der, signer.cert.der)).map((c) => c.der)].map(toBase64);
      return {
        header,
        payload,
        record,
        attestation: carried.attestation.chain === undefined ? { ...carried.attestation, chain: senderChain } : carried.attestation,
        verifiedAttestation: [...verified.values()][0]!,
        senderIdentity: v.identity!,
        ...(v.level ? { senderLevel: v.level } : {}),
        ...(v.region ? { senderRegion: v.region } : {}),
        decision,
        algorithms,
      };
    },
  };
}

/**
 * What `envelope inspect` shows of a payload envelope without decrypting it (the same outline as
 * describeEnveloped, from the streamed head and trailer: the ciphertext itself is never read).
 */
export function describePayloadEnvelope(head: AuthEnvelopedStreamHead, tail: Uint8Array): ReturnType<typeof describeEnveloped> {
  const alg = parseAlgorithmIdentifier(head.contentEncryptionAlgorithm, 'contentEncryptionAlgorithm');
  return {
    structure: 'AuthEnvelopedData',
    contentType: head.contentType,
    contentEncryption: alg.oid === AES256_GCM_OID ? 'AES-256-GCM' : alg.oid,
    encryptedContentLength: head.ciphertextLength,
    recipients: head.recipientInfos.map((r) => parseRecipient(r).summary),
    authAttributes: parseAuthEnvelopedTail(tail).authAttributes,
  };
}

/** The recipient's CEK and the GCM parameters: everything of step 1 before the ciphertext. */
function prepareDecryption(req: PayloadOpenRequest, head: AuthEnvelopedStreamHead, tail: Uint8Array): { dec: GcmDecryptStream; algorithms: Record<string, string> } {
  if (head.contentType !== CMS_OID.signedData) throw new WritError('DECRYPT', 'the encrypted content is not a SignedData');
  const t = parseAuthEnvelopedTail(tail);
  // RFC 5083 leaves EncryptedContentInfo.contentType outside the AAD; the content-type auth attribute binds it.
  const ct = singleValue(t.authAttributes, CMS_OID.contentType, 'authAttrs');
  if (ct === undefined || decodeOid(decodeDer(ct, 'content-type'), 'content-type') !== head.contentType) throw new WritError('DECRYPT', 'the content-type auth attribute is missing or differs');
  const alg = parseAlgorithmIdentifier(head.contentEncryptionAlgorithm, 'contentEncryptionAlgorithm');
  if (alg.oid !== AES256_GCM_OID) throw new WritError('UNSUPPORTED_ALG', `payload envelopes use AES-256-GCM, not ${alg.oid}`);
  if (alg.params === undefined) throw new WritError('PARSE', 'AES-256-GCM parameters are missing');
  const gp = seqOf(decodeDer(alg.params, 'GCMParameters'), 'GCMParameters');
  const nonce = decodeOctetString(gp[0], 'aes-nonce');
  const icvLen = gp[1] === undefined ? 12 : decodeSmallUint(expect(gp[1], TAG.INTEGER, 'aes-ICVlen').content, 'aes-ICVlen');
  if (gp.length > 2 || nonce.length !== 12 || icvLen !== AES_GCM_TAG_LENGTH || t.mac.length !== AES_GCM_TAG_LENGTH) throw new WritError('UNSUPPORTED', 'AES-GCM with a 12-byte nonce and a 16-byte tag only');

  const { kem } = req;
  const key = kemPrivate(kem.alg, kem.privateKey);
  try {
    if (kem.cert.spki.algorithm.oid !== KEM_OIDS[kem.alg] || !bytesEqual(kem.cert.spki.publicKey, key.publicKey)) {
      throw new WritError('KEY_MISMATCH', `the ${kem.alg} private key does not belong to certificate "${kem.cert.subject.text}"`);
    }
    const candidates = head.recipientInfos
      .map(parseRecipient)
      .filter((r) => r.kemri !== undefined && r.kemri.kem === kem.alg && ridMatchesCert(r.kemri.rid, kem.cert));
    if (candidates.length === 0) throw new WritError('DECRYPT', `no recipient of this envelope is certificate "${kem.cert.subject.text}"`);
    for (const r of candidates) {
      let cek: Uint8Array;
      try {
        cek = unwrapFromRecipient(r.kemri!, key);
      } catch (e) {
        if (e instanceof WritError && e.code === 'DECRYPT') continue;
        throw e;
      }
      try {
        const dec = aesGcmDecryptStream(cek, nonce, t.authAttrsDer ?? new Uint8Array(0), t.mac);
        const k = r.kemri!;
        return {
          dec,
          algorithms: {
            structure: 'AuthEnvelopedData',
            kem: algName(k.kemOid),
            kdf: algName(k.kdfOid),
            kekLength: String(k.kekLength),
            wrap: algName(k.wrapOid),
            ukm: k.ukm === undefined ? 'absent' : `${k.ukm.length} bytes`,
            contentEncryption: 'AES-256-GCM',
            authenticated: 'yes',
            recipient: r.summary.rid ?? '',
            streamed: 'yes',
          },
        };
      } finally {
        cek.fill(0);
      }
    }
    throw new WritError('DECRYPT', 'the content-encryption key could not be recovered: wrong private key, or the envelope was altered');
  } finally {
    key.wipe();
  }
}

/** The payloadRecord signed attribute: {"attestation", "record"} canonical JSON in a UTF8String. */
function readPayloadAttribute(attrs: readonly { oid: string; values: Uint8Array[] }[]): { record: ProvenancedRecord; attestation: Attestation; payload: PayloadData } {
  const found = attrs.filter((a) => a.oid === ENVELOPE_OIDS.payloadRecord);
  if (found.length !== 1 || found[0]!.values.length !== 1) throw new WritError('PARSE', 'envelope header: the payload record attribute must appear once with one value');
  const text = utf8Decode(expect(decodeDer(found[0]!.values[0]!, 'payload record'), TAG.UTF8_STRING, 'payload record').content, 'payload record');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new WritError('PARSE', 'envelope header: the payload record is not JSON', { cause: e });
  }
  if (!isObj(v) || Object.keys(v).length !== 2) throw new WritError('PARSE', 'envelope header: the payload record must be {"attestation","record"}');
  const record = parseRecord(v.record, 'payload record');
  const attestation = parseAttestation(v.attestation, 'payload attestation');
  return { record, attestation, payload: checkPayloadData(record.data) };
}

