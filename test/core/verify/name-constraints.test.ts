// Unit tests for the RFC 5280 §4.2.1.10 name-constraint matcher: URI hosts (writ's main case), dNSName,
// rfc822Name, iPAddress, directoryName, fail-closed forms and the work bound.
import { describe, expect, it } from 'vitest';
import {
  checkNamesAgainst,
  nameInSubtree,
  subtreeProblem,
  uriHost,
  uriHostWithin,
  NC_WORK_LIMIT,
  constrainedNames,
} from '../../../src/core/verify/name-constraints.js';
import { decodeName, parseDn } from '../../../src/core/asn1/name.js';
import type { Certificate, GeneralName, NameConstraints } from '../../../src/core/x509/types.js';

const uri = (value: string): GeneralName => ({ type: 'uri', value });
const dns = (value: string): GeneralName => ({ type: 'dns', value });
const email = (value: string): GeneralName => ({ type: 'email', value });
const ip = (...b: number[]): GeneralName => ({ type: 'ip', value: Uint8Array.from(b) });
const dn = (text: string): GeneralName => ({ type: 'dn', value: decodeName(parseDn(text)) });
const permit = (...bases: GeneralName[]): NameConstraints => ({ permitted: bases.map((base) => ({ base })) });
const exclude = (...bases: GeneralName[]): NameConstraints => ({ excluded: bases.map((base) => ({ base })) });
const okFor = (names: GeneralName[], nc: NameConstraints) => checkNamesAgainst(names, nc, 'CA').ok;

describe('URI host subtrees (writ identities)', () => {
  it('extracts the host of a URI', () => {
    expect(uriHost('spiffe://harbor.north.writ.test/workload/api')).toBe('harbor.north.writ.test');
    expect(uriHost('https://user@Example.COM:8443/x?y')).toBe('example.com');
    expect(uriHost('urn:uuid:1234')).toBeUndefined();
    expect(uriHost('https://[::1]/')).toBeUndefined();
  });

  it('exact host vs ".domain" subtree', () => {
    expect(uriHostWithin('harbor.north.writ.test', 'harbor.north.writ.test')).toBe(true);
    expect(uriHostWithin('x.harbor.north.writ.test', 'harbor.north.writ.test')).toBe(false);
    expect(uriHostWithin('harbor.north.writ.test', '.north.writ.test')).toBe(true);
    expect(uriHostWithin('north.writ.test', '.north.writ.test')).toBe(false);
    expect(uriHostWithin('evilnorth.writ.test', '.north.writ.test')).toBe(false);
    expect(uriHostWithin('HARBOR.north.writ.test', 'harbor.NORTH.writ.test')).toBe(true);
  });

  it('region and enclave constraints together', () => {
    const region = permit(uri('.north.writ.test'));
    const enclave = permit(uri('harbor.north.writ.test'));
    const id = uri('spiffe://harbor.north.writ.test/w');
    expect(okFor([id], region) && okFor([id], enclave)).toBe(true);
    expect(okFor([uri('spiffe://orchard.south.writ.test/w')], region)).toBe(false);
    expect(okFor([uri('spiffe://dock.north.writ.test/w')], enclave)).toBe(false);
  });

  it('a URI without a host under a URI constraint fails closed', () => {
    const r = checkNamesAgainst([uri('urn:example:x')], permit(uri('.writ.test')), 'CA');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/malformed/);
    expect(okFor([uri('urn:example:x')], exclude(uri('.writ.test')))).toBe(false);
  });
});

describe('dNSName', () => {
  it('adds labels on the left only', () => {
    expect(nameInSubtree(dns('example.com'), dns('example.com'), 'permitted')).toBe('in');
    expect(nameInSubtree(dns('www.Example.com'), dns('example.COM'), 'permitted')).toBe('in');
    expect(nameInSubtree(dns('notexample.com'), dns('example.com'), 'permitted')).toBe('out');
    expect(nameInSubtree(dns('anything.org'), dns(''), 'permitted')).toBe('in');
  });

  it('wildcard names: permitted only when every match is inside; excluded on any overlap', () => {
    expect(nameInSubtree(dns('*.foo.com'), dns('foo.com'), 'permitted')).toBe('in');
    expect(nameInSubtree(dns('*.example.com'), dns('foo.example.com'), 'permitted')).toBe('out');
    expect(nameInSubtree(dns('*.example.com'), dns('bar.example.com'), 'excluded')).toBe('in');
    expect(nameInSubtree(dns('*.example.com'), dns('a.bar.example.com'), 'excluded')).toBe('out');
    expect(okFor([dns('*.example.com')], exclude(dns('bar.example.com')))).toBe(false);
  });

  it('malformed names and constraints fail', () => {
    expect(nameInSubtree(dns('.example.com'), dns('example.com'), 'permitted')).toBe('malformed');
    expect(okFor([dns('.example.com')], permit(dns('example.com')))).toBe(false);
    expect(subtreeProblem({ base: dns('.example.com') })).toMatch(/malformed/);
    expect(subtreeProblem({ base: dns('*.example.com') })).toMatch(/malformed/);
    expect(subtreeProblem({ base: dns('example.com'), minimum: 1 })).toMatch(/minimum/);
    expect(okFor([dns('a.example.com')], permit(dns('*.example.com')))).toBe(false);
  });

  it('permitted and excluded: excluded wins; other forms are unconstrained', () => {
    const nc: NameConstraints = { permitted: [{ base: dns('example.com') }], excluded: [{ base: dns('example.com') }] };
    expect(okFor([dns('example.com')], nc)).toBe(false);
    expect(okFor([dns('example.com')], permit(ip(192, 0, 2, 0, 255, 255, 255, 0)))).toBe(true);
  });
});

describe('rfc822Name', () => {
  it('mailbox, host and domain forms; "*" is literal', () => {
    expect(nameInSubtree(email('foo@example.com'), email('foo@example.com'), 'permitted')).toBe('in');
    expect(nameInSubtree(email('foo@EXAMPLE.com'), email('example.com'), 'permitted')).toBe('in');
    expect(nameInSubtree(email('foo@sub.example.com'), email('example.com'), 'permitted')).toBe('out');
    expect(nameInSubtree(email('foo@sub.example.com'), email('.example.com'), 'permitted')).toBe('in');
    expect(nameInSubtree(email('foo@example.com'), email('.example.com'), 'permitted')).toBe('out');
    expect(nameInSubtree(email('user@example.com'), email('*@example.com'), 'permitted')).toBe('out');
    expect(nameInSubtree(email('*@example.com'), email('*@example.com'), 'permitted')).toBe('in');
    expect(nameInSubtree(email('Foo@example.com'), email('foo@example.com'), 'permitted')).toBe('out');
  });

  it('malformed mailboxes and constraints fail', () => {
    expect(nameInSubtree(email('invalid@address@example.com'), email('example.com'), 'permitted')).toBe('malformed');
    expect(subtreeProblem({ base: email('invalid@invalid@example.com') })).toMatch(/malformed/);
  });

  it('the emailAddress attribute of the subject is constrained too', () => {
    const subj = decodeName(parseDn('CN=x, 1.2.840.113549.1.9.1=bad@elsewhere.org'));
    const names = constrainedNames({ subject: subj, subjectAltNames: [] } as unknown as Certificate);
    expect(names.filter((n) => n.type === 'email').map((n) => n.value)).toEqual(['bad@elsewhere.org']);
    expect(okFor(names, permit(email('example.com')))).toBe(false);
    expect(okFor(names, permit(email('elsewhere.org')))).toBe(true);
  });
});

describe('iPAddress', () => {
  it('matches under the mask, never across families', () => {
    const v4net = ip(192, 0, 2, 0, 255, 255, 255, 0);
    expect(nameInSubtree(ip(192, 0, 2, 77), v4net, 'permitted')).toBe('in');
    expect(nameInSubtree(ip(192, 0, 3, 1), v4net, 'permitted')).toBe('out');
    const v6one = ip(...new Array(15).fill(0), 1, ...new Array(16).fill(255));
    expect(nameInSubtree(ip(...new Array(15).fill(0), 1), v6one, 'permitted')).toBe('in');
    expect(nameInSubtree(ip(192, 0, 2, 1), v6one, 'permitted')).toBe('out');
  });

  it('a CIDR in a SAN and a non-CIDR constraint fail', () => {
    expect(nameInSubtree(ip(192, 0, 2, 0, 255, 255, 255, 0), ip(192, 0, 2, 0, 255, 255, 255, 0), 'permitted')).toBe('malformed');
    expect(subtreeProblem({ base: ip(192, 0, 2, 0) })).toMatch(/8 or 32/);
    expect(subtreeProblem({ base: ip(192, 0, 2, 0, 255, 0, 255, 0) })).toMatch(/contiguous/);
  });
});

describe('directoryName', () => {
  it('the constraint is an RDN prefix of the name', () => {
    expect(nameInSubtree(dn('O=writ.test, OU=north, CN=x'), dn('O=writ.test'), 'permitted')).toBe('in');
    expect(nameInSubtree(dn('O=writ.test, OU=north, CN=x'), dn('O=writ.test, OU=north'), 'permitted')).toBe('in');
    expect(nameInSubtree(dn('O=writ.test, OU=south, CN=x'), dn('O=writ.test, OU=north'), 'permitted')).toBe('out');
    expect(nameInSubtree(dn('O=writ.test'), dn('O=writ.test, OU=north'), 'permitted')).toBe('out');
    expect(nameInSubtree(dn('CN=Foo'), dn('CN=foo'), 'permitted')).toBe('in');
  });
});

describe('fail closed and bounded', () => {
  it('a name form we do not evaluate, when constrained, fails; when unconstrained, is ignored', () => {
    const other: GeneralName = { type: 'other', tag: 0, der: Uint8Array.of(0xa0, 0x00) };
    const r = checkNamesAgainst([other], exclude({ type: 'other', tag: 0, der: Uint8Array.of(0xa0, 0x00) }), 'CA');
    expect(r.ok).toBe(false);
    expect(okFor([dns('example.com')], exclude({ type: 'other', tag: 0, der: Uint8Array.of(0xa0, 0x00) }))).toBe(true);
  });

  it('refuses quadratic blow-up with LIMIT', () => {
    const names = Array.from({ length: 1100 }, (_, i) => dns(`h${i}.example.com`));
    const nc = permit(...Array.from({ length: 1000 }, (_, i) => dns(`d${i}.example.com`)));
    expect(names.length * 1000).toBeGreaterThan(NC_WORK_LIMIT);
    const r = checkNamesAgainst(names, nc, 'CA');
    expect(r).toMatchObject({ ok: false, code: 'LIMIT' });
  });
});
