// Step 9, algorithm allow-list: every signature algorithm and public-key algorithm the path relies on
// (certificates, the anchor's key, and the CRLs used) must be on options.allowedAlgorithms when given.
import { OID_NAMES } from '../crypto/algs.js';
import type { PathContext } from './context.js';
import { issuerOf } from './context.js';
import { crlsFor } from './revocation.js';
import type { VerifyIssue } from './types.js';
import { certLabel, issue } from './util.js';

function name(oid: string): string {
  const n = OID_NAMES[oid];
  return n ? `${n} (${oid})` : oid;
}

export function algorithmsStep(ctx: PathContext): VerifyIssue[] {
  const allowed = ctx.options.allowedAlgorithms;
  if (allowed === undefined) return [];
  const ok = new Set(allowed);
  const out: VerifyIssue[] = [];
  const a = ctx.anchor.cert;
  if (!ok.has(a.spki.algorithm.oid)) out.push(issue('ALG_NOT_ALLOWED', certLabel(a), `trust anchor key algorithm ${name(a.spki.algorithm.oid)} is not allowed`));
  ctx.chain.forEach((c, i) => {
    const label = certLabel(c);
    if (!ok.has(c.signatureAlgorithm.oid)) out.push(issue('ALG_NOT_ALLOWED', label, `signature algorithm ${name(c.signatureAlgorithm.oid)} is not allowed`));
    if (!ok.has(c.spki.algorithm.oid)) out.push(issue('ALG_NOT_ALLOWED', label, `key algorithm ${name(c.spki.algorithm.oid)} is not allowed`));
    for (const crl of crlsFor(issuerOf(ctx, i), ctx.crls)) {
      if (!ok.has(crl.signatureAlgorithm.oid)) {
        out.push(issue('ALG_NOT_ALLOWED', `CRL of ${crl.issuer.text}`, `CRL signature algorithm ${name(crl.signatureAlgorithm.oid)} is not allowed`));
      }
    }
  });
  return out;
}
