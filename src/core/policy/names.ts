// SPIFFE-style identities and the URI host subtrees that confine regions and enclaves (RFC 5280 §4.2.1.10).
//
// An identity is spiffe://<enclave>.<region>.<domain>/<path>. A regional CA is constrained to the URI
// host subtree ".<region>.<domain>" (any host below it); an enclave CA to the exact host
// "<enclave>.<region>.<domain>".
import { WritError } from '../errors.js';

/** A DNS label as we allow it for enclave and region names (RFC 1123 letters-digits-hyphen, lowercase). */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function checkLabel(kind: 'enclave' | 'region', label: string): string {
  if (!LABEL.test(label)) {
    throw new WritError('USAGE', `invalid ${kind} name "${label}": use lowercase letters, digits and inner hyphens (at most 63)`);
  }
  return label;
}

export function checkDomain(domain: string): string {
  const labels = domain.split('.');
  if (labels.length < 1 || !labels.every((l) => LABEL.test(l))) {
    throw new WritError('USAGE', `invalid trust domain "${domain}"`);
  }
  return domain;
}

export function regionHost(region: string, domain: string): string {
  return `${checkLabel('region', region)}.${checkDomain(domain)}`;
}

export function enclaveHost(enclave: string, region: string, domain: string): string {
  return `${checkLabel('enclave', enclave)}.${regionHost(region, domain)}`;
}

/** The name-constraint subtree for a region: every host below <region>.<domain>. */
export function regionSubtree(region: string, domain: string): string {
  return `.${regionHost(region, domain)}`;
}

export interface SpiffeId {
  uri: string;
  host: string;
  path: string;
}

/** Parses spiffe://host/path strictly: lowercase host, no port, userinfo, query or fragment. */
export function parseSpiffeId(uri: string): SpiffeId {
  const m = /^spiffe:\/\/([a-z0-9.-]+)(\/[A-Za-z0-9._\-/]*)?$/.exec(uri);
  if (!m || !m[1] || m[1].startsWith('.') || m[1].endsWith('.') || m[1].includes('..')) {
    throw new WritError('USAGE', `"${uri}" is not a SPIFFE ID of the form spiffe://<enclave>.<region>.<domain>/<path>`);
  }
  return { uri, host: m[1], path: m[2] ?? '' };
}

export function spiffeId(host: string, path: string): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  return parseSpiffeId(`spiffe://${host}${p === '/' ? '' : p}`).uri;
}
