// Reading PKI objects from files: DER or PEM (any number of blocks), certificates, CRLs and CSRs.
//
// Issue 2: "every file argument may hold one DER certificate, or any number of PEM blocks". Private
// keys live in keyfile.ts, so that `verify chain` does not load the PKCS#8/PBES2 code.
import { WritError } from '../core/errors.js';
import { pemDecodeAll, looksLikePem } from '../core/asn1/pem.js';
import { parseCertificate, parseCrl, parseCsr } from '../core/x509/parse.js';
import type { Certificate, Crl, Csr } from '../core/x509/types.js';
import { readFileLimited } from './io.js';

export interface Block {
  label: string | undefined; // undefined for raw DER
  der: Uint8Array;
}

/** The DER objects in a file: every PEM block, or the whole file as one DER object. */
export function readBlocks(file: string): Block[] {
  const bytes = readFileLimited(file);
  if (looksLikePem(bytes)) {
    const blocks = pemDecodeAll(Buffer.from(bytes).toString('latin1'));
    bytes.fill(0);
    if (blocks.length === 0) throw new WritError('PARSE', `${file}: no PEM block found`);
    return blocks.map((b) => ({ label: b.label, der: b.der }));
  }
  if (bytes.length === 0) throw new WritError('PARSE', `${file} is empty`);
  return [{ label: undefined, der: bytes }];
}

export function withFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof WritError && e.code === 'PARSE' && !e.message.includes(file)) {
      throw new WritError('PARSE', `${file}: ${e.message}`, { cause: e.cause ?? e });
    }
    throw e;
  }
}

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

/** Every certificate in a file (PEM blocks of other kinds are refused so a mix-up is noticed). */
export function readCerts(file: string): Certificate[] {
  return withFile(file, () =>
    readBlocks(file).map((b) => {
      if (b.label !== undefined && !CERT_LABELS.has(b.label)) {
        throw new WritError('PARSE', `${file}: expected CERTIFICATE PEM blocks, found "${b.label}"`);
      }
      return parseCertificate(b.der);
    }),
  );
}

export function readCert(file: string): Certificate {
  const certs = readCerts(file);
  if (certs.length !== 1) throw new WritError('USAGE', `${file} holds ${certs.length} certificates; expected exactly one`);
  return certs[0]!;
}

export function readCrls(file: string): Crl[] {
  return withFile(file, () =>
    readBlocks(file).map((b) => {
      if (b.label !== undefined && b.label !== 'X509 CRL') throw new WritError('PARSE', `${file}: expected X509 CRL PEM blocks, found "${b.label}"`);
      return parseCrl(b.der);
    }),
  );
}

export function readCsr(file: string): Csr {
  return withFile(file, () => {
    const blocks = readBlocks(file);
    if (blocks.length !== 1) throw new WritError('USAGE', `${file} holds ${blocks.length} PEM blocks; expected one CSR`);
    const b = blocks[0]!;
    if (b.label !== undefined && b.label !== 'CERTIFICATE REQUEST' && b.label !== 'NEW CERTIFICATE REQUEST') {
      throw new WritError('PARSE', `${file}: expected a CERTIFICATE REQUEST PEM block, found "${b.label}"`);
    }
    return parseCsr(b.der);
  });
}

