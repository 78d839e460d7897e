// `writ envelope query`: seal a query envelope naming a query shape the agreement's models layer allows (parameters checked against its JSON Schema).
import { WritError } from '../../../core/errors.js';
import type { Ctx, CommandResult } from '../../context.js';
import { loadLocal, readRecordsFile } from './common.js';
import { parseParams, sealWith } from './seal.js';

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  for (const o of ['to', 'agreement', 'scope', 'out', 'queryShape'] as const) {
    if (typeof opts[o] !== 'string') throw new WritError('USAGE', `--${o === 'queryShape' ? 'query-shape' : o} is required`);
  }
  const params = parseParams(opts.params);
  const { enclave, local } = await loadLocal(ctx, opts.as, opts.passFile, { noKem: true });
  try {
    const records = typeof opts.records === 'string' ? readRecordsFile(opts.records) : undefined;
    return sealWith(ctx, enclave, local, opts, { kind: 'query', ...(records ? { records } : {}), query: { shape: opts.queryShape as string, params } });
  } finally {
    enclave.wipe();
  }
}
