// Cross-check with the system OpenSSL (`openssl cms`, any 3.x): classical SignedData it writes (DER and streamed BER, attached, detached, keyid, no attributes) verifies in writ; writ's SignedData parses in OpenSSL.
//
// Node 26's OpenSSL 3.5 has no CMS API in node:crypto, and the system OpenSSL here may predate ML-DSA,
// so the ML-DSA side is checked structurally only (`cms -cmsout -print`). AuthEnvelopedData is not
// cross-checked: OpenSSL releases before openssl/openssl#31695 (2026) decode authAttrs with the wrong
// implicit tag ([2] instead of RFC 5083's [1]) and so cannot parse any AuthEnvelopedData that carries
// authAttrs, which RFC 5083 §2.1 requires for writ's (SignedData) content.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCms, verifyCms } from '../../../src/core/cms/signed-data.js';
import { parseCertificates } from '../../../src/core/x509/parse.js';
import { buildFixturePki } from '../../../src/fixtures/pki.js';

function hasOpenssl(): boolean {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  return r.status === 0;
}
const available = hasOpenssl();
if (!available) console.warn('!!! SKIPPING CMS OpenSSL cross-check: no `openssl` on PATH !!!');

let dir = '';
const ossl = (...args: string[]): void => {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
};
const file = (n: string): Uint8Array => new Uint8Array(readFileSync(path.join(dir, n)));

describe.skipIf(!available)('OpenSSL cms interop', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'writ-cms-ossl-'));
    writeFileSync(path.join(dir, 'msg.bin'), 'interop message\n');
    ossl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ec.key', '-out', 'ec.pem', '-subj', '/CN=ec signer', '-days', '30');
    ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rsa.key', '-out', 'rsa.pem', '-subj', '/CN=rsa signer', '-days', '30');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const variants: { name: string; flags: string[]; detached?: boolean; sid: 'ias' | 'ski' }[] = [
    { name: 'attached DER, SHA-256', flags: ['-nodetach', '-md', 'sha256'], sid: 'ias' },
    { name: 'attached DER, SHA-512', flags: ['-nodetach', '-md', 'sha512'], sid: 'ias' },
    { name: 'streamed BER (indefinite lengths)', flags: ['-nodetach', '-stream'], sid: 'ias' },
    { name: 'detached, subjectKeyIdentifier SID', flags: ['-keyid'], detached: true, sid: 'ski' },
    { name: 'no signed attributes', flags: ['-nodetach', '-noattr'], sid: 'ias' },
  ];
  // Ed25519 is covered by a hand-built SignedData in signed-data.test.ts: OpenSSL 3.0 cannot sign CMS with it.
  // OpenSSL names RSA signers "rsaEncryption" (RFC 3370 §3.2), so the RSA cases exercise that mapping too.
  for (const kind of ['ec', 'rsa'] as const) {
    for (const v of variants) {
      it(`${kind}: ${v.name}`, () => {
        const out = `${kind}-${v.name.replace(/\W+/g, '_')}.der`;
        ossl('cms', '-sign', '-binary', '-in', 'msg.bin', '-signer', `${kind}.pem`, '-inkey', `${kind}.key`, '-outform', 'DER', '-out', out, ...v.flags);
        const der = file(out);
        const msg = file('msg.bin');
        const r = verifyCms(der, v.detached ? { detachedContent: msg } : {});
        expect(r.signers).toHaveLength(1);
        const s = r.signers[0]!;
        expect(s.ok, s.error).toBe(true);
        expect(s.cert?.der).toEqual(parseCertificates(file(`${kind}.pem`))[0]!.der);
        expect(v.sid === 'ski' ? s.keyId !== undefined : s.issuerSerial !== undefined).toBe(true);
        expect(Buffer.from(r.content).toString()).toBe('interop message\n');
        // The wrong content never verifies.
        const other = verifyCms(der, { detachedContent: new TextEncoder().encode('other message\n') });
        expect(other.signers[0]!.ok).toBe(false);
      });
    }
  }

  it('OpenSSL parses the SignedData writ writes (ML-DSA-65, SHA-512, SKI SID, CMSAlgorithmProtection)', () => {
    const pki = buildFixturePki('cms-ossl', new Date('2026-03-01T00:00:00Z'));
    const s = pki.enclaves.harbor.signing;
    const der = signCms({ content: new TextEncoder().encode('from writ'), signers: [{ signer: s.signer!, cert: s.cert }], certificates: [pki.enclaves.harbor.ca.der] });
    writeFileSync(path.join(dir, 'writ.der'), der);
    const r = spawnSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'writ.der'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('pkcs7-signedData');
    expect(r.stdout).toContain('version: 3');
    expect(r.stdout).toContain('sha512');
    expect(r.stdout).toMatch(/subjectKeyIdentifier|d\.subjectKeyIdentifier/);
    // Round trip through OpenSSL's encoder: re-encoding what it parsed gives the same bytes (our DER is canonical).
    ossl('cms', '-cmsout', '-inform', 'DER', '-in', 'writ.der', '-outform', 'DER', '-out', 'writ-re.der');
    expect(file('writ-re.der')).toEqual(der);
  });
});
