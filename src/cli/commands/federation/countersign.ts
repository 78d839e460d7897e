// `writ federation countersign`: verifies a proposed agreement against this enclave's trust store and adds this enclave's CMS signature (RFC 5652/9882).
import { WritError } from '../../../core/errors.js';
import { signAgreement, verifyAgreement, type SignedAgreement } from '../../../core/policy/agreement.js';
import { decodeSignedDocument, encodeSignedDocument } from '../../../core/policy/signed.js';
import { importSignedDocument } from '../../../enclave/store.js';
import { checkWritable, readFileLimited, writeFileAtomic } from '../../io.js';
import type { Ctx, CommandResult } from '../../context.js';
import { auditAgreement, withEnclave } from './_enclave.js';

export async function run(ctx: Ctx, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const file = args[0] as string;
  const out = opts.out as string;
  checkWritable(out, Boolean(opts.force));
  const bytes = readFileLimited(file);
  return withEnclave(ctx, opts, { event: 'countersign', details: { file: file.slice(-200) } }, (e) => {
    const doc = decodeSignedDocument(bytes);
    if (doc.kind !== 'writ-agreement') throw new WritError('USAGE', `${file} is a ${doc.kind}, not an agreement`);
    const v = verifyAgreement(doc, e.trust);
    const a = v.agreement;
    if (!a.parties.includes(e.profile.identity)) throw new WritError('IDENTITY', `agreement ${a.id} is between ${a.parties.join(' and ')}, not with ${e.profile.identity}`);
    if (v.signedBy.includes(e.profile.identity)) throw new WritError('USAGE', `agreement ${a.id} is already signed by ${e.profile.identity}`);
    const signed = signAgreement({ type: 'writ-signed', body: a, signatures: doc.signatures } as SignedAgreement, {
      party: e.profile.identity,
      signer: e.signer,
      cert: e.signingCert,
      chain: e.chain.slice(1).map((c) => c.der),
      signingTime: ctx.now(),
    });
    const text = encodeSignedDocument(signed);
    const imported = importSignedDocument(e.paths, e.policy, new TextEncoder().encode(text), { self: e.profile.identity, trust: e.trust, crossingAuthorities: e.crossingAuthorities });
    writeFileAtomic(out, text, { force: Boolean(opts.force) });
    auditAgreement(e, a, { event: 'countersign', decision: 'allow', digests: { agreement: v.digest } });
    const peer = a.parties.find((p) => p !== e.profile.identity);
    ctx.note(`wrote ${out}: agreement ${a.id} now signed by both parties; give it back to ${peer} to import`);
    return { text: `${a.id}\nsigned by ${a.parties.join(' and ')}`, data: { file: out, agreement: a, digest: v.digest, signedBy: a.parties, complete: imported.complete === true } };
  });
}
