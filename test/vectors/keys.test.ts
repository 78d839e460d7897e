// pqc-certificates private keys (IETF hackathon, all providers): RFC 9881 / RFC 9935 PKCS#8 forms load and match their certificates.
//
// Every private key file under certs_r5/ and cms_v3/ is decoded by writ. Each either loads (and its
// derived public key equals the one in the matching TA / EE certificate of the same folder, when there is
// one) or is rejected for a reason stated per file in REJECTED below. Counts are printed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePrivateKey, encodePrivateKey } from '../../src/core/asn1/pkcs8.js';
import { TAG, decodeDer, expect as expectTlv, isContext, seqOf } from '../../src/core/asn1/der.js';
import { parseSpki, pqPublicKey } from '../../src/core/asn1/spki.js';
import { algFromOid } from '../../src/core/crypto/algs.js';
import { expandSeed } from '../../src/core/crypto/keys.js';
import { mlDsaSign, mlDsaVerify } from '../../src/core/crypto/ml-dsa.js';
import { mlKemDecapsulate } from '../../src/core/crypto/ml-kem.js';
import { WritError } from '../../src/core/errors.js';
import { assertLoaded, requireVectors } from '../helpers/vectors.js';

const dir = requireVectors('pqc-certificates');

/**
 * Files writ rejects, with the rule they break. Keys are "<provider>/<file>" (certs_r5 unless prefixed).
 * - ML-KEM-512 is not one of writ's algorithms (issue 2: ML-KEM-768/1024 only): UNSUPPORTED_ALG.
 * - "bare" keys put the raw seed or raw expanded key straight into the privateKey OCTET STRING (a pre-RFC
 *   draft layout); RFC 9881 §6 / RFC 9935 §6 require the CHOICE (seed [0] / expandedKey / both): PARSE.
 */
const BARE = 'privateKey is bare key bytes, not the RFC 9881/9935 CHOICE';
const KEM512 = 'ML-KEM-512 is not supported by writ';
function expectedRejection(rel: string, alg: string): { code: string; why: string } | undefined {
  if (alg === 'ML-KEM-512' || rel.includes('ml-kem-512') || rel.includes('ML-KEM-512') || rel.includes('MlKem512')) return { code: 'UNSUPPORTED_ALG', why: KEM512 };
  return REJECTED[rel];
}
const REJECTED: Record<string, { code: string; why: string }> = {
  'botan/ml-dsa-44-2.16.840.1.101.3.4.3.17_seed_priv.der': { code: 'PARSE', why: BARE },
  'botan/ml-dsa-65-2.16.840.1.101.3.4.3.18_seed_priv.der': { code: 'PARSE', why: BARE },
  'botan/ml-dsa-87-2.16.840.1.101.3.4.3.19_seed_priv.der': { code: 'PARSE', why: BARE },
  'seventhsense.ai/MlDsa44-2.16.840.1.101.3.4.3.17_both_priv.der': { code: 'PARSE', why: BARE },
  'seventhsense.ai/MlDsa44-2.16.840.1.101.3.4.3.17_expandedkey_priv.der': { code: 'PARSE', why: BARE },
  'seventhsense.ai/MlDsa44-2.16.840.1.101.3.4.3.17_seed_priv.der': { code: 'PARSE', why: BARE },
  'seventhsense.ai/MlDsa65-2.16.840.1.101.3.4.3.18_both_priv.der': { code: 'PARSE', why: BARE },
  'seventhsense.ai/MlDsa65-2.16.840.1.101.3.4.3.18_expandedkey_priv.der': { code: 'PARSE', why: BARE },
  'seventhsense.ai/MlDsa65-2.16.840.1.101.3.4.3.18_seed_priv.der': { code: 'PARSE', why: BARE },
  'seventhsense.ai/MlDsa87-2.16.840.1.101.3.4.3.19_both_priv.der': { code: 'PARSE', why: BARE },
  'seventhsense.ai/MlDsa87-2.16.840.1.101.3.4.3.19_expandedkey_priv.der': { code: 'PARSE', why: BARE },
  'seventhsense.ai/MlDsa87-2.16.840.1.101.3.4.3.19_seed_priv.der': { code: 'PARSE', why: BARE },
  'seventhsense.ai/MlKem768-2.16.840.1.101.3.4.4.2_priv.der': { code: 'PARSE', why: BARE },
  'seventhsense.ai/MlKem1024-2.16.840.1.101.3.4.4.3_priv.der': { code: 'PARSE', why: BARE },
};

interface Row {
  provider: string;
  file: string;
  algorithm: string;
  kind: string;
  note: string;
}

function manifest(root: string): Row[] {
  const lines = readFileSync(path.join(root, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [provider = '', file = '', algorithm = '', kind = '', , , , note = ''] = l.split('\t');
    return { provider, file, algorithm, kind, note };
  });
}

const KEY_NAME = /(_priv\.(der|pem|raw)|_seed\.(der|raw))$/;

function walk(d: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(d)) {
    const p = path.join(d, n);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function pemBody(text: string): Uint8Array {
  const m = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(text);
  if (m === null) throw new Error('no PRIVATE KEY PEM block');
  return new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'));
}

/** The SubjectPublicKeyInfo DER inside a certificate (RFC 5280 §4.1: tbsCertificate field 7, or 6 without version). */
function certSpki(der: Uint8Array): Uint8Array {
  const cert = seqOf(decodeDer(der, 'Certificate'), 'Certificate');
  const tbs = seqOf(cert[0], 'tbsCertificate');
  const i = isContext(tbs[0], 0) ? 6 : 5;
  return expectTlv(tbs[i], TAG.SEQUENCE, 'subjectPublicKeyInfo').der;
}

/** The writ algorithm of a key file name like ml-dsa-44-2.16.840.1.101.3.4.3.17_seed.raw. */
function algOfName(name: string) {
  const m = /(\d+(?:\.\d+){6,})/.exec(name);
  return m === null ? undefined : algFromOid(m[1] ?? '');
}

describe.skipIf(dir === undefined)('pqc-certificates private keys', () => {
  it('every key loads (or is rejected for its stated RFC reason) and matches its certificate', () => {
    const root = dir!;
    const rows = manifest(root).filter((r) => r.kind.startsWith('privkey'));
    const byFile = new Map(rows.map((r) => [r.file, r]));
    const files = new Set(rows.map((r) => r.file));
    for (const sub of ['certs_r5', 'cms_v3']) {
      for (const p of walk(path.join(root, sub))) if (KEY_NAME.test(p)) files.add(path.relative(root, p));
    }
    let loaded = 0;
    let matched = 0;
    let noCert = 0;
    let decapsulated = 0;
    let signed = 0;
    const rejected: string[] = [];
    const forms: Record<string, number> = {};
    for (const file of [...files].sort()) {
      const row = byFile.get(file);
      const rel = file.replace(/^certs_r5\//, '');
      const abs = path.join(root, file);
      const raw = new Uint8Array(readFileSync(abs));
      const alg = algOfName(path.basename(file));
      let der: Uint8Array;
      if (file.endsWith('.pem')) der = pemBody(Buffer.from(raw).toString('utf8'));
      else if (file.endsWith('.raw')) {
        // A raw seed file: wrap it into the RFC seed form (as the manifest's checker does) and load that.
        if (alg === undefined) {
          rejected.push(`${rel}: raw seed for an algorithm writ does not support`);
          continue;
        }
        der = encodePrivateKey(alg, raw);
      } else der = raw;

      const rej = expectedRejection(rel, row?.algorithm ?? '');
      if (rej !== undefined) {
        let err: unknown;
        try {
          decodePrivateKey(der);
        } catch (e) {
          err = e;
        }
        expect(err, `${rel} must be rejected: ${rej.why}`).toBeInstanceOf(WritError);
        expect((err as WritError).code, rel).toBe(rej.code);
        rejected.push(`${rel}: ${rej.code} (${rej.why})`);
        continue;
      }

      const key = decodePrivateKey(der);
      const stem = path.basename(file).replace(/_(seed|both|expandedkey|priv).*$/i, '');
      loaded++;
      forms[key.form] = (forms[key.form] ?? 0) + 1;
      if (alg !== undefined) expect(key.alg, rel).toBe(alg);
      // The manifest's note says which CHOICE the file really holds (file names can mislead).
      if (row !== undefined && !file.endsWith('.raw')) {
        const want = /seed\[0\]/.test(row.note) ? 'seed' : /expandedKey OCTET/.test(row.note) ? 'expandedKey' : /both SEQUENCE/.test(row.note) ? 'both' : undefined;
        if (want !== undefined) expect(key.form, rel).toBe(want);
      }
      // Use the key: ML-KEM decapsulates the provider's ciphertext to its shared secret; ML-DSA signs and verifies.
      const expanded = key.expandedKey ?? expandSeed(key.alg, key.seed!).expandedKey;
      if (key.alg === 'ml-kem-768' || key.alg === 'ml-kem-1024') {
        const ct = path.join(path.dirname(abs), `${stem}_ciphertext.bin`);
        const ss = path.join(path.dirname(abs), `${stem}_ss.bin`);
        if (isFile(ct) && isFile(ss)) {
          const k = mlKemDecapsulate(key.alg, expanded, new Uint8Array(readFileSync(ct)));
          expect(Buffer.from(k).equals(readFileSync(ss)), `${rel} decapsulation vs ${stem}_ss.bin`).toBe(true);
          decapsulated++;
        }
      } else if (key.alg !== 'x-wing') {
        const msg = new TextEncoder().encode(rel);
        expect(mlDsaVerify(key.alg, key.publicKey, msg, mlDsaSign(key.alg, expanded, msg)), rel).toBe(true);
        signed++;
      }
      // Matching certificate: the one the manifest names, else <stem>_ta.der / <stem>_ee.der beside the key.
      const named = /pub matches ([^;#\s]+)(#embedded)?/.exec(row?.note ?? '');
      const candidates = named !== null && named[2] === undefined ? [named[1] ?? ''] : [`${stem}_ta.der`, `${stem}_ee.der`];
      const certFile = candidates.map((c) => path.join(path.dirname(abs), c)).find(isFile);
      if (certFile === undefined) {
        noCert++;
        continue;
      }
      const spki = pqPublicKey(parseSpki(certSpki(new Uint8Array(readFileSync(certFile)))));
      expect(spki.alg, rel).toBe(key.alg);
      expect(Buffer.from(key.publicKey).equals(Buffer.from(spki.publicKey)), `${rel} public key vs ${path.basename(certFile)}`).toBe(true);
      matched++;
    }
    console.log(
      `pqc-certificates keys: ${files.size} files, loaded ${loaded} (${Object.entries(forms).map(([f, n]) => `${f} ${n}`).join(', ')}), ` +
        `matched to certificate ${matched}, no certificate ${noCert}, ML-KEM decapsulations matching the provider's shared secret ${decapsulated}, ` +
        `ML-DSA sign/verify ${signed}, rejected ${rejected.length}:\n  ${rejected.join('\n  ')}`,
    );
    assertLoaded('pqc-certificates private keys', loaded);
    assertLoaded('pqc-certificates key/certificate matches', matched);
    assertLoaded('pqc-certificates ML-KEM decapsulations', decapsulated);
  });
});
