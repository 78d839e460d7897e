// Step 5, key usage: the leaf's extKeyUsage must allow the requested purpose (RFC 5280 §4.2.1.12) and its
// keyUsage the requested uses (§4.2.1.3). Issuers' keyCertSign is checked with basic constraints, cRLSign
// with revocation.
import type { PathContext } from './context.js';
import type { VerifyIssue } from './types.js';
import { EKU } from '../asn1/oids.js';
import { certLabel, issue } from './util.js';

export const ANY_EXTENDED_KEY_USAGE = EKU.any;

/** Well-known purposes by short name, so callers may pass "serverAuth" as well as the OID. */
export const EKU_OIDS: Readonly<Record<string, string>> = {
  serverAuth: EKU.serverAuth,
  clientAuth: EKU.clientAuth,
  codeSigning: EKU.codeSigning,
  emailProtection: EKU.emailProtection,
  timeStamping: EKU.timeStamping,
  OCSPSigning: EKU.ocspSigning,
};

export function keyUsageStep(ctx: PathContext): VerifyIssue[] {
  const out: VerifyIssue[] = [];
  const leaf = ctx.chain[ctx.chain.length - 1];
  if (!leaf) return out;
  const label = certLabel(leaf);
  const eku = leaf.extKeyUsage;
  // §4.2.1.12: KeyPurposeId SEQUENCE SIZE (1..MAX); an empty one allows nothing.
  if (eku !== undefined && eku.length === 0) out.push(issue('EKU', label, 'extKeyUsage is present but empty'));
  const want = ctx.options.purpose;
  if (want !== undefined && eku !== undefined && eku.length > 0) {
    const oid = EKU_OIDS[want] ?? want;
    if (!eku.includes(oid) && !eku.includes(ANY_EXTENDED_KEY_USAGE)) {
      out.push(issue('EKU', label, `extKeyUsage (${eku.join(', ')}) does not allow ${want}`));
    }
  }
  const uses = ctx.options.keyUsage;
  if (uses && leaf.keyUsage) {
    const missing = uses.filter((u) => !leaf.keyUsage?.includes(u));
    if (missing.length > 0) out.push(issue('KEY_USAGE', label, `keyUsage does not allow ${missing.join(', ')}`));
  }
  return out;
}
