// `writ envelope open FILE --key KEY`: low-level decryption of any standard CMS EnvelopedData / AuthEnvelopedData (RFC 5652, RFC 5083, RFC 9629), no federation policy.
//
// Reads DER or PEM ("CMS", "PKCS7") envelopes, PKCS#8 KEM keys (ML-KEM-512/768/1024 in the RFC 9935
// seed / expandedKey / both forms, X-Wing seed; encrypted keys via --pass-file or a prompt) and reports
// the algorithms it met. Nothing here checks who sent the envelope: EnvelopedData is not even
// integrity-protected, and the output says so.
import { WritError } from '../../../core/errors.js';
import { decryptPrivateKey, isEncryptedPrivateKey } from '../../../core/asn1/pkcs8.js';
import { openEnveloped } from '../../../core/cms/enveloped.js';
import { decodeKemPrivateKey } from '../../../core/cms/kem-key.js';
import { CMS_OID } from '../../../core/cms/common.js';
import type { Ctx, CommandResult } from '../../context.js';
import { checkWritable, writeFileAtomic } from '../../io.js';
import { readBlocks, readCert, withFile } from '../../load.js';
import { passphraseFor } from '../../keyfile.js';

/** PEM labels under which CMS objects travel (RFC 7468 §9 "CMS", and the PKCS #7 legacy "PKCS7"). */
export const CMS_PEM_LABELS = new Set(['CMS', 'PKCS7', 'PKCS #7 SIGNED DATA']);

/** The one CMS object in a file (DER, or one PEM "CMS"/"PKCS7" block). */
export function readCmsFile(file: string): Uint8Array {
  const blocks = readBlocks(file).filter((b) => b.label === undefined || CMS_PEM_LABELS.has(b.label));
  if (blocks.length !== 1) throw new WritError('PARSE', `${file}: expected one DER or PEM "CMS" / "PKCS7" object, found ${blocks.length}`);
  return blocks[0]!.der;
}

const CONTENT_TYPE_NAMES: Record<string, string> = {
  [CMS_OID.data]: 'id-data',
  [CMS_OID.signedData]: 'id-signedData',
  [CMS_OID.envelopedData]: 'id-envelopedData',
  [CMS_OID.authEnvelopedData]: 'id-ct-authEnvelopedData',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function asText(b: Uint8Array): string | undefined {
  try {
    const s = utf8.decode(b);
    // Control characters other than tab / newline / carriage return mean binary content: do not print it.
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s) ? undefined : s;
  } catch {
    return undefined;
  }
}

export async function run(ctx: Ctx, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const file = args[0];
  if (file === undefined) throw new WritError('USAGE', 'give the envelope FILE');
  const keyFile = opts.key as string;
  const out = opts.out as string | undefined;
  const force = Boolean(opts.force);
  if (out) checkWritable(out, force);
  const der = withFile(file, () => readCmsFile(file));
  const cert = opts.cert !== undefined ? readCert(opts.cert as string) : undefined;

  // The private key: PKCS#8, possibly encrypted (PBES2).
  const blocks = readBlocks(keyFile);
  if (blocks.length !== 1) throw new WritError('USAGE', `${keyFile} holds ${blocks.length} PEM blocks; expected one private key`);
  const b = blocks[0]!;
  if (b.label !== undefined && b.label !== 'PRIVATE KEY' && b.label !== 'ENCRYPTED PRIVATE KEY') {
    throw new WritError('PARSE', `${keyFile}: expected a PRIVATE KEY PEM block, found "${b.label}"`);
  }
  let keyDer = b.der;
  if (b.label === 'ENCRYPTED PRIVATE KEY' || (b.label === undefined && isEncryptedPrivateKey(keyDer))) {
    const pass = await passphraseFor(keyFile, opts.passFile as string | undefined);
    try {
      keyDer = decryptPrivateKey(b.der, pass);
    } finally {
      pass.fill(0);
    }
  }
  const key = withFile(keyFile, () => decodeKemPrivateKey(keyDer));
  keyDer.fill(0);
  b.der.fill(0);

  let r;
  try {
    r = openEnveloped(der, { alg: key.alg, privateKey: key.privateKey, ...(cert ? { cert } : {}) });
  } finally {
    key.privateKey.fill(0);
  }
  if (out) writeFileAtomic(out, r.content, { force });
  const ctName = CONTENT_TYPE_NAMES[r.contentType] ?? r.contentType;
  const text = out ? undefined : asText(r.content);
  if (r.algorithms.structure === 'EnvelopedData') ctx.note('note: EnvelopedData has no integrity protection; anyone who knew your public key could have written it');
  if (r.contentType === CMS_OID.signedData) ctx.note('note: the content is a CMS SignedData; check it with `writ envelope verify`');
  const lines = [
    `decrypted ${r.algorithms.structure} (${r.content.length} bytes of ${ctName})`,
    ...Object.entries(r.algorithms)
      .filter(([k]) => k !== 'structure')
      .map(([k, v]) => `  ${k}: ${v}`),
    ...(r.authAttributes.length ? [`  auth attributes: ${r.authAttributes.map((a) => a.oid).join(', ')}`] : []),
    out ? `  content written to ${out}` : text !== undefined ? `content:\n${text}` : '  binary content: use --out FILE to save it',
  ];
  const data: Record<string, unknown> = {
    structure: r.algorithms.structure,
    contentType: r.contentType,
    contentTypeName: ctName,
    contentLength: r.content.length,
    algorithms: r.algorithms,
    authAttributes: r.authAttributes.map((a) => ({ oid: a.oid, values: a.values })),
  };
  if (out) data.out = out;
  else {
    data.contentBase64 = Buffer.from(r.content).toString('base64');
    if (text !== undefined) data.contentText = text;
  }
  return { text: lines.join('\n'), data };
}
