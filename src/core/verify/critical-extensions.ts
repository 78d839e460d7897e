// Critical extensions: a certificate with a critical extension we do not process is rejected
// (RFC 5280 §4.2, §6.1.4 (o), §6.1.5 (f)); the trust anchor's certificate is held to the same rule.
import type { PathContext } from './context.js';
import type { VerifyIssue } from './types.js';
import { certLabel, issue, sameCert } from './util.js';

export function criticalExtensionsStep(ctx: PathContext): VerifyIssue[] {
  const out: VerifyIssue[] = [];
  const certs = ctx.chain.some((c) => sameCert(c, ctx.anchor.cert)) ? ctx.chain : [...ctx.chain, ctx.anchor.cert];
  for (const c of certs) {
    if (c.unhandledCritical.length > 0) {
      out.push(issue('CRITICAL_EXTENSION', certLabel(c), `unrecognised critical extension(s): ${c.unhandledCritical.join(', ')}`));
    }
  }
  return out;
}
