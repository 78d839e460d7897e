// The signed enclave baseline (issue 5 "enclave diff"): what a conforming enclave looks like, and the list of ways one departs from it; a signed document per src/core/policy/signed.ts (RFC 8785 body + detached CMS, RFC 5652 / RFC 9882).
//
// The review of a new enclave stays small because the baseline forbids the shortcuts: every rule that
// an enclave breaks is a departure, and a departure is allowed only when the baseline itself carries a
// waiver for it (rule + subject, with a reason). Pure: the enclave's facts are passed in.
import { WritError } from '../errors.js';
import type { Signer } from '../crypto/types.js';
import type { Certificate } from '../x509/types.js';
import { checkSignature, encodeSignedDocument, isObj, parseTimeField, signBody, timeField, type DocSignature, type SignedDocument } from './signed.js';
import { levelName, levelOid } from './levels.js';
import { LAYERS } from './agreement.js';

export const BASELINE_RULES = [
  'signatureAlgorithms',
  'kemAlgorithms',
  'levels',
  'maxValidityDays',
  'encryptedKeys',
  'fixtureKeys',
  'crlFresh',
  'layers',
  'partnerAnchors',
  'chain',
] as const;
export type BaselineRule = (typeof BASELINE_RULES)[number];

export interface BaselineWaiver {
  rule: BaselineRule;
  /** The departure's subject it waives (e.g. "layer:identity", "cert:enclave-ca"); "*" for any. */
  subject: string;
  reason: string;
}

export interface Baseline {
  type: 'writ-baseline';
  version: 1;
  name: string;
  issued: string;
  rules: {
    /** Certificate signature algorithms allowed on the enclave's chain (names, e.g. "ML-DSA-87"). */
    signatureAlgorithms: string[];
    /** KEM algorithms (enclave.json kemAlg names). */
    kemAlgorithms: string[];
    /** Level OIDs (names accepted on input). */
    levels: string[];
    /** Longest validity per certificate role, in days. */
    maxValidityDays: Partial<Record<'enclave-ca' | 'gateway-signing' | 'kem', number>>;
    /** Private keys must be stored encrypted (PBES2). */
    encryptedKeys: boolean;
    /** Fixture enclaves (unencrypted, seeded keys) are not allowed. */
    fixtureKeys: false;
    /** Every installed CRL must be current. */
    crlFresh: boolean;
    /** Federation layers that may be switched on in an agreement. */
    layers: string[];
    /** Partner anchors: allowed at all, and their longest permitted path. */
    partnerAnchors: { allowed: boolean; maxPathLen?: number };
  };
  waivers: BaselineWaiver[];
}

/** What diff compares: gathered from an enclave directory by src/enclave/status.ts. */
export interface BaselineFacts {
  identity: string;
  level: string;
  kemAlg: string;
  fixtureKeys: boolean;
  signatureAlgorithms: string[];
  validityDays: { role: string; days: number }[];
  keys: { role: string; encrypted: boolean }[];
  crls: { issuer: string; fresh: boolean }[];
  agreementLayers: { id: string; layers: string[] }[];
  partnerAnchors: { id: string; maxPathLen?: number }[];
  chainOk: boolean;
  chainError?: string;
}

export interface Departure {
  rule: BaselineRule;
  subject: string;
  expected: string;
  actual: string;
  allowed: boolean;
  waiver?: string;
}

function strList(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new WritError('PARSE', `baseline: ${what} must be a list of strings`);
  return v as string[];
}

/** Parses and checks a baseline body (PARSE on anything unexpected). */
export function parseBaseline(v: unknown): Baseline {
  const bad = (m: string): never => {
    throw new WritError('PARSE', `baseline: ${m}`);
  };
  if (!isObj(v) || v.type !== 'writ-baseline' || v.version !== 1) return bad('type must be "writ-baseline" and version 1');
  if (typeof v.name !== 'string' || v.name === '') bad('name must be a string');
  parseTimeField(v.issued, 'baseline: issued');
  const r = v.rules;
  if (!isObj(r)) return bad('rules must be an object');
  const known = new Set(['signatureAlgorithms', 'kemAlgorithms', 'levels', 'maxValidityDays', 'encryptedKeys', 'fixtureKeys', 'crlFresh', 'layers', 'partnerAnchors']);
  for (const k of Object.keys(r)) if (!known.has(k)) bad(`unknown rule "${k}"`);
  const mv = r.maxValidityDays;
  if (!isObj(mv)) return bad('rules.maxValidityDays must be an object');
  for (const [k, d] of Object.entries(mv)) {
    if (!['enclave-ca', 'gateway-signing', 'kem'].includes(k)) bad(`maxValidityDays: unknown role "${k}"`);
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) bad(`maxValidityDays.${k} must be a positive integer`);
  }
  if (typeof r.encryptedKeys !== 'boolean' || typeof r.crlFresh !== 'boolean') bad('rules.encryptedKeys and rules.crlFresh must be booleans');
  if (r.fixtureKeys !== false) bad('rules.fixtureKeys must be false (a baseline never allows fixture keys; waive it if you must)');
  const layers = strList(r.layers, 'rules.layers');
  for (const l of layers) if (!(LAYERS as readonly string[]).includes(l)) bad(`unknown layer "${l}"`);
  const pa = r.partnerAnchors;
  if (!isObj(pa) || typeof pa.allowed !== 'boolean') return bad('rules.partnerAnchors must be {"allowed": boolean, "maxPathLen"?: n}');
  if (pa.maxPathLen !== undefined && (typeof pa.maxPathLen !== 'number' || !Number.isInteger(pa.maxPathLen) || pa.maxPathLen < 0)) bad('partnerAnchors.maxPathLen');
  if (!Array.isArray(v.waivers)) bad('waivers must be a list');
  const waivers = (v.waivers as unknown[]).map((w, i) => {
    if (!isObj(w) || typeof w.rule !== 'string' || typeof w.subject !== 'string' || typeof w.reason !== 'string' || w.reason === '') return bad(`waiver ${i} must be {rule, subject, reason}`);
    if (!(BASELINE_RULES as readonly string[]).includes(w.rule)) bad(`waiver ${i}: unknown rule "${w.rule}"`);
    return { rule: w.rule as BaselineRule, subject: w.subject, reason: w.reason };
  });
  return {
    type: 'writ-baseline',
    version: 1,
    name: v.name as string,
    issued: v.issued as string,
    rules: {
      signatureAlgorithms: strList(r.signatureAlgorithms, 'rules.signatureAlgorithms'),
      kemAlgorithms: strList(r.kemAlgorithms, 'rules.kemAlgorithms'),
      levels: strList(r.levels, 'rules.levels').map((l) => levelOid(l)),
      maxValidityDays: mv as Baseline['rules']['maxValidityDays'],
      encryptedKeys: r.encryptedKeys as boolean,
      fixtureKeys: false,
      crlFresh: r.crlFresh as boolean,
      layers,
      partnerAnchors: { allowed: pa.allowed as boolean, ...(pa.maxPathLen !== undefined ? { maxPathLen: pa.maxPathLen as number } : {}) },
    },
    waivers,
  };
}

/** Lists every departure of `f` from `b`, each marked allowed when a waiver covers it. */
export function diffBaseline(b: Baseline, f: BaselineFacts): Departure[] {
  const out: Omit<Departure, 'allowed'>[] = [];
  const r = b.rules;
  const lv = (o: string): string => levelName(o) ?? o;
  if (!f.chainOk) out.push({ rule: 'chain', subject: 'chain', expected: 'verifies', actual: f.chainError ?? 'does not verify' });
  for (const a of f.signatureAlgorithms) if (!r.signatureAlgorithms.includes(a)) out.push({ rule: 'signatureAlgorithms', subject: `alg:${a}`, expected: r.signatureAlgorithms.join(', '), actual: a });
  if (!r.kemAlgorithms.includes(f.kemAlg)) out.push({ rule: 'kemAlgorithms', subject: `kem:${f.kemAlg}`, expected: r.kemAlgorithms.join(', '), actual: f.kemAlg });
  if (!r.levels.includes(f.level)) out.push({ rule: 'levels', subject: `level:${lv(f.level)}`, expected: r.levels.map(lv).join(', '), actual: lv(f.level) });
  for (const v of f.validityDays) {
    const max = r.maxValidityDays[v.role as keyof Baseline['rules']['maxValidityDays']];
    if (max !== undefined && v.days > max) out.push({ rule: 'maxValidityDays', subject: `cert:${v.role}`, expected: `<= ${max} days`, actual: `${v.days} days` });
  }
  if (r.encryptedKeys) for (const k of f.keys) if (!k.encrypted) out.push({ rule: 'encryptedKeys', subject: `key:${k.role}`, expected: 'encrypted', actual: 'unencrypted' });
  if (f.fixtureKeys) out.push({ rule: 'fixtureKeys', subject: 'enclave', expected: 'not a fixture', actual: 'fixture keys' });
  if (r.crlFresh) for (const c of f.crls) if (!c.fresh) out.push({ rule: 'crlFresh', subject: `crl:${c.issuer}`, expected: 'current', actual: 'stale' });
  for (const a of f.agreementLayers) for (const l of a.layers) if (!r.layers.includes(l)) out.push({ rule: 'layers', subject: `layer:${l}`, expected: `only ${r.layers.join(', ') || 'none'}`, actual: `${l} on in ${a.id}` });
  for (const p of f.partnerAnchors) {
    if (!r.partnerAnchors.allowed) out.push({ rule: 'partnerAnchors', subject: `anchor:${p.id}`, expected: 'no partner anchors', actual: 'present' });
    else if (r.partnerAnchors.maxPathLen !== undefined && (p.maxPathLen === undefined || p.maxPathLen > r.partnerAnchors.maxPathLen)) {
      out.push({ rule: 'partnerAnchors', subject: `anchor:${p.id}`, expected: `maxPathLen <= ${r.partnerAnchors.maxPathLen}`, actual: p.maxPathLen === undefined ? 'unlimited' : String(p.maxPathLen) });
    }
  }
  return out.map((d) => {
    const w = b.waivers.find((x) => x.rule === d.rule && (x.subject === '*' || x.subject === d.subject));
    return w ? { ...d, allowed: true, waiver: w.reason } : { ...d, allowed: false };
  });
}

/** Signs a baseline body with an authority key (detached CMS over the canonical body). */
export function signBaseline(b: Baseline, o: { signer: Signer; cert: Certificate; chain?: Uint8Array[]; signingTime?: Date; label?: string }): string {
  const body = parseBaseline(b);
  const sig: DocSignature = { signer: o.label ?? o.cert.subject.text, cms: signBody(body, o) };
  const doc: SignedDocument<never> = { type: 'writ-signed', body: body as never, signatures: [sig] };
  return encodeSignedDocument(doc as never);
}

/**
 * Checks a signed baseline's one signature (SIGNATURE when it fails, e.g. after an edit) and returns
 * the body and the signer certificate; the caller decides whether that certificate may set baselines.
 */
export function verifyBaseline(doc: { kind: string; body: unknown; signatures: DocSignature[] }): { baseline: Baseline; signer: Certificate } {
  if (doc.kind !== 'writ-baseline') throw new WritError('PARSE', `not a baseline but a ${doc.kind}`);
  if (doc.signatures.length !== 1) throw new WritError('SIGNATURE', 'a baseline carries exactly one signature');
  const checked = checkSignature(doc.body, doc.signatures[0]!, undefined, 'baseline');
  return { baseline: parseBaseline(doc.body), signer: checked.cert };
}

/** A fresh baseline body with writ's recommended rules (CNSA 2.0-style: ML-DSA-65/87, ML-KEM-1024 or X-Wing). */
export function defaultBaseline(name: string, issued: Date): Baseline {
  return {
    type: 'writ-baseline',
    version: 1,
    name,
    issued: timeField(issued),
    rules: {
      signatureAlgorithms: ['ML-DSA-65', 'ML-DSA-87'],
      kemAlgorithms: ['ml-kem-1024', 'x-wing'],
      levels: ['internal', 'restricted'].map((l) => levelOid(l)),
      maxValidityDays: { 'enclave-ca': 1826, 'gateway-signing': 366, kem: 366 },
      encryptedKeys: true,
      fixtureKeys: false,
      crlFresh: true,
      layers: ['data', 'models'],
      partnerAnchors: { allowed: true, maxPathLen: 1 },
    },
    waivers: [],
  };
}
