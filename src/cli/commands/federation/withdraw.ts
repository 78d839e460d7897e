// `writ federation withdraw`: signs a withdrawal notice (CMS, RFC 5652/9882) for an agreement; it takes effect here at once and at the peer when imported.
import { WritError } from '../../../core/errors.js';
import { makeWithdrawal } from '../../../core/policy/withdrawal.js';
import { encodeSignedDocument } from '../../../core/policy/signed.js';
import { importSignedDocument } from '../../../enclave/store.js';
import { checkWritable, writeFileAtomic } from '../../io.js';
import type { Ctx, CommandResult } from '../../context.js';
import { auditAgreement, withEnclave } from './_enclave.js';

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const out = opts.out as string;
  const id = opts.agreement as string;
  checkWritable(out, Boolean(opts.force));
  return withEnclave(ctx, opts, { event: 'withdraw', subject: id }, (e) => {
    const v = e.policy.agreements.find((a) => a.agreement.id === id);
    if (!v) throw new WritError('REFUSED_NO_AGREEMENT', `agreement ${id} is not in ${e.paths.agreementsDir}`);
    const now = ctx.now();
    const w = makeWithdrawal(v.agreement, {
      party: e.profile.identity,
      signer: e.signer,
      cert: e.signingCert,
      chain: e.chain.slice(1).map((c) => c.der),
      now,
      ...(opts.reason ? { reason: String(opts.reason) } : {}),
    });
    const text = encodeSignedDocument(w);
    const r = importSignedDocument(e.paths, e.policy, new TextEncoder().encode(text), { self: e.profile.identity, trust: e.trust, crossingAuthorities: e.crossingAuthorities });
    writeFileAtomic(out, text, { force: Boolean(opts.force) });
    auditAgreement(e, v.agreement, { event: 'withdraw', decision: 'record', digests: { withdrawal: r.digest } });
    const peer = v.agreement.parties.find((p) => p !== e.profile.identity);
    ctx.note(`wrote ${out}: withdrawal of ${id}; refused here from now on, and at ${peer} as soon as it imports the notice`);
    return { text: `withdrew ${id}`, data: { file: out, agreementId: id, digest: r.digest, by: e.profile.identity, time: w.body.time } };
  });
}
