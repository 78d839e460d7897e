// Name-constraint matching and the name-constraints step (RFC 5280 §4.2.1.10, §6.1.3 (b)(c), §6.1.4 (g)).
//
// Constraints are kept per issuing CA (plus the trust anchor's) rather than folded into one intersected
// set: a name must satisfy the permitted subtrees of EVERY constraining CA that has subtrees of its
// type, and must match no excluded subtree of any of them. That is exactly the intersection/union
// semantics of §6.1.4 (g) without having to compute intersections of subtrees.
//
// Forms we cannot evaluate fail closed (§4.2.1.10: "If a name constraints extension that is marked as
// critical imposes constraints on a particular name form, and an instance of that name form appears
// in the subject field or subjectAltName extension of a subsequent certificate, then the application
// MUST either process the constraint or reject the certificate").
import type { Certificate, GeneralName, GeneralSubtree, Name, NameConstraints } from '../x509/types.js';
import { generalNameText } from '../asn1/name.js';
import { MAX_NAME_CONSTRAINT_WORK } from '../limits.js';

/** Attribute type of emailAddress in a subject DN (PKCS #9); constrained as rfc822Name (§4.2.1.10). */
export const EMAIL_ADDRESS_OID = '1.2.840.113549.1.9.1';

/** Above this many (name, subtree) comparisons per certificate we refuse (quadratic blow-up guard). */
export const NC_WORK_LIMIT = MAX_NAME_CONSTRAINT_WORK;

export type NameKind = GeneralName['type'];

/** The kind key that decides which subtrees a name is compared against ("other" names also by tag). */
function kindKey(n: GeneralName): string {
  return n.type === 'other' ? `other:${n.tag}` : n.type;
}

// ---------------------------------------------------------------------------------------------------
// Syntax checks. A malformed name of a constrained type cannot be shown to lie inside the permitted
// namespace, so it fails; a malformed constraint cannot be evaluated, so it fails too.

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** RFC 1034 §3.5 preferred name syntax (as RFC 5280 §4.2.1.6 requires for dNSName). */
export function isDnsName(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  return s.split('.').every((l) => DNS_LABEL.test(l));
}

/** A dNSName SAN: preferred syntax, optionally with a single leading "*." wildcard label. */
function isDnsSanName(s: string): boolean {
  if (s.startsWith('*.')) return isDnsName(s.slice(2));
  return isDnsName(s);
}

/** Splits an rfc822 mailbox into local part and domain; undefined when it is not exactly local@domain. */
function splitMailbox(s: string): { local: string; domain: string } | undefined {
  const at = s.indexOf('@');
  if (at <= 0 || at !== s.lastIndexOf('@') || at === s.length - 1) return undefined;
  const domain = s.slice(at + 1);
  if (!isDnsName(domain)) return undefined;
  return { local: s.slice(0, at), domain };
}

/** The host of a URI with an authority ("scheme://[userinfo@]host[:port]/..."), lowercase; undefined otherwise. */
export function uriHost(uri: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(uri);
  if (!m || m[1] === undefined) return undefined;
  let auth = m[1];
  const at = auth.lastIndexOf('@');
  if (at >= 0) auth = auth.slice(at + 1);
  if (auth.startsWith('[')) return undefined; // IP literal: not a domain name, cannot match a host subtree
  const colon = auth.indexOf(':');
  if (colon >= 0) auth = auth.slice(0, colon);
  const host = auth.toLowerCase();
  return isDnsName(host) ? host : undefined;
}

function isContiguousMask(mask: Uint8Array): boolean {
  let seenZero = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const one = ((byte >> bit) & 1) === 1;
      if (one && seenZero) return false;
      if (!one) seenZero = true;
    }
  }
  return true;
}

/** Why a subtree cannot be evaluated, or undefined when it is well formed (§4.2.1.10). */
export function subtreeProblem(st: GeneralSubtree): string | undefined {
  // §4.2.1.10: "minimum MUST be zero, and maximum MUST be absent"; anything else we cannot honour.
  if ((st.minimum ?? 0) !== 0 || st.maximum !== undefined) return 'subtree with minimum/maximum';
  const b = st.base;
  switch (b.type) {
    case 'dns':
      // Zero or more labels may be added on the left; a leading period or a wildcard is not DNS syntax.
      return b.value === '' || isDnsName(b.value) ? undefined : `malformed dNSName constraint "${b.value}"`;
    case 'uri': {
      const v = b.value.startsWith('.') ? b.value.slice(1) : b.value;
      return isDnsName(v) ? undefined : `malformed URI host constraint "${b.value}"`;
    }
    case 'email': {
      if (b.value.includes('@')) return splitMailbox(b.value) ? undefined : `malformed rfc822Name constraint "${b.value}"`;
      const v = b.value.startsWith('.') ? b.value.slice(1) : b.value;
      return isDnsName(v) ? undefined : `malformed rfc822Name constraint "${b.value}"`;
    }
    case 'ip': {
      const n = b.value.length;
      if (n !== 8 && n !== 32) return 'iPAddress constraint is not address+mask (8 or 32 octets)';
      return isContiguousMask(b.value.subarray(n / 2)) ? undefined : 'iPAddress constraint mask is not contiguous';
    }
    case 'dn':
      return undefined;
    case 'other':
      return undefined; // judged when a name of that form appears (fail closed there)
  }
}

// ---------------------------------------------------------------------------------------------------
// Matchers: is `name` inside the subtree `base`? Both are of the same kind.

function dnsWithin(name: string, base: string): boolean {
  if (base === '') return true;
  const n = name.toLowerCase();
  const b = base.toLowerCase();
  return n === b || n.endsWith(`.${b}`);
}

/** URI host subtree: "host" matches exactly that host, ".domain" any host strictly below it (§4.2.1.10). */
export function uriHostWithin(host: string, base: string): boolean {
  const b = base.toLowerCase();
  const h = host.toLowerCase();
  if (b.startsWith('.')) return h.endsWith(b) && h.length > b.length;
  return h === b;
}

function emailWithin(mailbox: { local: string; domain: string }, base: string): boolean {
  const domain = mailbox.domain.toLowerCase();
  if (base.includes('@')) {
    const c = splitMailbox(base);
    // The local part is compared exactly ("*" is a literal character); the domain case-insensitively.
    return c !== undefined && c.local === mailbox.local && c.domain.toLowerCase() === domain;
  }
  const b = base.toLowerCase();
  if (b.startsWith('.')) return domain.endsWith(b) && domain.length > b.length;
  return domain === b;
}

function ipWithin(addr: Uint8Array, base: Uint8Array): boolean {
  const len = base.length / 2;
  if (addr.length !== len) return false; // IPv4 never matches an IPv6 subtree and vice versa
  for (let i = 0; i < len; i++) {
    const mask = base[len + i] as number;
    if (((addr[i] as number) & mask) !== ((base[i] as number) & mask)) return false;
  }
  return true;
}

/** RFC 5280 §7.1 string comparison, simplified: case-insensitive, surrounding and repeated spaces ignored. */
function normalizeAttr(v: string): string {
  return v.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** directoryName subtree: the constraint's RDNs are a prefix of the name's RDNs (§4.2.1.10, §7.1). */
export function dnWithin(name: Name, base: Name): boolean {
  if (base.rdns.length > name.rdns.length) return false;
  for (let i = 0; i < base.rdns.length; i++) {
    const c = base.rdns[i] as Name['rdns'][number];
    const n = name.rdns[i] as Name['rdns'][number];
    if (c.length !== n.length) return false;
    for (const ca of c) {
      if (!n.some((na) => na.type === ca.type && normalizeAttr(na.value) === normalizeAttr(ca.value))) return false;
    }
  }
  return true;
}

export type Match = 'in' | 'out' | 'malformed' | 'unsupported';

/**
 * Whether `name` lies in the subtree `base` (same kind). For a wildcard dNSName ("*.b") `mode` says
 * what we need: for permitted subtrees every name the pattern covers must be inside; for excluded
 * subtrees any overlap counts as inside (CVE-2025-61727).
 */
export function nameInSubtree(name: GeneralName, base: GeneralName, mode: 'permitted' | 'excluded'): Match {
  switch (name.type) {
    case 'dns': {
      if (base.type !== 'dns') return 'out';
      if (!isDnsSanName(name.value)) return 'malformed';
      if (name.value.startsWith('*.')) {
        const rest = name.value.slice(2);
        if (dnsWithin(rest, base.value)) return 'in';
        if (mode === 'excluded') {
          // "*.b" overlaps "x.b" (exactly one more label than b).
          const bv = base.value.toLowerCase();
          const r = rest.toLowerCase();
          if (bv.endsWith(`.${r}`) && !bv.slice(0, bv.length - r.length - 1).includes('.')) return 'in';
        }
        return 'out';
      }
      return dnsWithin(name.value, base.value) ? 'in' : 'out';
    }
    case 'uri': {
      if (base.type !== 'uri') return 'out';
      const host = uriHost(name.value);
      if (host === undefined) return 'malformed';
      return uriHostWithin(host, base.value) ? 'in' : 'out';
    }
    case 'email': {
      if (base.type !== 'email') return 'out';
      const mb = splitMailbox(name.value);
      if (!mb) return 'malformed';
      return emailWithin(mb, base.value) ? 'in' : 'out';
    }
    case 'ip': {
      if (base.type !== 'ip') return 'out';
      if (name.value.length !== 4 && name.value.length !== 16) return 'malformed';
      return ipWithin(name.value, base.value) ? 'in' : 'out';
    }
    case 'dn':
      if (base.type !== 'dn') return 'out';
      return dnWithin(name.value, base.value) ? 'in' : 'out';
    case 'other':
      if (base.type !== 'other' || base.tag !== name.tag) return 'out';
      return 'unsupported';
  }
}

/** The names of a certificate that name constraints apply to (§6.1.3 (b)(c)). */
export function constrainedNames(cert: Certificate): GeneralName[] {
  const out: GeneralName[] = [];
  if (cert.subject.rdns.length > 0) {
    out.push({ type: 'dn', value: cert.subject });
    // Legacy emailAddress attributes in the subject DN are constrained as rfc822Name (§4.2.1.10).
    for (const rdn of cert.subject.rdns) {
      for (const atv of rdn) if (atv.type === EMAIL_ADDRESS_OID) out.push({ type: 'email', value: atv.value });
    }
  }
  for (const n of cert.subjectAltNames ?? []) out.push(n);
  return out;
}

/** generalNameText, except that IP values (which may be address+mask constraints) print as dotted octets and other forms by tag. */
export function describeName(n: GeneralName): string {
  if (n.type === 'ip') return `IP:${Array.from(n.value).join('.')}`;
  if (n.type === 'other') return `name form [${n.tag}]`;
  return generalNameText(n);
}

export type NcCheck = { ok: true } | { ok: false; code: 'NAME_CONSTRAINT' | 'LIMIT'; message: string };

/**
 * Checks `names` against one CA's constraints. `source` names the constraining CA in messages.
 * Returns the first violation.
 */
export function checkNamesAgainst(names: readonly GeneralName[], nc: NameConstraints, source: string): NcCheck {
  const permitted = nc.permitted ?? [];
  const excluded = nc.excluded ?? [];
  if (names.length * (permitted.length + excluded.length) > NC_WORK_LIMIT) {
    return {
      ok: false,
      code: 'LIMIT',
      message: `${names.length} names against ${permitted.length + excluded.length} name constraints of ${source} exceeds the work limit`,
    };
  }
  for (const st of [...permitted, ...excluded]) {
    const p = subtreeProblem(st);
    if (p) return { ok: false, code: 'NAME_CONSTRAINT', message: `${source}: ${p}` };
  }
  for (const name of names) {
    const key = kindKey(name);
    const sameKindPermitted = permitted.filter((st) => kindKey(st.base) === key);
    const sameKindExcluded = excluded.filter((st) => kindKey(st.base) === key);
    if (sameKindPermitted.length === 0 && sameKindExcluded.length === 0) continue;
    for (const st of sameKindExcluded) {
      const m = nameInSubtree(name, st.base, 'excluded');
      if (m !== 'out') {
        return { ok: false, code: 'NAME_CONSTRAINT', message: verdict(name, m, `is in an excluded subtree of ${source}`) };
      }
    }
    if (sameKindPermitted.length > 0) {
      let inside = false;
      for (const st of sameKindPermitted) {
        const m = nameInSubtree(name, st.base, 'permitted');
        if (m === 'in') {
          inside = true;
          break;
        }
        if (m !== 'out') return { ok: false, code: 'NAME_CONSTRAINT', message: verdict(name, m, `cannot be checked against ${source}`) };
      }
      if (!inside) {
        return { ok: false, code: 'NAME_CONSTRAINT', message: `${describeName(name)} is outside the permitted subtrees of ${source}` };
      }
    }
  }
  return { ok: true };
}

function verdict(name: GeneralName, m: Match, what: string): string {
  if (m === 'malformed') return `${describeName(name)} is malformed and ${what.replace(/^is /, 'may be ')}`;
  if (m === 'unsupported') return `${describeName(name)}: this name form is constrained by a form we do not evaluate (fail closed)`;
  return `${describeName(name)} ${what}`;
}
