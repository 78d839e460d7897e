// Step 4, basic constraints: issuers must be CAs allowed to sign certificates, and pathLenConstraint
// (plus an anchor's maxPathLen, RFC 5937) bounds the intermediates (RFC 5280 §4.2.1.9, §4.2.1.3, §6.1.4 (k)-(n)).
import type { Certificate } from '../x509/types.js';
import type { PathContext } from './context.js';
import type { VerifyIssue } from './types.js';
import { certLabel, isSelfIssued, issue, sameCert } from './util.js';

/** Why `cert` may not issue certificates, or undefined when it may (§4.2.1.9, §4.2.1.3, §6.1.4 (k)(n)). */
export function notCaReason(cert: Certificate): string | undefined {
  if (cert.version < 3) return 'is a version 1/2 certificate and cannot be a CA';
  if (!cert.basicConstraints) return 'has no basicConstraints extension, so it is not a CA';
  if (!cert.basicConstraints.ca) return 'has basicConstraints cA=FALSE, so it is not a CA';
  if (cert.keyUsage && !cert.keyUsage.includes('keyCertSign')) return 'has a keyUsage without keyCertSign';
  return undefined;
}

export function basicConstraintsStep(ctx: PathContext): VerifyIssue[] {
  const out: VerifyIssue[] = [];
  const { chain, anchor } = ctx;
  const n = chain.length;
  const a = anchor.cert;
  const anchorIsTarget = n === 1 && sameCert(a, chain[0] as Certificate);

  // The anchor issues chain[0]. A version 1 root carries no extensions and is accepted as an anchor
  // (RFC 5280 §6.1: the anchor is an input, not a path certificate); a v3 one must say it is a CA.
  if (!anchorIsTarget && a.version >= 3) {
    const why = notCaReason(a);
    if (why) out.push(issue('NOT_CA', certLabel(a), `trust anchor ${why}`));
  }

  // §6.1.2 (k): max_path_length starts at n; RFC 5937 lets the anchor lower it.
  let maxPathLen = n;
  const limit = anchor.constraints?.maxPathLen;
  if (limit !== undefined && limit < maxPathLen) maxPathLen = limit;
  const anchorPathLen = a.basicConstraints?.pathLen;
  if (!anchorIsTarget && anchorPathLen !== undefined && anchorPathLen < maxPathLen) maxPathLen = anchorPathLen;

  for (let i = 0; i < n - 1; i++) {
    const cert = chain[i] as Certificate;
    const label = certLabel(cert);
    const why = notCaReason(cert);
    if (why) out.push(issue('NOT_CA', label, `issuer of "${certLabel(chain[i + 1] as Certificate)}" ${why}`));
    // §6.1.4 (l): self-issued intermediates do not count toward the path length.
    if (!isSelfIssued(cert)) {
      if (maxPathLen <= 0) {
        out.push(issue('PATH_LEN', label, 'path length constraint exceeded: no further intermediate CA may appear here'));
      } else {
        maxPathLen--;
      }
    }
    // §6.1.4 (m)
    const pl = cert.basicConstraints?.pathLen;
    if (pl !== undefined && pl < maxPathLen) maxPathLen = pl;
  }
  return out;
}
