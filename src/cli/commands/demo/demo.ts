// `writ demo`: runs src/demo (the seeded story so far) and prints its ten-second summary.
import type { Ctx, CommandResult } from '../../context.js';
import { EXIT } from '../../exit.js';
import { demoText, pkiSummary, runDemo } from '../../../demo/demo.js';

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const r = await runDemo(opts.out as string, Boolean(opts.force), ctx.note);
  // --json never carries key material: `ceremonies.external` holds the regional CAs' signers and seeds
  // (they sign the fixture PKI in memory); it printed both seeds in hex before (issue 8 secret scan).
  const { external: _keys, ...ceremonies } = r.ceremonies;
  // A story that does not come out as told is a bug in writ, not a verification result.
  return { text: demoText(r, pkiSummary()), data: { ...r, ceremonies }, exitCode: r.allAsExpected ? EXIT.OK : EXIT.INTERNAL };
}
