// `writ federation import`: verifies a signed agreement, withdrawal or crossing approval against this enclave's trust store and, only then, stores it (audited either way).
import { decodeSignedDocument } from '../../../core/policy/signed.js';
import { importSignedDocument } from '../../../enclave/store.js';
import { LAYERS } from '../../../core/policy/agreement.js';
import { readFileLimited } from '../../io.js';
import type { Ctx, CommandResult } from '../../context.js';
import { auditAgreement, withEnclave } from './_enclave.js';

export async function run(ctx: Ctx, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const file = args[0] as string;
  const bytes = readFileLimited(file);
  return withEnclave(ctx, opts, { event: 'import', details: { file: file.slice(-200) } }, (e) => {
    const kind = decodeSignedDocument(bytes).kind;
    const r = importSignedDocument(e.paths, e.policy, bytes, { self: e.profile.identity, trust: e.trust, crossingAuthorities: e.crossingAuthorities });
    let text: string;
    if (r.agreement) {
      const a = r.agreement.agreement;
      auditAgreement(e, a, { event: 'import', decision: 'allow', digests: { agreement: r.digest }, details: { kind, complete: r.complete === true } });
      text = `imported agreement ${a.id} (${r.complete ? 'signed by both parties: in force' : 'signed by one party: not yet in force'}); layers ${LAYERS.filter((l) => a.layers[l]).join(', ')}`;
    } else if (r.withdrawal) {
      const a = e.policy.agreements.find((x) => x.agreement.id === r.id)?.agreement;
      if (a) auditAgreement(e, a, { event: 'import', decision: 'allow', digests: { withdrawal: r.digest }, details: { kind, by: r.withdrawal.withdrawal.by } });
      else e.audit.append({ event: 'import', decision: 'allow', subject: r.id, peer: r.withdrawal.withdrawal.by, digests: { withdrawal: r.digest }, details: { kind } });
      text = `imported withdrawal of agreement ${r.id} by ${r.withdrawal.withdrawal.by}: every later flow under it is refused`;
    } else {
      const c = r.crossing!.crossing;
      e.audit.append({ event: 'import', decision: 'allow', subject: c.id, peer: c.sender === e.profile.identity ? c.recipient : c.sender, digests: { crossing: r.digest }, details: { kind, scope: c.scope, from: c.direction.from, to: c.direction.to } });
      text = `imported crossing ${c.id}: ${c.sender} -> ${c.recipient}, scope ${c.scope}, until ${c.notAfter}`;
    }
    ctx.note(`stored ${r.file}`);
    return { text, data: { kind, id: r.id, digest: r.digest, file: r.file, ...(r.complete !== undefined ? { complete: r.complete } : {}) } };
  });
}
