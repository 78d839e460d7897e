// `writ trust check` (issue 5): verifies a certificate chain against the enclave's trust store, partner anchors with their RFC 5937 constraints included.
import { levelOid } from '../../../core/policy/levels.js';
import { verify } from '../../../core/verify/verify.js';
import type { Ctx, CommandResult } from '../../context.js';
import { clock } from '../enclave/_time.js';
import { readCert, readCerts, readCrls } from '../../load.js';
import { verifyJson, verifyText } from '../../render.js';
import { publicTrust } from './_store.js';

export function run(ctx0: Ctx, args: string[], opts: Record<string, unknown>): CommandResult {
  const ctx = clock(ctx0, opts);
  const t = publicTrust(opts.as as string | undefined);
  const leaf = readCert(args[0] as string);
  const untrusted = ((opts.untrusted as string[] | undefined) ?? []).flatMap((f) => readCerts(f));
  const crls = [...t.crls, ...((opts.crl as string[] | undefined) ?? []).flatMap((f) => readCrls(f))];
  const r = verify({ leaf, untrusted, crls }, t.anchors, {
    now: ctx.now(),
    ...(opts.level ? { level: levelOid(opts.level as string) } : {}),
    ...(opts.identity ? { identity: opts.identity as string } : {}),
  });
  return { text: verifyText(r), data: verifyJson(r), ...(r.ok ? {} : { exitCode: 1 }) };
}
