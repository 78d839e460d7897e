// What one batch item is and how it is judged: a chain file (`writ verify chain`) or a CMS SignedData (`writ envelope verify`), RFC 5280 §6 via core verify().
//
// Each worker builds one ItemVerifier for the whole batch: the trust anchors, extra intermediates and
// CRLs are parsed once, intermediates met in chain files are interned (identical DER → one parsed
// object), and core verify() gets the per-batch SignatureCache so each distinct intermediate and CRL
// signature is checked once per worker. Everything that decides validity is core's verify() and verifyCms().
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WritError, isWritError } from '../core/errors.js';
import { verify } from '../core/verify/verify.js';
import type { TrustAnchor, VerifyOptions, VerifyResult } from '../core/verify/types.js';
import type { Certificate, Crl } from '../core/x509/types.js';
import { parseCertificate } from '../core/x509/parse.js';
import { verifyCms } from '../core/cms/signed-data.js';
import { levelOid } from '../core/policy/levels.js';
import { readCerts, readCrls, withFile } from '../cli/load.js';
import type { Block } from '../cli/load.js';
import { readFileLimited } from '../cli/io.js';
import { CMS_PEM_LABELS } from '../cli/commands/envelope/open-raw.js';
import { looksLikePem, pemDecodeAll } from '../core/asn1/pem.js';
import { algorithmOids } from '../cli/commands/verify/chain.js';
import { SignatureCache } from './cache.js';
import { MAX_BATCH_ITEMS, MAX_BATCH_LIST_BYTES, checkLimit } from '../core/limits.js';

export type ItemKind = 'chain' | 'envelope';

/** Files a directory contributes, by extension (docs/cli.md "writ verify batch"). */
export const CHAIN_EXTENSIONS = ['.pem', '.der', '.crt', '.cer'] as const;
export const ENVELOPE_EXTENSIONS = ['.env', '.p7s', '.p7m', '.cms'] as const;

export function kindOf(file: string): ItemKind {
  const ext = path.extname(file).toLowerCase();
  return (ENVELOPE_EXTENSIONS as readonly string[]).includes(ext) ? 'envelope' : 'chain';
}

export interface BatchItem {
  /** Position in the batch (results come back in this order). */
  index: number;
  path: string;
  kind: ItemKind;
}

export interface ItemResult {
  index: number;
  path: string;
  kind: ItemKind;
  ok: boolean;
  /** The WritError code of the first failure (the code `verify chain` / `envelope verify` would report). */
  code?: string;
  message?: string;
}

/** The options every item shares: the same meaning as in `writ verify chain` and `writ envelope verify`. */
export interface BatchConfig {
  trust: string[];
  untrusted: string[];
  crl: string[];
  /** Validation time, ms since the epoch (the CLI reads the clock once for the whole batch). */
  at: number;
  level?: string;
  requireCrl?: boolean;
  allowAlg?: string[];
}

/** Beyond this many distinct intermediates the intern table starts over (memory bound; a miss only costs a parse). */
const INTERN_MAX = 4096;

export class ItemVerifier {
  readonly cache = new SignatureCache();
  readonly #anchors: TrustAnchor[] = [];
  readonly #untrusted: Certificate[] = [];
  readonly #crls: Crl[] = [];
  readonly #chainOptions: VerifyOptions;
  readonly #envelopeOptions: VerifyOptions;
  #interned = new Map<string, Certificate[]>();
  readonly #senders = new Map<string, { code: string; message: string } | 'ok'>();
  #internedCount = 0;

  /** Reads and parses the shared files; throws WritError (IO, PARSE, USAGE) as the single commands do. */
  constructor(config: BatchConfig) {
    if (config.trust.length === 0) throw new WritError('USAGE', 'give at least one --trust file');
    for (const f of config.trust) for (const cert of readCerts(f)) this.#anchors.push({ cert });
    for (const f of config.untrusted) this.#untrusted.push(...readCerts(f));
    for (const f of config.crl) this.#crls.push(...readCrls(f));
    const now = new Date(config.at);
    // Same option set as `verify chain` (verifyFiles) and `envelope verify` (keyUsage digitalSignature).
    this.#chainOptions = { now, signatureMemo: this.cache };
    if (config.level) this.#chainOptions.level = levelOid(config.level);
    if (config.requireCrl) this.#chainOptions.requireRevocationInfo = true;
    if (config.allowAlg?.length) this.#chainOptions.allowedAlgorithms = algorithmOids(config.allowAlg);
    this.#envelopeOptions = { now, keyUsage: ['digitalSignature'], signatureMemo: this.cache };
  }

  /** Judges one item; never throws for a bad item (its WritError becomes the result). */
  run(item: BatchItem): ItemResult {
    const base = { index: item.index, path: item.path, kind: item.kind };
    try {
      const failure = item.kind === 'envelope' ? this.#envelope(item.path) : this.#chain(item.path);
      return failure === undefined ? { ...base, ok: true } : { ...base, ok: false, ...failure };
    } catch (e) {
      if (isWritError(e)) return { ...base, ok: false, code: e.code, message: e.message };
      return { ...base, ok: false, code: 'INTERNAL', message: `internal error (a bug: please report it): ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  /** A parsed certificate for `der`, shared with every earlier item that carried the very same bytes. */
  #intern(der: Uint8Array): Certificate {
    // A cheap bucket key (length and the signature's last bytes); membership is decided by full byte equality.
    const tail = Buffer.from(der.buffer, der.byteOffset + Math.max(0, der.length - 24), Math.min(24, der.length)).toString('hex');
    const key = `${der.length}:${tail}`;
    const bucket = this.#interned.get(key);
    if (bucket) {
      for (const c of bucket) if (Buffer.compare(c.der, der) === 0) return c;
    }
    const cert = parseCertificate(der);
    if (this.#internedCount >= INTERN_MAX) {
      this.#interned = new Map();
      this.#internedCount = 0;
    }
    this.#interned.set(key, [...(bucket ?? []), cert]);
    this.#internedCount++;
    return cert;
  }

  #chain(file: string): { code: string; message: string } | undefined {
    // As `verify chain FILE`: the first certificate is the leaf, the rest of the file are intermediates.
    const certs = withFile(file, () =>
      readItemBlocks(file).map((b, i) => {
        if (b.label !== undefined && b.label !== 'CERTIFICATE' && b.label !== 'X509 CERTIFICATE' && b.label !== 'TRUSTED CERTIFICATE') {
          throw new WritError('PARSE', `${file}: expected CERTIFICATE PEM blocks, found "${b.label}"`);
        }
        return i === 0 ? parseCertificate(b.der) : this.#intern(b.der);
      }),
    );
    const leaf = certs[0]!;
    const untrusted = certs.length > 1 ? [...certs.slice(1), ...this.#untrusted] : this.#untrusted;
    return firstError(verify({ leaf, untrusted, crls: this.#crls }, this.#anchors, this.#chainOptions));
  }

  #envelope(file: string): { code: string; message: string } | undefined {
    // As `envelope verify FILE` (src/cli/commands/envelope/verify.ts): at least one signer, every
    // signature verifies, every signer has a certificate that chains to an anchor for digitalSignature.
    const der = withFile(file, () => readItemCms(file));
    const r = withFile(file, () => verifyCms(der, { extraCerts: this.#untrusted, mlDsaKeys: this.cache.mlDsaKeys }));
    if (r.signers.length === 0) return { code: 'SIGNATURE', message: 'no signers' };
    for (const s of r.signers) {
      if (!s.ok) return { code: 'SIGNATURE', message: s.error ?? 'signature does not verify' };
      if (s.cert === undefined) return { code: 'NO_PATH', message: 'the signer has no certificate (key-only signer): nothing to chain to the trust anchors' };
      const cert = this.#intern(s.cert.der);
      const certs = r.certificates.map((c) => this.#intern(c.der));
      // verify() is a pure function of its inputs, and everything but the signer certificate and the
      // SignedData's certificates is fixed for the batch: the same exact bytes give the same result, so
      // a sender's many envelopes share one path validation (the result is kept as is, failures too).
      const key = [cert, ...certs].map((c) => this.cache.digest(c.der)).join(':');
      let outcome = this.#senders.get(key);
      if (outcome === undefined) {
        const v = verify({ leaf: cert, untrusted: [...certs, ...this.#untrusted], crls: this.#crls }, this.#anchors, this.#envelopeOptions);
        outcome = firstError(v) ?? 'ok';
        if (this.#senders.size >= INTERN_MAX) this.#senders.clear();
        this.#senders.set(key, outcome);
      }
      if (outcome !== 'ok') return outcome;
    }
    return undefined;
  }
}

/** Decoded tails of chain files (the intermediates after the leaf), by their exact text; bounded. */
const tails = new Map<string, { label: string; der: Uint8Array }[]>();
const TAILS_MAX = 256;

/**
 * pemDecodeAll(text), reusing the decoding of a tail already seen. The text is split right after the
 * first "-----END …-----": when that head decodes to exactly one block, the first block pemDecodeAll
 * would match ends exactly there (its label cannot run on: a label never holds "--"), so the result is
 * that block followed by pemDecodeAll(tail), and errors are the same. The tail's result depends only on
 * its exact text, so it is memoised by it. Anything else takes the plain path.
 */
export function pemBlocks(text: string): { label: string; der: Uint8Array }[] {
  const end = text.indexOf('-----END ');
  const close = end < 0 ? -1 : text.indexOf('-----', end + 9);
  if (close < 0) return pemDecodeAll(text);
  const cut = close + 5;
  const head = pemDecodeAll(text.slice(0, cut));
  if (head.length !== 1) return pemDecodeAll(text);
  const tail = text.slice(cut);
  let rest = tails.get(tail);
  if (rest === undefined) {
    rest = pemDecodeAll(tail);
    if (tails.size >= TAILS_MAX) tails.clear();
    tails.set(tail, rest);
  }
  return [...head, ...rest];
}

/**
 * readBlocks() (src/cli/load.ts) for batch items: the same limit, errors and PEM/DER decision, with the
 * PEM text decoded through the per-batch cache.
 */
export function readItemBlocks(file: string): Block[] {
  const bytes = readFileLimited(file);
  if (looksLikePem(bytes)) {
    const blocks = pemBlocks(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
    if (blocks.length === 0) throw new WritError('PARSE', `${file}: no PEM block found`);
    return blocks.map((b) => ({ label: b.label, der: b.der }));
  }
  if (bytes.length === 0) throw new WritError('PARSE', `${file} is empty`);
  return [{ label: undefined, der: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) }];
}

/** readCmsFile() (envelope open-raw.ts) on readItemBlocks: one DER or one PEM "CMS"/"PKCS7" object. */
function readItemCms(file: string): Uint8Array {
  const blocks = readItemBlocks(file).filter((b) => b.label === undefined || CMS_PEM_LABELS.has(b.label));
  if (blocks.length !== 1) throw new WritError('PARSE', `${file}: expected one DER or PEM "CMS" / "PKCS7" object, found ${blocks.length}`);
  return blocks[0]!.der;
}

function firstError(v: VerifyResult): { code: string; message: string } | undefined {
  if (v.ok) return undefined;
  const e = v.errors[0];
  return e ? { code: e.code, message: `${e.cert}: ${e.message}` } : { code: 'NO_PATH', message: 'no path to a trust anchor' };
}

/**
 * The items of a batch: every line of a list file (paths relative to the list file; blank lines and
 * lines starting with # skipped), or every chain/envelope file directly in a directory, sorted by name.
 */
export function expandInput(input: string): BatchItem[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(input);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : e instanceof Error ? e.message : String(e);
    throw new WritError('IO', `cannot read ${input}: ${why}`, { cause: e });
  }
  let paths: string[];
  if (st.isDirectory()) {
    const wanted = new Set<string>([...CHAIN_EXTENSIONS, ...ENVELOPE_EXTENSIONS]);
    let names: string[];
    try {
      names = fs.readdirSync(input, { withFileTypes: true }).filter((d) => d.isFile() && wanted.has(path.extname(d.name).toLowerCase())).map((d) => d.name);
    } catch (e) {
      throw new WritError('IO', `cannot read directory ${input}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    paths = names.map((n) => path.join(input, n));
  } else {
    let text: string;
    try {
      const st = fs.statSync(input); // stat first: refuse an oversize list before reading it (src/core/limits.ts)
      if (st.size > MAX_BATCH_LIST_BYTES) throw new WritError('LIMIT', `${input} is ${st.size} bytes, over MAX_BATCH_LIST_BYTES (${MAX_BATCH_LIST_BYTES})`);
      text = fs.readFileSync(input, 'utf8');
    } catch (e) {
      if (e instanceof WritError) throw e;
      throw new WritError('IO', `cannot read ${input}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const dir = path.dirname(input);
    paths = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => (path.isAbsolute(l) ? l : path.join(dir, l)));
  }
  checkLimit(paths.length, 'MAX_BATCH_ITEMS', MAX_BATCH_ITEMS, `${input}: batch items`);
  if (paths.length === 0) {
    throw new WritError('USAGE', `${input} names no chain (${CHAIN_EXTENSIONS.join(' ')}) or envelope (${ENVELOPE_EXTENSIONS.join(' ')}) files`);
  }
  return paths.map((p, index) => ({ index, path: p, kind: kindOf(p) }));
}
