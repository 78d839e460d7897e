// `writ trust list` (issue 5): the enclave's own anchors and its constrained partner anchors, after checking the store's signature.
import type { Ctx, CommandResult } from '../../context.js';
import { anchorSummary } from '../../../enclave/trust.js';
import { publicTrust } from './_store.js';

export function run(_ctx: Ctx, _args: string[], opts: Record<string, unknown>): CommandResult {
  const t = publicTrust(opts.as as string | undefined);
  const partners = t.store.anchors.map(anchorSummary);
  const lines = [`${t.config.identity}: ${t.own.length} own anchor(s), ${partners.length} constrained partner anchor(s), store version ${t.store.version}`];
  for (const c of t.own) lines.push(`  own      ${c.subject.text}`);
  for (const a of partners) {
    lines.push(`  partner  ${String(a.id)}  ${String(a.label)}  uris ${(a.permittedUris as string[]).join(',')}  levels ${(a.levels as string[]).join(',')}${a.maxPathLen !== undefined ? `  max path ${String(a.maxPathLen)}` : ''}`);
  }
  return { text: lines.join('\n'), data: { enclave: t.config.identity, version: t.store.version, own: t.own.map((c) => c.subject.text), partners } };
}
