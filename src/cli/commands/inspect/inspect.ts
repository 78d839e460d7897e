// `writ inspect`: what a certificate, CSR, CRL or key file holds (public parts only), like `openssl x509 -text`.
import { WritError } from '../../../core/errors.js';
import { parseCertificate, parseCrl, parseCsr } from '../../../core/x509/parse.js';
import { parseSpki } from '../../../core/asn1/spki.js';
import { decodePrivateKey, decryptPrivateKey } from '../../../core/asn1/pkcs8.js';
import { encodeSpki } from '../../../core/asn1/spki.js';
import { algName, certJson, certText, crlJson, crlText, csrJson, csrText, keyJson, keyText } from '../../render.js';
import type { KeySummary } from '../../render.js';
import type { Ctx, CommandResult } from '../../context.js';
import { readBlocks } from '../../load.js';
import { passphraseFor } from '../../keyfile.js';
import type { Block } from '../../load.js';

interface Shown {
  text: string;
  json: Record<string, unknown>;
}

function keySummaryFromPlain(der: Uint8Array): KeySummary {
  const k = decodePrivateKey(der);
  try {
    return { kind: 'private-key', algorithm: k.alg, form: k.form, spki: encodeSpki(k.alg, k.publicKey) };
  } finally {
    k.seed?.fill(0);
    k.expandedKey?.fill(0);
  }
}

/** Describes PBES2 parameters without decrypting: the algorithm OIDs are visible in the clear. */
function encryptionName(der: Uint8Array): string {
  const h = Buffer.from(der).toString('hex');
  const kdf = h.includes('06092b06010401da47040b') ? 'scrypt' : h.includes('06092a864886f70d01050c') ? 'PBKDF2' : 'unknown KDF';
  const cipher = h.includes('060960864801650304012a')
    ? 'AES-256-CBC'
    : h.includes('0609608648016503040116')
      ? 'AES-192-CBC'
      : h.includes('0609608648016503040102')
        ? 'AES-128-CBC'
        : 'unknown cipher';
  return `PBES2, ${kdf}, ${cipher}`;
}

async function show(b: Block, file: string, passFile: string | undefined): Promise<Shown> {
  const label = b.label;
  const tryAll = label === undefined;
  if (label === 'CERTIFICATE' || label === 'X509 CERTIFICATE' || label === 'TRUSTED CERTIFICATE') {
    const c = parseCertificate(b.der);
    return { text: certText(c), json: certJson(c) };
  }
  if (label === 'CERTIFICATE REQUEST' || label === 'NEW CERTIFICATE REQUEST') {
    const r = parseCsr(b.der);
    return { text: csrText(r), json: csrJson(r) };
  }
  if (label === 'X509 CRL') {
    const l = parseCrl(b.der);
    return { text: crlText(l), json: crlJson(l) };
  }
  if (label === 'PUBLIC KEY') {
    const spki = parseSpki(b.der);
    const k: KeySummary = { kind: 'public-key', algorithm: algName(spki.algorithm), spki: b.der };
    return { text: keyText(k), json: keyJson(k) };
  }
  if (label === 'PRIVATE KEY') {
    const k = keySummaryFromPlain(b.der);
    return { text: keyText(k), json: keyJson(k) };
  }
  if (label === 'ENCRYPTED PRIVATE KEY') {
    const k: KeySummary = { kind: 'encrypted-private-key', encryption: encryptionName(b.der) };
    if (passFile) {
      const pass = await passphraseFor(file, passFile);
      let der: Uint8Array | undefined;
      try {
        der = decryptPrivateKey(b.der, pass);
        const plain = keySummaryFromPlain(der);
        Object.assign(k, { algorithm: plain.algorithm, form: plain.form, spki: plain.spki });
      } finally {
        pass.fill(0);
        der?.fill(0);
      }
    }
    return { text: keyText(k), json: keyJson(k) };
  }
  if (tryAll) {
    // Raw DER: try each kind in turn; the first parser that accepts it wins.
    for (const kind of ['CERTIFICATE', 'CERTIFICATE REQUEST', 'X509 CRL', 'PRIVATE KEY', 'PUBLIC KEY'] as const) {
      try {
        return await show({ label: kind, der: b.der }, file, passFile);
      } catch {
        /* try the next kind */
      }
    }
    throw new WritError('PARSE', `${file}: not a certificate, CSR, CRL, PKCS#8 private key or public key`);
  }
  throw new WritError('UNSUPPORTED', `${file}: PEM blocks labelled "${label}" are not something writ can show`);
}

export async function run(_ctx: Ctx, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const file = args[0]!;
  const blocks = readBlocks(file);
  const shown: Shown[] = [];
  for (const b of blocks) shown.push(await show(b, file, opts.passFile as string | undefined));
  for (const b of blocks) if (b.label?.includes('PRIVATE KEY') || b.label === undefined) b.der.fill(0);
  return {
    text: shown.map((s) => s.text).join('\n\n'),
    data: { file, objects: shown.map((s) => s.json) },
  };
}
