// `writ envelope answer`: open a query envelope (every open check but replay) and seal the answer, bound to the SHA-512 of the query's SignedData.
//
// The answer goes back to the querier only: the --to KEM certificate must belong to the enclave that
// signed the query (IDENTITY otherwise). Agreement, scope and level default to the query's.
import { WritError } from '../../../core/errors.js';
import { verifyRecipient } from '../../../core/envelope/envelope.js';
import { enclaveIdOf } from '../../../core/policy/signed.js';
import type { Ctx, CommandResult } from '../../context.js';
import { iso, loadLocal, readEnvelopeFile, readRecordsFile, recipientCerts } from './common.js';
import { openWith } from './open.js';
import { defaultGuardianship, sealWith } from './seal.js';

export async function run(ctx: Ctx, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  for (const o of ['to', 'out', 'records'] as const) if (typeof opts[o] !== 'string') throw new WritError('USAGE', `--${o} is required`);
  const { der, digest } = readEnvelopeFile(args[0]);
  const { enclave, local } = await loadLocal(ctx, opts.as, opts.passFile);
  try {
    const q = openWith(ctx, enclave, local, der, digest, { allowOpened: true, event: 'answer' });
    if (q.header.kind !== 'query' || !q.query) throw new WritError('USAGE', `${args[0]} is a ${q.header.kind} envelope, not a query`);
    const to = recipientCerts(opts);
    const rv = verifyRecipient(to.cert, to.chain, local.trust, ctx.now());
    if (enclaveIdOf(rv.identity!) !== q.header.sender) throw new WritError('IDENTITY', `the answer must go to the querier ${q.header.sender}, not to ${enclaveIdOf(rv.identity!)}`);
    // A query answered without an explicit open is marked opened now, so it cannot be opened again later.
    if (!enclave.replay.has(q.header.envelopeId)) enclave.replay.record({ id: q.header.envelopeId, time: iso(ctx.now()), sender: q.header.sender, digest });
    const merged = { ...opts, agreement: opts.agreement ?? q.header.agreementId, scope: opts.scope ?? q.header.scope };
    const r = sealWith(ctx, enclave, local, merged, {
      kind: 'answer',
      records: readRecordsFile(opts.records as string, defaultGuardianship(opts)),
      answerTo: { queryHash: q.signedHash, shape: q.query.shape },
    });
    return { text: `answering query ${q.header.envelopeId} (shape ${q.query.shape}, parameters ${JSON.stringify(q.query.params)})\n${r.text}`, data: { ...r.data, answers: { envelopeId: q.header.envelopeId, queryHash: q.signedHash, params: q.query.params } } };
  } finally {
    enclave.wipe();
  }
}
