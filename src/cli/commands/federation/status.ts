// `writ federation status`: what this enclave shares, with whom, on which layers, and in what state (in force, pending, withdrawn, expired).
import { agreementActive, isWithdrawn, LAYERS } from '../../../core/policy/agreement.js';
import { levelName } from '../../../core/policy/levels.js';
import type { Ctx, CommandResult } from '../../context.js';
import { openEnclave } from './_enclave.js';
import { verifyAuditDir } from '../../../enclave/audit.js';

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const e = await openEnclave(ctx, opts);
  try {
    const now = ctx.now();
    const agreements = e.policy.agreements.map((v) => {
      const a = v.agreement;
      const w = isWithdrawn(e.policy, a.id);
      const state = w ? 'withdrawn' : !v.complete ? 'pending' : agreementActive(a, now) ? 'in-force' : now.getTime() < Date.parse(a.notBefore) ? 'not-yet' : 'expired';
      return {
        id: a.id,
        peer: a.parties.find((p) => p !== e.profile.identity) ?? '',
        state,
        layers: LAYERS.filter((l) => a.layers[l]),
        scopes: a.scopes,
        levels: a.levels.map((l) => levelName(l) ?? l),
        queryShapes: a.queryShapes.map((q) => q.id),
        notBefore: a.notBefore,
        notAfter: a.notAfter,
        signedBy: v.signedBy,
        ...(w ? { withdrawnBy: w.withdrawal.by, withdrawnAt: w.withdrawal.time } : {}),
      };
    });
    const crossings = e.policy.crossings.map((x) => ({
      id: x.crossing.id,
      sender: x.crossing.sender,
      recipient: x.crossing.recipient,
      scope: x.crossing.scope,
      from: levelName(x.crossing.direction.from) ?? x.crossing.direction.from,
      to: levelName(x.crossing.direction.to) ?? x.crossing.direction.to,
      notAfter: x.crossing.notAfter,
      authority: x.authority,
    }));
    const audit = verifyAuditDir(e.paths, { enclave: e.profile.identity, signers: [e.signingCert] });
    const lines = [
      `enclave ${e.profile.identity} (${e.profile.levelName ?? e.profile.level})`,
      agreements.length ? 'agreements:' : 'agreements: none (nothing is shared)',
      ...agreements.map((a) => `  ${a.id}  ${a.state.padEnd(9)}  ${a.peer}  layers ${a.layers.join(',')}  scopes ${a.scopes.join(',')}  levels ${a.levels.join(',')}  until ${a.notAfter}`),
      crossings.length ? 'crossings:' : 'crossings: none',
      ...crossings.map((x) => `  ${x.id}  ${x.sender} -> ${x.recipient}  ${x.scope}  ${x.from} -> ${x.to}  until ${x.notAfter}`),
      `audit: ${audit.entries} entries, ${audit.checkpoints} checkpoints, ${audit.ok ? 'verifies' : `BROKEN (${audit.errors.map((x) => x.code).join(', ')})`}`,
    ];
    return {
      text: lines.join('\n'),
      data: { enclave: e.profile, agreements, crossings, audit: { ok: audit.ok, entries: audit.entries, checkpoints: audit.checkpoints, unsealed: audit.unsealed } },
    };
  } finally {
    e.wipe();
  }
}
