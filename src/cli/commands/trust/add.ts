// `writ trust add` (issue 5): admits a partner root as an RFC 5937 constrained trust anchor (names, levels, path length) into the enclave's signed store.
import { WritError } from '../../../core/errors.js';
import type { Ctx, CommandResult } from '../../context.js';
import { clock } from '../enclave/_time.js';
import { readCerts } from '../../load.js';
import { loadEnclave } from '../../../enclave/layout.js';
import { addAnchor, anchorSummary, writeTrustStore } from '../../../enclave/trust.js';
import { publicTrust } from './_store.js';

export async function run(ctx0: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const ctx = clock(ctx0, opts);
  const dir = opts.as as string;
  const certs = readCerts(opts.anchor as string);
  if (certs.length !== 1) throw new WritError('USAGE', `${opts.anchor as string} holds ${certs.length} certificates; give exactly one partner root`);
  const t = publicTrust(dir); // refuses an edited store before anything is signed over it
  const levels = ((opts.levels as string[] | undefined) ?? []).flatMap((l) => l.split(',')).filter(Boolean);
  const uris = ((opts.permitUri as string[] | undefined) ?? []).flatMap((u) => u.split(',')).filter(Boolean);
  const now = ctx.now();
  const { body, anchor } = addAnchor(
    t.store,
    { cert: certs[0]!, permittedUris: uris, levels, now, ...(opts.maxPath !== undefined ? { maxPathLen: opts.maxPath as number } : {}), ...(opts.label ? { label: opts.label as string } : {}) },
    t.own,
  );
  const e = await loadEnclave(dir, { now, rng: ctx.rng, note: ctx.note, noKem: true, ...(opts.passFile ? { passFile: opts.passFile as string } : {}) });
  try {
    writeTrustStore(e.paths.partners, body, { signer: e.signer, cert: e.signingCert, chain: e.chain.slice(1).map((c) => c.der), now });
    e.audit.append({ event: 'import', decision: 'allow', subject: `partner-anchor:${anchor.id}`, digests: { anchor: anchor.sha256 }, details: { uris: anchor.permittedUris.join(',').slice(0, 200), version: body.version } });
  } finally {
    e.wipe();
  }
  const s = anchorSummary(anchor);
  return {
    text: `added partner anchor ${anchor.id} (${anchor.label}): uris ${anchor.permittedUris.join(', ')}; levels ${(s.levels as string[]).join(', ')}${anchor.maxPathLen !== undefined ? `; max path ${anchor.maxPathLen}` : ''}\nstore version ${body.version}, signed by ${e.profile.gateway}`,
    data: { anchor: s, version: body.version },
  };
}
