// Vector test: the x509-limbo path-validation suite run through writ's parser and verify() (RFC 5280 §6).
//
// Every testcase is either APPLIED (parsed with parseCertificate/parseCrl, validated with verify(), and its
// SUCCESS/FAILURE compared with limbo's expectation; any thrown error counts as FAILURE) or SKIPPED with
// a stated out-of-scope reason. The skip rules are static (decided from the testcase alone, never from
// writ's answer), so a verifier bug cannot hide behind a skip. The suite must pass every case it applies.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pemDecodeAll } from '../../src/core/asn1/pem.js';
import { isWritError } from '../../src/core/errors.js';
import { ANY_EXTENDED_KEY_USAGE, EKU_OIDS as WRIT_EKU_OIDS, verify } from '../../src/core/verify/verify.js';
import type { TrustAnchor, VerifyOptions } from '../../src/core/verify/types.js';
import { parseCertificate, parseCrl } from '../../src/core/x509/parse.js';
import type { Certificate, GeneralName, KeyUsageName } from '../../src/core/x509/types.js';
import { assertLoaded, requireVectors } from '../helpers/vectors.js';

interface PeerName {
  kind: 'DNS' | 'IP' | 'RFC822';
  value: string;
}

interface Testcase {
  id: string;
  conflicts_with: string[];
  features: string[];
  importance: string;
  description: string;
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  signature_algorithms: string[];
  key_usage: string[];
  extended_key_usage: string[];
  expected_result: 'SUCCESS' | 'FAILURE';
  expected_peer_name: PeerName | null;
  expected_peer_names: PeerName[];
  max_chain_depth: number | null;
  crls: string[];
}

/** RFC 5280 §4.2.1.12 purpose OIDs for limbo's KnownEKUs (writ's names plus anyExtendedKeyUsage). */
const EKU_OIDS: Record<string, string> = { ...WRIT_EKU_OIDS, anyExtendedKeyUsage: ANY_EXTENDED_KEY_USAGE };

/**
 * Limbo's generator gives certificates with no validation_time a validity of 1970..2969; a fixed instant
 * keeps the test deterministic (the brief forbids clock reads in assertions) instead of "now".
 */
const DEFAULT_TIME = new Date('2025-01-01T00:00:00Z');

/**
 * Web-PKI FAILURE cases applied despite the webpki:: prefix because an RFC also forbids what they test:
 * a missing intermediate leaves no path (RFC 5280 §6.1); a nameConstraints with neither subtree, or with
 * empty GeneralSubtrees, breaks RFC 5280 §4.2.1.10 ("either ... MUST be present", SIZE (1..MAX));
 * an explicit (specifiedCurve) EC key breaks RFC 5480 §2.1.1 ("MUST NOT be used").
 */
const WEBPKI_RFC5280_FAILURES = new Set([
  'webpki::cryptographydotio-chain-missing-intermediate',
  'webpki::nc::intermediate-permitted-excluded-subtrees-both-null',
  'webpki::nc::intermediate-permitted-excluded-subtrees-both-empty-sequences',
  'webpki::explicit-curve',
]);

/**
 * limbo "pedantic" features that are RFC 5280 §4 MUSTs on path certificates, which writ enforces with
 * `strict: true`. Not 'pedantic-rfc5280': its one case (rfc5280::aki::cross-signed-root-missing-aki) wants
 * AKI on a trust anchor, which the non-optional cve::cve-2024-0567 expects to be accepted; RFC 5280 §6.1.1(d)
 * takes the anchor as input, so writ does not apply issuance rules to it.
 */
const STRICT_FEATURES = new Set(['pedantic-serial-number']);

/** Returns a skip reason, or undefined when writ's verifier applies to the testcase. */
function skipReason(tc: Testcase, byId: Map<string, Testcase>, leaf: Certificate | undefined): string | undefined {
  if (tc.signature_algorithms.length > 0) return 'signature_algorithms constraint not expressible (none in this suite)';
  // Pedantic RFC 5280 profile rules are applied: VerifyOptions.strict enforces the §4 MUSTs they test.
  const pedantic = tc.features.find((f) => f.startsWith('pedantic-') && !STRICT_FEATURES.has(f));
  if (pedantic === 'pedantic-rfc5280') {
    return 'limbo feature "pedantic-rfc5280" (optional): AKI required on a trust anchor, contradicting cve::cve-2024-0567; RFC 5280 §6.1.1(d) takes anchors as input';
  }
  if (pedantic !== undefined) return `limbo feature "${pedantic}": optional Web-PKI pedantry, not RFC 5280`;
  if (tc.id.startsWith('webpki::')) {
    // A Web-PKI SUCCESS is also an RFC 5280 success unless limbo says it conflicts with an rfc5280 case.
    const conflictsWith5280 = tc.conflicts_with.some((c) => byId.get(c)?.id.startsWith('rfc5280::'));
    if (tc.expected_result === 'SUCCESS' && !conflictsWith5280) return peerNameSkip(tc, leaf);
    if (WEBPKI_RFC5280_FAILURES.has(tc.id)) return undefined;
    if (conflictsWith5280) return 'CA/B Forum Web-PKI profile verdict that conflicts with RFC 5280';
    return 'CA/B Forum Web-PKI profile rule (Baseline Requirements), not RFC 5280 path validation';
  }
  if (tc.extended_key_usage.length > 1) return 'more than one required EKU is not expressible in VerifyOptions.purpose';
  if (tc.extended_key_usage.some((e) => EKU_OIDS[e] === undefined)) return 'unknown EKU name';
  return peerNameSkip(tc, leaf);
}

/**
 * FAILURE cases whose peer name does not match the leaf, but whose description gives a path-validation
 * reason for the failure (the peer name is a placeholder): name constraints on the subject DN or SAN
 * (RFC 5280 §4.2.1.10), SAN syntax (§4.2.1.6), or the name-constraint DoS case. These are applied.
 */
const NAME_INDEPENDENT_FAILURES = new Set([
  'pathological::nc-dos-3',
  'rfc5280::nc::permitted-dns-mismatch',
  'rfc5280::nc::permitted-dn-mismatch',
  'rfc5280::nc::excluded-dn-match',
  'rfc5280::nc::permitted-dn-match-subject-san-mismatch',
  'rfc5280::nc::excluded-dn-match-sub-mismatch',
  'rfc5280::san::ip-in-dns',
]);

/**
 * writ proves SPIFFE URI identities, not TLS host names (RFC 6125). When limbo expects FAILURE and the
 * expected peer name does not match the leaf's SANs, the verdict is decided by host-name matching, which
 * is out of scope; when the name does match, the verdict must come from path validation, so we apply it.
 */
function peerNameSkip(tc: Testcase, leaf: Certificate | undefined): string | undefined {
  const names = tc.expected_peer_name ? [tc.expected_peer_name] : tc.expected_peer_names;
  if (names.length === 0 || leaf === undefined) return undefined;
  const sans = leaf.subjectAltNames ?? [];
  const unmatched = names.filter((n) => !sans.some((s) => peerMatches(n, s)));
  if (unmatched.length === 0) return undefined;
  // A SUCCESS is applied whatever the name: path validation alone must then succeed (a stricter test).
  if (tc.expected_result === 'SUCCESS' || NAME_INDEPENDENT_FAILURES.has(tc.id)) return undefined;
  return 'verdict decided by TLS peer-name matching (RFC 6125), out of scope: writ matches URI identities';
}

/** Minimal RFC 6125 §6.4 matching, used only to decide whether a case is about host names. */
function peerMatches(peer: PeerName, san: GeneralName): boolean {
  if (peer.kind === 'DNS' && san.type === 'dns') {
    const p = peer.value.toLowerCase();
    const s = san.value.toLowerCase();
    if (p === s) return true;
    // Wildcard only as the whole left-most label, matching exactly one label (RFC 6125 §6.4.3).
    if (s.startsWith('*.') && !s.slice(2).includes('*')) {
      const dot = p.indexOf('.');
      return dot > 0 && p.slice(dot + 1) === s.slice(2);
    }
    return false;
  }
  if (peer.kind === 'IP' && san.type === 'ip') return bytesEqual(ipBytes(peer.value), san.value);
  if (peer.kind === 'RFC822' && san.type === 'email') {
    const at = peer.value.lastIndexOf('@');
    const sat = san.value.lastIndexOf('@');
    return (
      at > 0 &&
      sat > 0 &&
      peer.value.slice(0, at) === san.value.slice(0, sat) &&
      peer.value.slice(at + 1).toLowerCase() === san.value.slice(sat + 1).toLowerCase()
    );
  }
  return false;
}

function ipBytes(text: string): Uint8Array | undefined {
  if (text.includes('.') && !text.includes(':')) {
    const parts = text.split('.').map(Number);
    return parts.length === 4 && parts.every((n) => Number.isInteger(n) && n >= 0 && n < 256) ? Uint8Array.from(parts) : undefined;
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array<string>(Math.max(fill, 0)).fill('0'), ...t];
  if (groups.length !== 8) return undefined;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

function bytesEqual(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The DER of the single PEM block of a limbo certificate/CRL string. */
function pemDer(pem: string): Uint8Array {
  const blocks = pemDecodeAll(pem);
  if (blocks.length !== 1 || blocks[0] === undefined) throw new Error(`expected one PEM block, got ${blocks.length}`);
  return blocks[0].der;
}

interface Outcome {
  result: 'SUCCESS' | 'FAILURE';
  detail: string;
}

/** Runs one applied testcase through writ. Anything thrown (PARSE, UNSUPPORTED_ALG, ...) is a FAILURE. */
function runCase(tc: Testcase): Outcome {
  try {
    const anchors: TrustAnchor[] = tc.trusted_certs.map((p) => {
      const cert = parseCertificate(pemDer(p));
      // limbo's max_chain_depth bounds the intermediates below the anchor: RFC 5937 path-length constraint.
      return tc.max_chain_depth === null ? { cert } : { cert, constraints: { maxPathLen: tc.max_chain_depth } };
    });
    const untrusted = tc.untrusted_intermediates.map((p) => parseCertificate(pemDer(p)));
    const leaf = parseCertificate(pemDer(tc.peer_certificate));
    const crls = tc.crls.map((p) => parseCrl(pemDer(p)));
    // strict: limbo's rfc5280 cases also hold certificates to the RFC 5280 §4 profile MUSTs.
    const options: VerifyOptions = { now: tc.validation_time ? new Date(tc.validation_time) : DEFAULT_TIME, strict: true };
    if (tc.key_usage.length > 0) options.keyUsage = tc.key_usage.map((k) => (k === 'contentCommitment' ? 'nonRepudiation' : (k as KeyUsageName)));
    const eku = tc.extended_key_usage[0];
    if (eku !== undefined) options.purpose = EKU_OIDS[eku];
    const res = verify({ leaf, untrusted, crls }, anchors, options);
    if (res.ok) return { result: 'SUCCESS', detail: `ok, path length ${res.path.length}` };
    return { result: 'FAILURE', detail: res.errors.map((e) => `${e.code}(${e.cert}): ${e.message}`).join('; ') };
  } catch (e) {
    const code = isWritError(e) ? e.code : e instanceof Error ? e.name : 'throw';
    return { result: 'FAILURE', detail: `threw ${code}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const dir = requireVectors('x509-limbo');

describe.skipIf(dir === undefined)('x509-limbo (RFC 5280 path validation)', () => {
  // vitest still runs a skipped describe's body to collect it: read nothing when the folder is absent.
  if (dir === undefined) {
    it.skip('vector folder absent', () => {});
    return;
  }
  const file = path.join(dir, 'limbo.regenerated-no-bettertls.json');
  const suite = JSON.parse(readFileSync(file, 'utf8')) as { version: number; testcases: Testcase[] };
  const byId = new Map(suite.testcases.map((t) => [t.id, t]));

  const applied: Testcase[] = [];
  const skipped = new Map<string, string[]>();
  for (const tc of suite.testcases) {
    let leaf: Certificate | undefined;
    try {
      leaf = parseCertificate(pemDer(tc.peer_certificate));
    } catch {
      leaf = undefined; // an unparsable leaf is applied: the parse failure must then match FAILURE
    }
    const reason = skipReason(tc, byId, leaf);
    if (reason === undefined) applied.push(tc);
    else skipped.set(reason, [...(skipped.get(reason) ?? []), tc.id]);
  }

  const passed: string[] = [];
  const failed: { id: string; expected: string; got: Outcome }[] = [];

  afterAll(() => {
    const nSkipped = [...skipped.values()].reduce((n, ids) => n + ids.length, 0);
    const lines = [
      `x509-limbo: ${suite.testcases.length} testcases: applied ${applied.length}, passed ${passed.length}, failed ${failed.length}, skipped ${nSkipped}`,
      ...[...skipped.entries()].map(([reason, ids]) => `  skipped ${ids.length}: ${reason}`),
      ...failed.map((f) => `  FAILED ${f.id}: expected ${f.expected}, got ${f.got.result} (${f.got.detail})`),
    ];
    console.log(lines.join('\n'));
    const report = process.env.WRIT_LIMBO_REPORT;
    if (report) {
      writeFileSync(report, JSON.stringify({ applied: applied.length, passed, failed, skipped: Object.fromEntries(skipped) }, null, 2));
    }
  });

  it('loads the suite and applies a non-zero number of testcases', () => {
    expect(suite.version).toBe(1);
    assertLoaded('x509-limbo', applied.length);
    expect(applied.length + [...skipped.values()].reduce((n, ids) => n + ids.length, 0)).toBe(suite.testcases.length);
  });

  for (const [reason, ids] of skipped) {
    for (const id of ids) it.skip(`${id} [skipped: ${reason}]`, () => {});
  }

  for (const tc of applied) {
    it(`${tc.id} -> ${tc.expected_result}`, () => {
      const got = runCase(tc);
      if (got.result === tc.expected_result) passed.push(tc.id);
      else failed.push({ id: tc.id, expected: tc.expected_result, got });
      expect(got.result, `${tc.id}: ${got.detail}`).toBe(tc.expected_result);
    });
  }
});
