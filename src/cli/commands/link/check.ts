// `writ link check --as DIR --peer PEER_DIR`: the loopback mutual-TLS 1.3 proof of a post-quantum link (issue 5), X25519MLKEM768 only, chains judged by writ's verifier.
import * as path from 'node:path';
import { WritError } from '../../../core/errors.js';
import { levelName } from '../../../core/policy/levels.js';
import type { Ctx, CommandResult } from '../../context.js';
import { EXIT } from '../../exit.js';
import { parseRfc3339 } from '../verify/chain.js';
import { loadLinkSide, type LinkSide } from '../../../link/identity.js';
import { requireLinkSupport } from '../../../link/platform.js';
import { runLinkCheck, type LinkReport, type SideReport } from '../../../link/check.js';

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const as = opts.as as string | undefined;
  const peerDir = opts.peer as string | undefined;
  if (!as || !peerDir) throw new WritError('USAGE', 'give both enclave directories: --as DIR --peer PEER_DIR');
  // Say "this Node cannot" before touching any file or key.
  requireLinkSupport();
  const now = opts.at ? parseRfc3339(opts.at as string) : ctx.now();
  const sides: LinkSide[] = [];
  try {
    sides.push(await loadLinkSide(as, { note: ctx.note, ...(opts.passFile ? { passFile: opts.passFile as string } : {}) }));
    sides.push(await loadLinkSide(peerDir, { note: ctx.note, ...(opts.peerPassFile ? { passFile: opts.peerPassFile as string } : {}) }));
    if (path.resolve(as) === path.resolve(peerDir)) ctx.note('writ: note: --as and --peer name the same enclave; the check still runs both sides');
    const r = await runLinkCheck(sides[0]!, sides[1]!, { now });
    return {
      text: linkText(r),
      data: { report: r, ...(r.refusal ? { error: { code: r.refusal.code, message: `${r.refusal.by} refused: ${r.refusal.message}` } } : {}) },
      ...(r.ok ? {} : { exitCode: EXIT.FAILED }),
    };
  } finally {
    sides.forEach((s) => s.wipe());
  }
}

function proved(s: SideReport): string {
  const p = s.proved;
  if (!s.checked) return 'not judged: the link ended first';
  if (!p.ok) return `NOT PROVED (${s.errors.map((e) => e.code).join(', ') || 'no chain'})`;
  return `${p.identity ?? '?'}  (enclave ${p.enclave ?? '?'}, region ${p.region ?? '?'}, level ${p.levelName ?? (p.level ? levelName(p.level) ?? p.level : '?')})`;
}

/** The human report. */
export function linkText(r: LinkReport): string {
  const lines = [
    `link check: ${r.ok ? 'OK' : 'REFUSED'}  (loopback ${r.address}, verified at ${r.verifiedAt})`,
    `  protocol  ${r.protocol ?? '-'}`,
    `  group     ${r.group ?? '-'}${r.group === r.requiredGroup ? '' : `  (required ${r.requiredGroup})`}`,
    `  cipher    ${r.cipher ?? '-'}`,
    `  client    ${proved(r.self)}`,
    `            ${r.self.dir}, judged against the trust store of ${r.peer.enclave}`,
    `  server    ${proved(r.peer)}`,
    `            ${r.peer.dir}, judged against the trust store of ${r.self.enclave}`,
    `  runtime   Node ${r.node}, OpenSSL ${r.openssl}`,
  ];
  if (r.refusal) lines.push(`refused by the ${r.refusal.by}: ${r.refusal.message} [${r.refusal.code}]`);
  return lines.join('\n');
}
