// Step 2, signatures: each certificate's signature under its issuer's key (RFC 5280 §6.1.3 (a)(1)),
// and the inner/outer signature AlgorithmIdentifier equality RFC 5280 §4.1.1.2 requires.
import { verifySignature, type MlDsaKeys } from '../crypto/signature.js';
import { isWritError } from '../errors.js';
import type { AlgorithmId, Certificate, PublicKeyInfo } from '../x509/types.js';
import type { PathContext } from './context.js';
import { issuerOf } from './context.js';
import type { VerifyIssue } from './types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { certLabel, issue } from './util.js';

export function sameAlgorithm(a: AlgorithmId, b: AlgorithmId): boolean {
  if (a.oid !== b.oid) return false;
  if (a.params === undefined || b.params === undefined) return a.params === b.params;
  return bytesEqual(a.params, b.params);
}

/**
 * Verifies one signature, turning a WritError (unsupported algorithm, malformed key) into an issue.
 * Returns undefined when the signature verifies.
 */
export function checkSignature(
  alg: AlgorithmId,
  spki: PublicKeyInfo,
  data: Uint8Array,
  signature: Uint8Array,
  subject: string,
  what: string,
  keys?: MlDsaKeys,
): VerifyIssue | undefined {
  try {
    if (verifySignature(alg, spki, data, signature, keys)) return undefined;
    return issue('SIGNATURE', subject, `the ${what} signature does not verify under the issuer's key`);
  } catch (e) {
    // A signature we cannot check is not a valid signature. Unsupported algorithms keep their own code;
    // any other failure on these (untrusted) bytes counts as a bad signature. Misuse (TypeError,
    // RangeError) is a programming error and propagates.
    if (e instanceof TypeError || e instanceof RangeError) throw e;
    const code = isWritError(e) && (e.code === 'UNSUPPORTED_ALG' || e.code === 'UNSUPPORTED') ? e.code : 'SIGNATURE';
    const why = e instanceof Error ? e.message : String(e);
    return issue(code, subject, `cannot verify the ${what} signature: ${why}`);
  }
}

/**
 * checkSignature() for an object signed by `issuer`, through options.signatureMemo when one is given:
 * a recorded success skips the cryptographic check; only a success is ever recorded.
 */
export function checkSignedBy(
  ctx: PathContext,
  signedDer: Uint8Array,
  issuer: Certificate,
  check: () => VerifyIssue | undefined,
): VerifyIssue | undefined {
  const memo = ctx.options.signatureMemo;
  if (memo === undefined) return check();
  if (memo.has(signedDer, issuer.der, ctx.options.now)) return undefined;
  const bad = check();
  if (bad === undefined) memo.add(signedDer, issuer.der, ctx.options.now);
  return bad;
}

export function signaturesStep(ctx: PathContext): VerifyIssue[] {
  const out: VerifyIssue[] = [];
  const a = ctx.anchor.cert;
  if (!sameAlgorithm(a.signatureAlgorithm, a.tbsSignatureAlgorithm)) {
    out.push(issue('MALFORMED_CERT', certLabel(a), 'trust anchor: signatureAlgorithm differs from the signature field inside tbsCertificate (RFC 5280 §4.1.1.2)'));
  }
  ctx.chain.forEach((cert, i) => {
    const label = certLabel(cert);
    if (!sameAlgorithm(cert.signatureAlgorithm, cert.tbsSignatureAlgorithm)) {
      out.push(issue('MALFORMED_CERT', label, 'signatureAlgorithm differs from the signature field inside tbsCertificate (RFC 5280 §4.1.1.2)'));
    }
    const issuer = issuerOf(ctx, i);
    const bad = checkSignedBy(ctx, cert.der, issuer, () => checkSignature(cert.signatureAlgorithm, issuer.spki, cert.tbs, cert.signature, label, 'certificate', ctx.options.signatureMemo?.mlDsaKeys));
    if (bad) out.push(bad);
  });
  return out;
}
