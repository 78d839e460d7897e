// OpenSSL 3.5 interop for PKCS#8 keys (RFC 9881/9935, RFC 5958, RFC 8018): Node 26 loads what we write, we load what it writes.
import { describe, expect, it } from 'vitest';
import { decodePrivateKey, decryptPrivateKey, encodePrivateKey, encryptPrivateKey, isEncryptedPrivateKey } from '../../src/core/asn1/pkcs8.js';
import { encodeSpki } from '../../src/core/asn1/spki.js';
import { keyPairFromSeed } from '../../src/core/crypto/keys.js';
import type { KeyAlgName } from '../../src/core/crypto/types.js';
import { requireNode26, runNode26Json } from '../helpers/node26.js';
import { seededRng } from '../helpers/rng.js';

const node26 = requireNode26('PKCS#8 key interop with OpenSSL 3.5 (Node 26)');
const ALGS: KeyAlgName[] = ['ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87', 'ml-kem-768', 'ml-kem-1024'];
const PASS = 'correct horse battery staple';
const pw = new TextEncoder().encode(PASS);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

describe.skipIf(node26 === undefined)('OpenSSL 3.5 (Node 26) PKCS#8 interop', () => {
  it('we load keys Node 26 generates (plain and PBKDF2-encrypted), and our public key equals its public key', () => {
    const script = `
      import { generateKeyPairSync } from 'node:crypto';
      const out = [];
      for (const alg of ${JSON.stringify(ALGS)}) {
        const { privateKey, publicKey } = generateKeyPairSync(alg);
        out.push({
          alg,
          der: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('hex'),
          enc: privateKey.export({ format: 'der', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: ${JSON.stringify(PASS)} }).toString('hex'),
          spki: publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
        });
      }
      console.log(JSON.stringify(out));`;
    const keys = runNode26Json<{ alg: KeyAlgName; der: string; enc: string; spki: string }[]>(node26!, script);
    expect(keys.length).toBe(ALGS.length);
    for (const k of keys) {
      const d = decodePrivateKey(unhex(k.der));
      expect(d.alg).toBe(k.alg);
      expect(hex(encodeSpki(d.alg, d.publicKey))).toBe(k.spki);
      expect(isEncryptedPrivateKey(unhex(k.enc))).toBe(true);
      const plain = decryptPrivateKey(unhex(k.enc), pw);
      expect(hex(plain)).toBe(k.der);
    }
    console.log(`keys-openssl: loaded ${keys.length * 2} Node 26 keys (${keys.map((k) => `${k.alg}:${decodePrivateKey(unhex(k.der)).form}`).join(', ')})`);
  });

  it('Node 26 loads every key we write: plain, scrypt- and PBKDF2-encrypted', () => {
    const rng = seededRng('keys-openssl');
    const items: { name: string; der: string; spki: string; encrypted: boolean }[] = [];
    for (const alg of ALGS) {
      const seed = rng(alg.startsWith('ml-kem') ? 64 : 32);
      const der = encodePrivateKey(alg, seed);
      const spki = hex(encodeSpki(alg, keyPairFromSeed(alg, seed).publicKey));
      items.push({ name: `${alg}:plain`, der: hex(der), spki, encrypted: false });
      // Default scrypt cost (what the CLI writes) for one alg; a lighter cost for the rest keeps the test quick.
      const scryptCost = alg === 'ml-dsa-87' ? {} : { scrypt: { N: 1024, r: 8, p: 1 } };
      items.push({ name: `${alg}:scrypt`, der: hex(encryptPrivateKey(der, pw, { kdf: 'scrypt', rng, ...scryptCost })), spki, encrypted: true });
      const pbkdfCost = alg === 'ml-dsa-87' ? {} : { iterations: 2048 };
      items.push({ name: `${alg}:pbkdf2`, der: hex(encryptPrivateKey(der, pw, { kdf: 'pbkdf2', rng, ...pbkdfCost })), spki, encrypted: true });
    }
    const script = `
      import { createPrivateKey, createPublicKey } from 'node:crypto';
      const items = JSON.parse(process.argv[1]);
      const out = [];
      for (const it of items) {
        try {
          const opts = { key: Buffer.from(it.der, 'hex'), format: 'der', type: 'pkcs8' };
          if (it.encrypted) opts.passphrase = ${JSON.stringify(PASS)};
          const k = createPrivateKey(opts);
          const spki = createPublicKey(k).export({ format: 'der', type: 'spki' }).toString('hex');
          out.push({ name: it.name, ok: spki === it.spki, type: k.asymmetricKeyType });
        } catch (e) { out.push({ name: it.name, ok: false, error: String(e) }); }
      }
      console.log(JSON.stringify(out));`;
    const res = runNode26Json<{ name: string; ok: boolean; error?: string }[]>(node26!, script, [JSON.stringify(items)]);
    expect(res.length).toBe(items.length);
    for (const r of res) expect(r, r.name).toMatchObject({ ok: true });
    console.log(`keys-openssl: Node 26 loaded ${res.filter((r) => r.ok).length}/${items.length} writ keys`);
  });
});
