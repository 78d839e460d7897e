// `writ oscal component-definition`: writes writ's OSCAL 1.2.3 component-definition (NIST SP 800-53 Rev 5 controls) as JSON.
import { randomUUID } from 'node:crypto';
import pkg from '../../../../package.json';
import { WritError } from '../../../core/errors.js';
import { buildComponentDefinition, controlLabel, deterministicUuids } from '../../../core/compliance/oscal.js';
import { CONTROL_CLAIMS } from '../../../core/compliance/controls.js';
import type { Ctx, CommandResult } from '../../context.js';
import { checkWritable, writeFileAtomic } from '../../io.js';

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const out = opts.out as string | undefined;
  if (out) checkWritable(out, Boolean(opts.force));
  let now = ctx.now();
  if (typeof opts.at === 'string') {
    now = new Date(opts.at);
    if (Number.isNaN(now.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(opts.at)) throw new WritError('USAGE', `--at: not an RFC 3339 time: ${opts.at}`);
  }
  const uuid = typeof opts.uuidSeed === 'string' ? deterministicUuids(opts.uuidSeed) : () => randomUUID();
  const doc = buildComponentDefinition({ version: pkg.version, now, uuid });
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  const controls = CONTROL_CLAIMS.map((c) => c.id);
  const summary = { controls: controls.length, controlIds: controls, oscalVersion: '1.2.3' };
  if (out) {
    writeFileAtomic(out, text, { force: Boolean(opts.force) });
    return {
      text: `wrote ${out}: OSCAL 1.2.3 component-definition, ${controls.length} controls (${CONTROL_CLAIMS.map((c) => controlLabel(c.id)).join(', ')})`,
      data: { out, ...summary },
    };
  }
  return { text: text.trimEnd(), data: { ...summary, document: doc } };
}
