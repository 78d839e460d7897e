// Test helpers for path validation: DER surgery on a certificate's TBS and re-signing (RFC 5280 §4.1 layout),
// so negative tests can change exactly one field of a golden certificate.
import { bitString, boolean, ctxConstructed, ctxExplicit, ctxPrimitive, decodeDer, integer, isContext, octetString, oid, seq, seqOf } from '../../../src/core/asn1/der.js';
import { algorithmIdentifier } from '../../../src/core/asn1/alg-id.js';
import { bytesEqual, concat } from '../../../src/core/crypto/bytes.js';
import { KEY_ALG_OIDS } from '../../../src/core/crypto/algs.js';
import type { Signer } from '../../../src/core/crypto/types.js';
import { parseCertificate } from '../../../src/core/x509/parse.js';
import type { Certificate } from '../../../src/core/x509/types.js';

const enc = new TextEncoder();

export const OIDS = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  certificatePolicies: '2.5.29.32',
  policyConstraints: '2.5.29.36',
} as const;

/** The contents of a whole [n] EXPLICIT element. */
function explicitContent(der: Uint8Array, n: number, what: string): Uint8Array {
  const t = decodeDer(der, what);
  if (!isContext(t, n) || !t.constructed) throw new Error(`${what}: expected [${n}] EXPLICIT`);
  return t.content;
}

/** tbsCertificate fields as DER TLVs: version, serial, signature, issuer, validity, subject, spki, [extensions]. */
export function tbsFields(tbs: Uint8Array): Uint8Array[] {
  return seqOf(decodeDer(tbs, 'tbs'), 'tbs').map((t) => Uint8Array.from(t.der));
}

export function encodeExtension(extOid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(extOid), boolean(true), octetString(value)) : seq(oid(extOid), octetString(value));
}

/** Replaces (value given) or removes (value undefined) the extension `extOid`, appending it when absent. */
export function setExtension(fields: Uint8Array[], extOid: string, critical: boolean, value: Uint8Array | undefined): Uint8Array[] {
  const out = [...fields];
  const idx = out.findIndex((f) => f[0] === 0xa3);
  const extsDer = idx >= 0 ? (out[idx] as Uint8Array) : undefined;
  const exts: Uint8Array[] = extsDer ? seqOf(decodeDer(explicitContent(extsDer, 3, 'exts'), 'exts seq'), 'exts seq').map((t) => Uint8Array.from(t.der)) : [];
  const oidDer = oid(extOid);
  const at = exts.findIndex((e) => {
    const first = seqOf(decodeDer(e, 'ext'), 'ext')[0];
    return first !== undefined && bytesEqual(first.der, oidDer);
  });
  const replacement: Uint8Array[] = value === undefined ? [] : [encodeExtension(extOid, critical, value)];
  if (at >= 0) exts.splice(at, 1, ...replacement);
  else exts.push(...replacement);
  const newExts = ctxExplicit(3, seq(...exts));
  if (idx >= 0) out[idx] = newExts;
  else out.push(newExts);
  return out;
}

/** Rebuilds a certificate from (edited) TBS fields, signed by `signer` (ML-DSA, parameters absent). */
export function signTbs(fields: Uint8Array[], signer: Signer): Certificate {
  const f = [...fields];
  const sigAlg = algorithmIdentifier(KEY_ALG_OIDS[signer.alg]);
  f[2] = sigAlg; // keep the inner signature field in step with the outer one (RFC 5280 §4.1.1.2)
  const tbs = seq(...f);
  return parseCertificate(seq(tbs, sigAlg, bitString(signer.sign(tbs))));
}

/** Re-signs `cert` after applying `edit` to its TBS fields. */
export function resign(cert: Certificate, signer: Signer, edit: (fields: Uint8Array[]) => Uint8Array[] = (x) => x): Certificate {
  return signTbs(edit(tbsFields(cert.tbs)), signer);
}

// Extension value encoders (RFC 5280 §4.2.1.x).
export const ext = {
  basicConstraints(ca: boolean, pathLen?: number): Uint8Array {
    if (!ca) return seq();
    return pathLen === undefined ? seq(boolean(true)) : seq(boolean(true), integer(pathLen));
  },
  policies(...oids: string[]): Uint8Array {
    return seq(...oids.map((o) => seq(oid(o))));
  },
  sanUri(...uris: string[]): Uint8Array {
    return seq(...uris.map((u) => ctxPrimitive(6, enc.encode(u))));
  },
  ncPermittedUri(...hosts: string[]): Uint8Array {
    return seq(ctxConstructed(0, concat(...hosts.map((h) => seq(ctxPrimitive(6, enc.encode(h)))))));
  },
};

/** Replaces the issuer Name (field 3) with the given DER. */
export function setIssuer(fields: Uint8Array[], nameDer: Uint8Array): Uint8Array[] {
  const out = [...fields];
  out[3] = nameDer;
  return out;
}

/** Assembles a certificate from TBS fields with any signature algorithm (classical partner PKIs in tests). */
export function assemble(fields: Uint8Array[], sigAlgDer: Uint8Array, sign: (tbs: Uint8Array) => Uint8Array): Certificate {
  const f = [...fields];
  f[2] = sigAlgDer;
  const tbs = seq(...f);
  return parseCertificate(seq(tbs, sigAlgDer, bitString(sign(tbs))));
}
