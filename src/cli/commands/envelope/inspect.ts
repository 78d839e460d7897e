// `writ envelope inspect`: show an envelope's recipients, algorithms and sizes without decrypting (RFC 5083 / RFC 9629 outline); with --as, also the decrypted, signed header and manifest.
//
// --as decrypts with the enclave's KEM key and checks the inner CMS signature, but runs no federation
// policy and writes nothing (no replay entry, no audit entry, no records): it is a look, not an open.
import { WritError } from '../../../core/errors.js';
import { describeEnveloped, openEnveloped } from '../../../core/cms/enveloped.js';
import { verifyCms } from '../../../core/cms/signed-data.js';
import { CMS_OID } from '../../../core/cms/common.js';
import { decodeHeader, headerJson } from '../../../core/envelope/header.js';
import { levelLabel } from '../../../core/envelope/envelope.js';
import { ENVELOPE_OIDS } from '../../../core/policy/levels.js';
import type { Ctx, CommandResult } from '../../context.js';
import { loadLocal, readEnvelopeFile } from './common.js';

type Outline = ReturnType<typeof describeEnveloped>;

function outlineText(o: Outline, bytes: number, sha512: string): string[] {
  const lines = [
    `${o.structure}, ${bytes} bytes, SHA-512 ${sha512.slice(0, 32)}…`,
    `  content encryption: ${o.contentEncryption}, ${o.encryptedContentLength} bytes of ${o.contentType === CMS_OID.signedData ? 'signedData' : o.contentType}`,
    `  authenticated attributes: ${o.authAttributes.length}`,
  ];
  o.recipients.forEach((r, i) => {
    if (r.type === 'kem') {
      lines.push(`  recipient ${i + 1}: KEMRecipientInfo ${r.kem ?? '?'}, ${r.kdf ?? '?'}, ${r.wrap ?? '?'}, kekLength ${r.kekLength ?? '?'}${r.ukmLength ? `, ukm ${r.ukmLength} B` : ''}`, `    recipient id ${r.rid ?? '?'}`);
    } else lines.push(`  recipient ${i + 1}: ${r.type}`);
  });
  return lines;
}

/**
 * A payload envelope (envelope seal --payload) may be far larger than the in-memory limit: its outline
 * comes from the streamed head and trailer, and its SHA-512 from one streamed read. Its header sits in
 * the encrypted stream, after the payload: only `envelope open --out` decrypts and checks it.
 */
async function inspectPayload(file: string, opts: Record<string, unknown>): Promise<CommandResult | undefined> {
  const { peekPayloadEnvelope, sha512File } = await import('../../../stream/payload-file.js');
  const peek = peekPayloadEnvelope(file);
  if (!peek) return undefined;
  const { describePayloadEnvelope } = await import('../../../core/envelope/payload.js');
  const outline = describePayloadEnvelope(peek.head, peek.tail);
  const digest = sha512File(file);
  const text = outlineText(outline, peek.size, digest);
  const hint = `a payload envelope: its header and signature follow the payload inside the encryption; \`writ envelope open ${file} --as ENCLAVE_DIR --out FILE\` decrypts and checks everything before it writes the payload`;
  text.push(`  (${hint}${opts.as === undefined ? '' : '; --as shows nothing more here'})`);
  return {
    text: text.join('\n'),
    data: { file, bytes: peek.size, sha512: digest, payloadEnvelope: true, outline: { ...outline, authAttributes: outline.authAttributes.map((a) => a.oid) } },
  };
}

export async function run(ctx: Ctx, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  if (typeof args[0] === 'string') {
    const payload = await inspectPayload(args[0], opts);
    if (payload) return payload;
  }
  const { der, digest } = readEnvelopeFile(args[0]);
  const outline = describeEnveloped(der);
  const text = outlineText(outline, der.length, digest);
  const data: Record<string, unknown> = {
    file: args[0],
    bytes: der.length,
    sha512: digest,
    outline: { ...outline, authAttributes: outline.authAttributes.map((a) => a.oid) },
  };
  if (opts.as === undefined) {
    text.push('  (the header is inside the encrypted SignedData: use --as ENCLAVE_DIR as the recipient to show it)');
    return { text: text.join('\n'), data };
  }
  const { enclave } = await loadLocal(ctx, opts.as, opts.passFile);
  try {
    let inner: ReturnType<typeof openEnveloped>;
    try {
      inner = openEnveloped(der, { alg: enclave.kem.alg, privateKey: enclave.kem.privateKey, cert: enclave.kem.cert });
    } catch (e) {
      throw new WritError('DECRYPT', `the envelope does not decrypt with the KEM key of ${enclave.profile.identity}`, { cause: e });
    }
    if (inner.contentType !== CMS_OID.signedData) throw new WritError('DECRYPT', 'the decrypted content is not a SignedData');
    const s = verifyCms(inner.content);
    const signer = s.signers[0];
    if (s.contentType !== ENVELOPE_OIDS.content || !signer) throw new WritError('PARSE', 'not a writ envelope');
    const header = decodeHeader(signer.signedAttributes);
    data.header = headerJson(header, true);
    data.signature = { ok: signer.ok, signer: signer.cert?.subject.text, ...(signer.error ? { error: signer.error } : {}), certificates: s.certificates.length };
    data.algorithms = inner.algorithms;
    text.push(
      `  header (decrypted; signature ${signer.ok ? 'verifies' : `DOES NOT verify: ${signer.error ?? ''}`}, chain and policy not checked):`,
      `    ${header.kind} envelope ${header.envelopeId}`,
      `    from ${header.sender} to ${header.recipient}`,
      `    agreement ${header.agreementId}, scope ${header.scope}, level ${levelLabel(header.level)}, consent ${header.consentRef}`,
      `    issued ${header.issuedAt.toISOString()}, expires ${header.expiresAt.toISOString()}`,
      ...(header.queryShape ? [`    query shape ${header.queryShape}`] : []),
      ...(header.inReplyTo ? [`    in reply to query ${header.inReplyTo}`] : []),
      `    manifest: ${header.manifest.recordHashes.length} record(s), root ${header.manifest.root}`,
      ...header.manifest.recordHashes.slice(0, 20).map((h, i) => `      ${i}: ${h}`),
      ...(header.manifest.recordHashes.length > 20 ? [`      … ${header.manifest.recordHashes.length - 20} more`] : []),
    );
    return { text: text.join('\n'), data };
  } finally {
    enclave.wipe();
  }
}
