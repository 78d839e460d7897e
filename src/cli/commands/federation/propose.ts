// `writ federation propose`: builds an agreement (RFC 8785 body) and signs it as this enclave (CMS, RFC 5652/9882), writing the half-signed document for the peer to countersign.
import * as fs from 'node:fs';
import { WritError } from '../../../core/errors.js';
import { LAYERS, makeAgreement, signAgreement, type Layer, type QueryShape } from '../../../core/policy/agreement.js';
import { bodyDigest, encodeSignedDocument, enclaveIdOf, type TrustContext } from '../../../core/policy/signed.js';
import { verify } from '../../../core/verify/verify.js';
import { importSignedDocument } from '../../../enclave/store.js';
import { readCerts } from '../../load.js';
import { checkWritable, readFileLimited, writeFileAtomic } from '../../io.js';
import type { Ctx, CommandResult } from '../../context.js';
import { auditAgreement, listOpt, parseWhen, withEnclave } from './_enclave.js';
import { MAX_SCHEMA_FILE_BYTES } from '../../../core/limits.js';

/** --peer: a SPIFFE id, or a file with the peer's gateway signing certificate (+ chain), verified against our trust store. */
function peerIdentity(peer: string, e: { trust: TrustContext }): string {
  if (peer.startsWith('spiffe://')) return enclaveIdOf(peer);
  if (!fs.existsSync(peer)) throw new WritError('USAGE', `--peer ${peer}: neither a SPIFFE id nor a certificate file`);
  const certs = readCerts(peer);
  const leaf = certs[0]!;
  const v = verify({ leaf, untrusted: certs.slice(1), ...(e.trust.crls ? { crls: e.trust.crls } : {}) }, e.trust.anchors, { now: e.trust.now });
  if (!v.ok || !v.identity) {
    const first = v.errors[0];
    throw new WritError(first?.code ?? 'NO_PATH', `--peer ${peer}: the certificate does not verify against this enclave's trust store${first ? `: ${first.message}` : ''}`);
  }
  return enclaveIdOf(v.identity);
}

function queryShapes(v: unknown): QueryShape[] {
  return listOpt(v).map((s) => {
    const i = s.indexOf('=');
    if (i <= 0) throw new WritError('USAGE', `--query-shape ${s}: use ID=SCHEMA.json`);
    const id = s.slice(0, i);
    const file = s.slice(i + 1);
    let schema: unknown;
    try {
      schema = JSON.parse(new TextDecoder().decode(readFileLimited(file, MAX_SCHEMA_FILE_BYTES, 'MAX_SCHEMA_FILE_BYTES')));
    } catch (err) {
      if (err instanceof WritError) throw err;
      throw new WritError('PARSE', `${file}: not JSON`, { cause: err });
    }
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new WritError('USAGE', `${file}: a JSON Schema must be an object`);
    return { id, schema: schema as Record<string, unknown> };
  });
}

export async function run(ctx: Ctx, _args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const out = opts.out as string;
  checkWritable(out, Boolean(opts.force));
  const layers = listOpt(opts.layers);
  for (const l of layers) if (!(LAYERS as readonly string[]).includes(l)) throw new WritError('USAGE', `--layers: unknown layer "${l}" (use ${LAYERS.join(', ')})`);
  const now = ctx.now();
  return withEnclave(ctx, opts, { event: 'propose' }, (e) => {
    const peer = peerIdentity(opts.peer as string, e);
    const agreement = makeAgreement({
      parties: [e.profile.identity, peer],
      layers: layers as Layer[],
      scopes: listOpt(opts.scope),
      queryShapes: queryShapes(opts.queryShape),
      levels: listOpt(opts.level),
      notBefore: opts.notBefore ? parseWhen(opts.notBefore, now, '--not-before') : now,
      notAfter: parseWhen(opts.notAfter, now, '--not-after'),
    });
    const signed = signAgreement(agreement, { party: e.profile.identity, signer: e.signer, cert: e.signingCert, chain: e.chain.slice(1).map((c) => c.der), signingTime: now });
    const text = encodeSignedDocument(signed);
    writeFileAtomic(out, text, { force: Boolean(opts.force) });
    importSignedDocument(e.paths, e.policy, new TextEncoder().encode(text), { self: e.profile.identity, trust: e.trust, crossingAuthorities: e.crossingAuthorities });
    const digest = bodyDigest(agreement);
    auditAgreement(e, agreement, { event: 'propose', decision: 'record', digests: { agreement: digest } });
    ctx.note(`wrote ${out}: agreement ${agreement.id} signed by ${e.profile.identity}; send it to ${peer} to countersign`);
    return {
      text: `${agreement.id}\nproposed to ${peer}; layers ${LAYERS.filter((l) => agreement.layers[l]).join(', ')}; valid ${agreement.notBefore} .. ${agreement.notAfter}`,
      data: { file: out, agreement, digest, signedBy: [e.profile.identity], complete: false },
    };
  });
}
