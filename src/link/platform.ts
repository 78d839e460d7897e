// Feature detection for the post-quantum TLS link (issue 5): does this Node.js's OpenSSL do ML-DSA (FIPS 204, RFC 9881 keys) and the TLS 1.3 group X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem)?
//
// Detection tries the features themselves, never a version string: a Node built against a different
// OpenSSL (or a distribution that patched one in) answers for what it can really do.
import * as crypto from 'node:crypto';
import * as tls from 'node:tls';
import { WritError } from '../core/errors.js';

/** The one key-exchange group a writ link may use (hybrid X25519 + ML-KEM-768, IANA codepoint 0x11EC). */
export const LINK_GROUP = 'X25519MLKEM768';

export interface LinkSupport {
  ok: boolean;
  /** What is missing, in words ("ML-DSA keys", "the TLS group X25519MLKEM768"). */
  missing: string[];
  node: string;
  openssl: string;
}

export function linkSupport(): LinkSupport {
  const missing: string[] = [];
  try {
    crypto.generateKeyPairSync('ml-dsa-44' as never);
  } catch {
    missing.push('ML-DSA keys (FIPS 204)');
  }
  try {
    tls.createSecureContext({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ecdhCurve: LINK_GROUP });
  } catch {
    missing.push(`the TLS 1.3 key-exchange group ${LINK_GROUP}`);
  }
  return { ok: missing.length === 0, missing, node: process.version, openssl: process.versions.openssl ?? 'unknown' };
}

/** The plain message for a platform that cannot run the link; the same text the CLI and the demo print. */
export function unsupportedMessage(s: LinkSupport): string {
  return `this Node.js (${s.node}, OpenSSL ${s.openssl}) lacks ${s.missing.join(' and ')}, so it cannot run a post-quantum TLS link; run writ under Node.js 26 or later (OpenSSL 3.5+)`;
}

/** Throws UNSUPPORTED_PLATFORM (exit 5) when the link cannot run here. */
export function requireLinkSupport(): LinkSupport {
  const s = linkSupport();
  if (!s.ok) throw new WritError('UNSUPPORTED_PLATFORM', unsupportedMessage(s));
  return s;
}
