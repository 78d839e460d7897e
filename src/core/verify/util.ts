// Small helpers shared by the path-validation steps (RFC 5280 §6.1 terms: self-issued, name equality).
import { bytesEqual } from '../crypto/bytes.js';
import type { Certificate, Name } from '../x509/types.js';
import type { VerifyIssue } from './types.js';

/** Name equality by DER. RFC 5280 §7.1 allows smarter matching; CAs are required to copy names exactly. */
export function sameName(a: Name, b: Name): boolean {
  return bytesEqual(a.der, b.der);
}

/** §6.1: a certificate is self-issued when its subject and issuer names are the same. */
export function isSelfIssued(c: Certificate): boolean {
  return sameName(c.subject, c.issuer);
}

export function sameCert(a: Certificate, b: Certificate): boolean {
  return bytesEqual(a.der, b.der);
}

/** The label used in VerifyIssue.cert: the subject text, else the serial. */
export function certLabel(c: Certificate): string {
  return c.subject.text !== '' ? c.subject.text : `serial ${c.serialHex}`;
}

export function issue(code: VerifyIssue['code'], cert: string, message: string): VerifyIssue {
  return { code, cert, message };
}
