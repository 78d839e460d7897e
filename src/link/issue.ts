// `writ link issue`: the enclave CA (keys/ca.key, written by `writ enclave init`) issues the enclave's link identity, a workload-profile leaf `<enclave id>/link` (RFC 5280 §4.2.1.12 serverAuth + clientAuth), after the enclave's own chain verifies.
import * as fs from 'node:fs';
import { WritError } from '../core/errors.js';
import { pemEncode } from '../core/asn1/pem.js';
import { encryptPrivateKey } from '../core/asn1/pkcs8.js';
import { signerFromSeed } from '../core/crypto/keys.js';
import { sha256 } from '../core/crypto/kdf.js';
import { toHex } from '../core/crypto/bytes.js';
import type { Rng, SigAlgName } from '../core/crypto/types.js';
import { parseCertificate } from '../core/x509/parse.js';
import { verify } from '../core/verify/verify.js';
import { EKU } from '../core/asn1/oids.js';
import { loadEnclave } from '../enclave/layout.js';
import { writeFileAtomic } from '../cli/io.js';
import { passphraseFor, readPrivateKey } from '../cli/keyfile.js';
import { issueLinkIdentity, linkIdentity, linkPaths } from './identity.js';

export interface LinkIssueResult {
  identity: string;
  serial: string;
  notAfter: string;
  sha256: string;
  files: { key: string; chain: string };
  keyEncrypted: boolean;
}

/**
 * Issues and writes keys/link.key + certs/link.pem for the enclave in `dir`. The enclave must load
 * (its chain verifies against its own anchors and CRLs at `now`); keys/ca.key must match the enclave CA
 * certificate (certs/chain.pem, second entry: KEY_MISMATCH otherwise). The link key is encrypted under
 * the passphrase (same --pass-file as the other keys) unless the enclave is a fixture or `insecureNoPass`.
 * The issuance is recorded in the audit log (event issue, digests only).
 */
export async function issueLinkForEnclave(
  dir: string,
  o: { now: Date; rng: Rng; passFile?: string; note?: (m: string) => void; force?: boolean; insecureNoPass?: boolean },
): Promise<LinkIssueResult> {
  const lp = linkPaths(dir);
  for (const f of [lp.key, lp.chain]) if (!o.force && fs.existsSync(f)) throw new WritError('EXISTS', `${f} already exists; use --force to replace the link identity`);
  const e = await loadEnclave(dir, { now: o.now, rng: o.rng, noKem: true, ...(o.passFile ? { passFile: o.passFile } : {}), ...(o.note ? { note: o.note } : {}) });
  try {
    const caCert = e.chain[1];
    if (!caCert) throw new WritError('PARSE', `${e.paths.chain} holds no enclave CA certificate`);
    if (!fs.existsSync(e.paths.caKey)) throw new WritError('IO', `${e.paths.caKey} is missing: the link identity is issued by the enclave CA key (writ enclave init writes it)`);
    const ca = await readPrivateKey(e.paths.caKey, o.passFile, o.note);
    const caSeed = ca.seed;
    let keyDer: Uint8Array | undefined;
    try {
      if (!caSeed || !ca.alg.startsWith('ml-dsa-')) throw new WritError('UNSUPPORTED', `${e.paths.caKey}: expected an ML-DSA key in seed form`);
      if (!bytesEq(ca.publicKey, caCert.spki.publicKey)) throw new WritError('KEY_MISMATCH', `${e.paths.caKey} does not match the enclave CA certificate in ${e.paths.chain}`);
      const issued = issueLinkIdentity({
        caCert,
        caSigner: signerFromSeed(ca.alg as SigAlgName, caSeed, o.rng),
        enclave: e.profile.enclave,
        region: e.profile.region,
        domain: e.profile.domain,
        now: o.now,
        rng: o.rng,
      });
      keyDer = issued.keyDer;
      const chain = [issued.certDer, ...e.chain.slice(1).map((c) => c.der)];
      const cert = parseCertificate(issued.certDer);
      const identity = linkIdentity(e.profile.identity);
      // The new leaf must verify through the enclave's own trust store before anything is written.
      for (const purpose of [EKU.serverAuth, EKU.clientAuth]) {
        const v = verify({ leaf: cert, untrusted: e.chain.slice(1), crls: e.crls }, e.anchors, { now: o.now, identity, purpose, keyUsage: ['digitalSignature'] });
        if (!v.ok) throw new WritError(v.errors[0]?.code ?? 'NO_PATH', `the new link certificate does not verify: ${v.errors[0]?.message ?? ''}`);
      }
      const encrypt = !(e.config.fixtureKeys || o.insecureNoPass);
      let keyText: string;
      if (encrypt) {
        const pass = await passphraseFor(lp.key, o.passFile);
        try {
          keyText = pemEncode('ENCRYPTED PRIVATE KEY', encryptPrivateKey(keyDer, pass, { kdf: 'scrypt', rng: o.rng }));
        } finally {
          pass.fill(0);
        }
      } else {
        keyText = pemEncode('PRIVATE KEY', keyDer);
      }
      const w = { ...(o.force ? { force: true } : {}) };
      writeFileAtomic(lp.key, keyText, { ...w, mode: 0o600 });
      writeFileAtomic(lp.chain, chain.map((d) => pemEncode('CERTIFICATE', d)).join(''), w);
      const digest = toHex(sha256(issued.certDer));
      e.audit.append({ event: 'issue', decision: 'record', subject: cert.serialHex, digests: { certificate: digest }, details: { profile: 'workload', identity } });
      return { identity, serial: cert.serialHex, notAfter: cert.notAfter.toISOString(), sha256: digest, files: { key: lp.key, chain: lp.chain }, keyEncrypted: encrypt };
    } finally {
      caSeed?.fill(0);
      keyDer?.fill(0);
    }
  } finally {
    e.wipe();
  }
}

function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
