// Step 8, revocation against the CRLs given (RFC 5280 §6.3, simplified to complete CRLs issued directly by
// the certificate's issuer): the CRL must be signed by the issuer's key (§6.3.3 (f)(g)), by an issuer whose
// keyUsage allows cRLSign (§4.2.1.3), be current at `now` (§6.3.3 (a)), and have no unhandled critical
// extension (§5.2: a CRL with one must not be used to judge revocation; we reject it outright).
import type { Certificate, Crl } from '../x509/types.js';
import type { PathContext } from './context.js';
import { issuerOf } from './context.js';
import { checkSignature, checkSignedBy, sameAlgorithm } from './signatures.js';
import type { VerifyIssue } from './types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { certLabel, issue, sameName } from './util.js';

const CRL_NUMBER_OID = '2.5.29.20';

/** The CRLs that claim to be issued by `issuer` under its current key (name match, AKI not contradicting SKI). */
export function crlsFor(issuer: Certificate, crls: readonly Crl[]): Crl[] {
  return crls.filter((crl) => {
    if (!sameName(crl.issuer, issuer.subject)) return false;
    const aki = crl.authorityKeyId?.keyId;
    const ski = issuer.subjectKeyId;
    // A CRL naming a different key of a same-named CA is not about this path (RFC 5280 §5.2.1).
    return !(aki && ski && !bytesEqual(aki, ski));
  });
}

function crlLabel(crl: Crl): string {
  return `CRL of ${crl.issuer.text || 'an unnamed issuer'}`;
}

/** Problems that make `crl` unusable to judge certificates issued by `issuer`. */
export function crlProblems(crl: Crl, issuer: Certificate, ctx: PathContext): VerifyIssue[] {
  const out: VerifyIssue[] = [];
  const label = crlLabel(crl);
  if (!sameAlgorithm(crl.signatureAlgorithm, crl.tbsSignatureAlgorithm)) {
    out.push(issue('CRL_SIGNATURE', label, 'signatureAlgorithm differs from the signature field inside tbsCertList (RFC 5280 §5.1.1.2)'));
  }
  const sig = checkSignedBy(ctx, crl.der, issuer, () => checkSignature(crl.signatureAlgorithm, issuer.spki, crl.tbs, crl.signature, label, 'CRL', ctx.options.signatureMemo?.mlDsaKeys));
  if (sig) out.push({ ...sig, code: sig.code === 'SIGNATURE' ? 'CRL_SIGNATURE' : sig.code, message: `${sig.message} ("${certLabel(issuer)}")` });
  if (issuer.keyUsage && !issuer.keyUsage.includes('cRLSign')) {
    out.push(issue('KEY_USAGE', label, `issuer "${certLabel(issuer)}" has a keyUsage without cRLSign, so it may not sign CRLs`));
  }
  if (crl.unhandledCritical.length > 0) {
    out.push(issue('CRITICAL_EXTENSION', label, `unrecognised critical CRL extension(s): ${crl.unhandledCritical.join(', ')}`));
  }
  const now = Math.floor(ctx.options.now.getTime() / 1000) * 1000;
  if (crl.thisUpdate.getTime() > now) {
    out.push(issue('CRL_STALE', label, `not valid before its thisUpdate ${crl.thisUpdate.toISOString()}`));
  } else if (crl.nextUpdate === undefined) {
    out.push(issue('CRL_STALE', label, 'has no nextUpdate, so its freshness cannot be judged (RFC 5280 §5.1.2.5)'));
  } else if (crl.nextUpdate.getTime() < now) {
    out.push(issue('CRL_STALE', label, `stale: its nextUpdate ${crl.nextUpdate.toISOString()} has passed`));
  }
  if (ctx.options.strict) {
    const num = crl.extensions.find((e) => e.oid === CRL_NUMBER_OID);
    // No CRL-specific "malformed" code exists; MALFORMED_CERT names the broken encoding rule.
    if (!num) out.push(issue('MALFORMED_CERT', label, 'the CRL has no CRLNumber extension (RFC 5280 §5.2.3 requires one)'));
    else if (num.critical) out.push(issue('MALFORMED_CERT', label, 'the CRL marks CRLNumber critical (RFC 5280 §5.2.3 requires non-critical)'));
  }
  return out;
}

export function revocationStep(ctx: PathContext): VerifyIssue[] {
  const out: VerifyIssue[] = [];
  const checked = new Set<Crl>();
  ctx.chain.forEach((cert, i) => {
    const issuer = issuerOf(ctx, i);
    let covered = false;
    for (const crl of crlsFor(issuer, ctx.crls)) {
      const problems = crlProblems(crl, issuer, ctx);
      if (problems.length > 0) {
        if (!checked.has(crl)) out.push(...problems);
        checked.add(crl);
        continue;
      }
      checked.add(crl);
      covered = true;
      const entry = crl.revoked.find((r) => r.serialHex === cert.serialHex);
      if (entry && entry.reason !== 'removeFromCRL') {
        out.push(
          issue(
            'REVOKED',
            certLabel(cert),
            `revoked by ${crlLabel(crl)} on ${entry.revocationDate.toISOString()}${entry.reason ? ` (${entry.reason})` : ''}`,
          ),
        );
      }
    }
    if (!covered && ctx.options.requireRevocationInfo) {
      out.push(issue('CRL_MISSING', certLabel(cert), `no valid CRL from "${certLabel(issuer)}" covers this certificate`));
    }
  });
  return out;
}
