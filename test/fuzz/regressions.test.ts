// Regression tests for the bugs the X.509 / CMS / key / PEM fuzzers and the OpenSSL differential found (issue 8): each input with the code it must now get.
//
// One test per bug, numbered as in docs/fuzzing.md ("Bugs found"). Small inputs are given as exact hex;
// large ones (megabytes of repeated text) are built exactly the way the fuzzer produced them.
import { describe, expect, it } from 'vitest';
import { errCode } from '../helpers/errors.js';
import { algorithmIdentifier } from '../../src/core/asn1/alg-id.js';
import { integer, octetString, seq } from '../../src/core/asn1/der.js';
import { decodeName } from '../../src/core/asn1/name.js';
import { pemDecodeAll, pemEncode } from '../../src/core/asn1/pem.js';
import { decodePrivateKey, decryptPrivateKey } from '../../src/core/asn1/pkcs8.js';
import { signCms, verifyCms } from '../../src/core/cms/signed-data.js';
import { MAX_CMS_SIGNERS } from '../../src/core/limits.js';
import { parseCertificates, parseCrl, serialHexOf } from '../../src/core/x509/parse.js';
import { replayInput, runOne } from './harness.js';
import crlFormat from './formats/crl.js';
import privateKeyFormats from './formats/private-key.js';
import { fuzzPki } from './formats/_fixture.js';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const te = new TextEncoder();

describe('bug 1: PBES2 scrypt/PBKDF2 costs of a hostile key file were barely bounded', () => {
  // EncryptedPrivateKeyInfo (RFC 5958 §3) with PBES2 (RFC 8018 §6.2) and the given KDF.
  const salt = octetString(new Uint8Array(16));
  const cbc = algorithmIdentifier('2.16.840.1.101.3.4.1.42', octetString(new Uint8Array(16)));
  const epki = (kdf: Uint8Array): Uint8Array => seq(algorithmIdentifier('1.2.840.113549.1.5.13', seq(kdf, cbc)), octetString(new Uint8Array(32)));
  const scrypt = (N: number, r: number, p: number): Uint8Array => algorithmIdentifier('1.3.6.1.4.1.11591.4.11', seq(salt, integer(N), integer(r), integer(p)));
  const pbkdf2 = (c: number): Uint8Array => algorithmIdentifier('1.2.840.113549.1.5.12', seq(salt, integer(c), algorithmIdentifier('1.2.840.113549.2.9', Uint8Array.of(5, 0))));
  const pw = te.encode('pw');

  it('p = 2^20 (was accepted: hours of scrypt), N = 2^20 (1 GiB, was accepted) and 2,000,001 PBKDF2 rounds (10^7 was accepted): LIMIT', () => {
    const hugeP = epki(scrypt(2 ** 14, 8, 2 ** 20));
    expect(Buffer.from(hugeP).toString('hex')).toBe(
      '307d305906092a864886f70d01050d304c302b06092b06010401da47040b301e041000000000000000000000000000000000020240000201080203100000301d060960864801650304012a04100000000000000000000000000000000004200000000000000000000000000000000000000000000000000000000000000000',
    );
    expect(errCode(() => decryptPrivateKey(hugeP, pw))).toBe('LIMIT');
    expect(errCode(() => decryptPrivateKey(epki(scrypt(2 ** 20, 8, 1)), pw))).toBe('LIMIT');
    expect(errCode(() => decryptPrivateKey(epki(scrypt(2 ** 14, 8, 5)), pw))).toBe('LIMIT'); // just over writ's default work
    expect(errCode(() => decryptPrivateKey(epki(pbkdf2(2_000_001)), pw))).toBe('LIMIT');
    // Cheap costs still run the KDF (and then fail on the 32 zero bytes: BAD_PASSPHRASE).
    expect(errCode(() => decryptPrivateKey(epki(scrypt(16, 8, 1)), pw))).toBe('BAD_PASSPHRASE');
    expect(errCode(() => decryptPrivateKey(epki(pbkdf2(16)), pw))).toBe('BAD_PASSPHRASE');
  });
});

describe('bug 2: PEM decoding was quadratic in BEGIN lines without an END', () => {
  it('64,000 "-----BEGIN A-----" lines (1.1 MB; was ~30 s of regexp rescans): PARSE at once', () => {
    expect(errCode(() => pemDecodeAll('-----BEGIN A-----\n'.repeat(64_000)))).toBe('PARSE');
    expect(errCode(() => pemDecodeAll(`${'-----BEGIN A-----\n'.repeat(64_000)}-----END A`))).toBe('PARSE');
    // The linear scanner keeps the old semantics: stray BEGIN text before a block is explanatory text.
    const der = hex('300302010a');
    expect(pemDecodeAll(`-----BEGIN X\n${pemEncode('A', der)}`)).toEqual([{ label: 'A', der }]);
  });
});

describe('bug 3: a 5 MB PEM body overflowed the base64 regexp (RangeError: Maximum call stack size exceeded)', () => {
  it('a CERTIFICATE block of 5,000,000 base64 characters: decodes, then PARSE as a certificate', () => {
    const text = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(5_000_000)}\n-----END CERTIFICATE-----\n`;
    const blocks = pemDecodeAll(text);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.der.length).toBe(3_750_000);
    expect(errCode(() => parseCertificates(te.encode(text)))).toBe('PARSE');
    // Strict base64 is unchanged: padding only at the end, whole 4-character groups.
    for (const bad of ['A===', 'AA=A', 'AAA', 'AA==AAAA', '====']) expect(errCode(() => pemDecodeAll(`-----BEGIN A-----\n${bad}\n-----END A-----\n`))).toBe('PARSE');
    expect(pemDecodeAll('-----BEGIN A-----\nAA==\n-----END A-----\n')[0]!.der).toEqual(Uint8Array.of(0));
  });
});

describe('bug 4: a Name value of a known string attribute type with a non-string type was accepted (differential vs OpenSSL)', () => {
  it('CN = OBJECT IDENTIFIER 2.5.29.15 (issuer of a mutated root certificate): PARSE', () => {
    expect(errCode(() => decodeName(hex('302231123010060355040a0c09777269742e74657374310c300a06035504030603551d0f')))).toBe('PARSE');
    // O = BOOLEAN TRUE, OU = BOOLEAN TRUE, CN = [0] { UTF8String }, CN = [12] primitive (from the same run).
    expect(errCode(() => decodeName(hex('3039310a3008060355040a0101ff310e300c060355040b0c05736f757468311b301906035504030c126f72636861726420656e636c617665204341')))).toBe('PARSE');
    expect(errCode(() => decodeName(hex('304331123010060355040a0c09777269742e74657374310e300c060355040b0c05736f757468311d301b0603550403a0140c126f72636861726420656e636c617665204341')))).toBe('PARSE');
    expect(errCode(() => decodeName(hex('304031123010060355040a0c09777269742e74657374310e300c060355040b0c056e6f727468311a301806035504032c11686172626f7220656e636c617665204341')))).toBe('PARSE');
  });

  it('an attribute type writ does not know keeps X.501 ANY and renders as #hex (RFC 4514 §2.4)', () => {
    const n = decodeName(hex('304831123010060355040a0c09777269742e74657374312430220603551d25041b301906176981f991f3bfbd9892badf9b97aadde8d7c3ca76020101310c300a06035504030c03617069'));
    expect(n.text).toBe('O=writ.test, 2.5.29.37=#041b301906176981f991f3bfbd9892badf9b97aadde8d7c3ca76020101, CN=api');
  });
});

describe('bug 5: a SignedData with 2,002 SignerInfos verified every one (30 s)', () => {
  it(`${MAX_CMS_SIGNERS} signers verify; ${MAX_CMS_SIGNERS + 1} are LIMIT before any signature is checked`, () => {
    const h = fuzzPki().enclaves.harbor;
    const content = te.encode('signers');
    const signers = (n: number): { signer: NonNullable<typeof h.signing.signer>; cert: typeof h.signing.cert }[] =>
      Array.from({ length: n }, () => ({ signer: h.signing.signer!, cert: h.signing.cert }));
    const atLimit = verifyCms(signCms({ content, signers: signers(MAX_CMS_SIGNERS) }));
    expect(atLimit.signers).toHaveLength(MAX_CMS_SIGNERS);
    expect(atLimit.signers.every((s) => s.ok)).toBe(true);
    expect(errCode(() => verifyCms(signCms({ content, signers: signers(MAX_CMS_SIGNERS + 1) })))).toBe('LIMIT');
  });
});

describe('bug 6: a negative serial read the same as the positive serial of the same octets (differential vs OpenSSL)', () => {
  it('serial contents 80 is -128 ("-80", as OpenSSL prints it), 00 80 is 128 ("80")', () => {
    expect(serialHexOf(hex('80'))).toBe('-80');
    expect(serialHexOf(hex('0080'))).toBe('80');
    expect(serialHexOf(hex('ff'))).toBe('-01');
    expect(serialHexOf(hex('ff7f'))).toBe('-81');
    expect(serialHexOf(hex('00'))).toBe('00');
    expect(serialHexOf(hex('7f'))).toBe('7f');
  });

  it('a CRL entry is read the same way: "-01" for contents ff (crl fuzzer, seed 24302 path 13133, which the format check, still expecting plain hex, flagged)', () => {
    const input = replayInput(crlFormat, 24302, '13133');
    const crl = parseCrl(input);
    expect(crl.revoked.map((r) => r.serialHex)).toContain('-01');
    // The mutant's to-be-signed changed, so it must not verify under the CA key: the check passes.
    expect(runOne(crlFormat, input)).toEqual({ ok: true });
  });
});

describe('bug 7: a PKCS#8 key with garbage in its attributes [0] was accepted (the field was skipped unread)', () => {
  it('attributes = [0] { [0] { ... OCTET STRING } } nested 8 deep (private-key fuzzer, seed 24301 path 22330): PARSE', () => {
    const input = hex(
      '3081a8020100300b060960864801650304040204428040d2395ea1d69cbd952ddb0d0a93d0bae0bf65232e83e3b5d7c85924765e5df37903b91d64389bff4968fff05033a6aa0c12e80bc7931a5f526acfa4444bc00e6ba052a050a04ea04ca04aa048a046a04404428040d2395ea1d69cbd952ddb0d0a93d0bae0bf65232e83e3b5d7c85924765e5df37903b91d64389bff4968fff05033a6aa0c12e80bc7931a5f526acfa4444bc00e6b',
    );
    expect(errCode(() => decodePrivateKey(input))).toBe('PARSE');
    // The same key with a well-formed attribute (SEQUENCE { OID, SET {} }) and without attributes: accepted.
    const base = '020100300b060960864801650304040204428040d2395ea1d69cbd952ddb0d0a93d0bae0bf65232e83e3b5d7c85924765e5df37903b91d64389bff4968fff05033a6aa0c12e80bc7931a5f526acfa4444bc00e6b';
    expect(decodePrivateKey(hex(`3054${base}`)).alg).toBe('ml-kem-768');
    expect(decodePrivateKey(hex(`305f${base}a009300706032a03043100`)).alg).toBe('ml-kem-768');
  });
});

describe('bug 8: an encrypted key asking for 1.1-1.35 million PBKDF2 rounds took 1.05-1.35 s of CPU in pure-JS PBKDF2 (100,000-case run, 22 Nov 2026)', () => {
  it('seed 24302 path 1171 (iteration count 0x149c78 = 1,350,776, under MAX_PBKDF2_ITERATIONS): now OpenSSL PBKDF2, BAD_PASSPHRASE under the 1 s oracle', () => {
    const f = privateKeyFormats.find((x) => x.name === 'private-key-encrypted')!;
    const input = replayInput(f, 24302, '1171');
    expect(Buffer.from(input).toString('hex')).toContain('020314' + '9c78');
    expect(runOne(f, input)).toEqual({ ok: false, code: 'BAD_PASSPHRASE' });
  });
});
