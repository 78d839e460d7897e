// Bilateral federation agreements (issue 4, DESIGN.md §1 "Federation is opt-in"): RFC 8785 canonical JSON, a CMS signature (RFC 5652/9882) per party, and checkFlow.
//
// Nothing is shared by default: every layer is off unless the agreement names it, and a flow that no
// active, fully signed, unwithdrawn agreement covers is refused with one REFUSED_* code. There is no
// fallback: checkFlow either returns the covering agreement or throws.
import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { WritError } from '../errors.js';
import { levelOid } from './levels.js';
import type { Signer } from '../crypto/types.js';
import type { Certificate } from '../x509/types.js';
import { sha256 } from '../crypto/kdf.js';
import { toHex } from '../crypto/bytes.js';
import { canonicalBytes } from '../json/canonical.js';
import {
  bodyDigest,
  checkSignature,
  enclaveIdOf,
  isObj,
  parseTimeField,
  requireParty,
  signBody,
  timeField,
  type DocSignature,
  type SignedDocument,
  type TrustContext,
} from './signed.js';
import type { VerifiedWithdrawal } from './withdrawal.js';
import { crossingCovers, type VerifiedCrossing } from './crossing.js';
import { MAX_SCHEMA_BYTES as LIMIT_MAX_SCHEMA_BYTES } from '../limits.js';

/** The four federation layers (DESIGN.md §1); each has its own switch and audit trail. */
export const LAYERS = ['identity', 'network', 'data', 'models'] as const;
export type Layer = (typeof LAYERS)[number];

/** A query shape the models layer allows: an id and a JSON Schema (draft 2020-12 subset ajv supports) for its parameters. */
export interface QueryShape {
  id: string;
  schema: Record<string, unknown>;
}

/** The signed body. Parties are enclave ids (spiffe://<enclave>.<region>.<domain>), sorted. */
export interface Agreement {
  type: 'writ-agreement';
  version: 1;
  /** "agr-" + 32 hex: SHA-256 over the canonical body without `id` (so the id names the terms). */
  id: string;
  parties: [string, string];
  layers: Record<Layer, boolean>;
  /** Allowed scopes (opaque labels such as "health.records"), sorted, unique. */
  scopes: string[];
  /** Allowed query shapes (models layer), sorted by id. */
  queryShapes: QueryShape[];
  /** Allowed level OIDs (src/core/policy/levels.ts), sorted, unique. */
  levels: string[];
  /** RFC 3339 UTC, whole seconds. Valid for notBefore <= now < notAfter. */
  notBefore: string;
  notAfter: string;
}

export type SignedAgreement = SignedDocument<Agreement>;

/** An agreement whose present signatures verified (chain + party identity). */
export interface VerifiedAgreement {
  agreement: Agreement;
  /** SHA-512 hex of the canonical body. */
  digest: string;
  /** Enclave ids whose signature verified. */
  signedBy: string[];
  /** Both parties have signed: only complete agreements cover flows. */
  complete: boolean;
}

/** Everything checkFlow decides from: an enclave's verified federation store (src/enclave loads it). */
export interface PolicyState {
  /** This enclave's id (spiffe://host). */
  self: string;
  agreements: VerifiedAgreement[];
  withdrawals: VerifiedWithdrawal[];
  crossings: VerifiedCrossing[];
}

/** One flow to decide, at seal (sender side) or at open (recipient side). */
export interface FlowQuery {
  /** Any SPIFFE id inside the sending / receiving enclave (normalised with enclaveIdOf). */
  sender: string;
  recipient: string;
  layer: Layer;
  scope: string;
  /** The envelope's level: name ("internal") or OID. */
  level: string;
  /** The sending / receiving enclave's proved level (name or OID); a crossing is needed when levels differ. */
  senderLevel?: string;
  recipientLevel?: string;
  /** When the envelope names an agreement, only that one may cover it. */
  agreementId?: string;
  /** Required for the models layer: the query shape id, and optionally the parameters to check against its schema. */
  queryShape?: string;
  params?: unknown;
  now: Date;
}

export interface FlowDecision {
  agreement: Agreement;
  /** The crossing approval used, when the levels differ. */
  crossing?: VerifiedCrossing;
}

export interface AgreementInput {
  parties: [string, string];
  /** Layers switched on; every other layer is off. */
  layers: readonly Layer[];
  scopes: readonly string[];
  queryShapes?: readonly QueryShape[];
  /** Level names or OIDs. */
  levels: readonly string[];
  notBefore: Date;
  notAfter: Date;
}

const SCOPE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const SHAPE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function uniqSorted(xs: readonly string[], what: string): string[] {
  const s = [...new Set(xs)].sort();
  if (s.length !== xs.length) throw new WritError('USAGE', `${what} repeat`);
  return s;
}

function agreementId(body: Omit<Agreement, 'id'>): string {
  return `agr-${toHex(sha256(canonicalBytes(body))).slice(0, 32)}`;
}

/** Builds an agreement body from its terms (normalised, sorted; the id is derived from the terms). */
export function makeAgreement(input: AgreementInput): Agreement {
  const parties = input.parties.map((p) => enclaveIdOf(p)).sort() as [string, string];
  if (parties.length !== 2 || parties[0] === parties[1]) throw new WritError('USAGE', 'an agreement needs two different enclaves');
  for (const l of input.layers) if (!(LAYERS as readonly string[]).includes(l)) throw new WritError('USAGE', `unknown layer "${l}"`);
  if (input.layers.length === 0) throw new WritError('USAGE', 'an agreement must switch on at least one layer');
  const layers = Object.fromEntries(LAYERS.map((l) => [l, input.layers.includes(l)])) as Record<Layer, boolean>;
  for (const s of input.scopes) if (!SCOPE.test(s)) throw new WritError('USAGE', `invalid scope "${s}"`);
  const shapes = [...(input.queryShapes ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  uniqSorted(
    shapes.map((q) => q.id),
    'query shape ids',
  );
  for (const q of shapes) {
    if (!SHAPE_ID.test(q.id)) throw new WritError('USAGE', `invalid query shape id "${q.id}"`);
    compileSchema(q);
  }
  if (shapes.length > 0 && !layers.models) throw new WritError('USAGE', 'query shapes need the models layer');
  if (input.levels.length === 0) throw new WritError('USAGE', 'an agreement needs at least one level');
  const nb = input.notBefore.getTime();
  const na = input.notAfter.getTime();
  if (!(na > nb)) throw new WritError('USAGE', 'notAfter must be after notBefore');
  const body: Omit<Agreement, 'id'> = {
    type: 'writ-agreement',
    version: 1,
    parties,
    layers,
    scopes: uniqSorted(input.scopes, 'scopes'),
    queryShapes: shapes.map((q) => ({ id: q.id, schema: q.schema })),
    levels: uniqSorted(
      input.levels.map((l) => levelOid(l)),
      'levels',
    ),
    notBefore: timeField(input.notBefore),
    notAfter: timeField(input.notAfter),
  };
  return { ...body, id: agreementId(body) } as Agreement;
}

/** Strictly parses an agreement body (PARSE on any deviation, including an id that does not match the terms). */
export function parseAgreement(v: unknown): Agreement {
  const bad = (m: string): never => {
    throw new WritError('PARSE', `agreement: ${m}`);
  };
  if (!isObj(v)) return bad('not an object');
  const keys = ['type', 'version', 'id', 'parties', 'layers', 'scopes', 'queryShapes', 'levels', 'notBefore', 'notAfter'];
  for (const k of Object.keys(v)) if (!keys.includes(k)) bad(`unexpected member "${k}"`);
  if (v.type !== 'writ-agreement' || v.version !== 1) bad('type must be "writ-agreement", version 1');
  if (!Array.isArray(v.parties) || v.parties.length !== 2 || !v.parties.every((p) => typeof p === 'string')) bad('parties must be two enclave ids');
  if (!isObj(v.layers)) return bad('layers must be an object');
  const layers = v.layers;
  for (const k of Object.keys(layers)) if (!(LAYERS as readonly string[]).includes(k) || typeof layers[k] !== 'boolean') bad(`bad layer "${k}"`);
  if (Object.keys(layers).length !== LAYERS.length) bad('layers must name all four layers');
  const strs = (x: unknown, what: string): string[] => (Array.isArray(x) && x.every((s) => typeof s === 'string') ? (x as string[]) : bad(`${what} must be strings`));
  const shapes = Array.isArray(v.queryShapes) ? v.queryShapes : bad('queryShapes must be an array');
  const queryShapes = shapes.map((q) =>
    isObj(q) && typeof q.id === 'string' && isObj(q.schema) && Object.keys(q).length === 2 ? { id: q.id, schema: q.schema } : bad('a query shape must be {id, schema}'),
  );
  if (typeof v.id !== 'string') bad('id must be a string');
  let rebuilt: Agreement;
  try {
    rebuilt = makeAgreement({
      parties: strs(v.parties, 'parties') as [string, string],
      layers: LAYERS.filter((l) => layers[l] === true),
      scopes: strs(v.scopes, 'scopes'),
      queryShapes,
      levels: strs(v.levels, 'levels'),
      notBefore: parseTimeField(v.notBefore, 'notBefore'),
      notAfter: parseTimeField(v.notAfter, 'notAfter'),
    });
  } catch (e) {
    if (e instanceof WritError && e.code === 'PARSE') throw e;
    return bad(e instanceof Error ? e.message : String(e));
  }
  // The body must already be in normal form: what is signed is exactly what we would have written.
  if (bodyDigest(rebuilt) !== bodyDigest(v)) bad('not in normal form (order, levels as OIDs, times, or an id that does not match the terms)');
  return rebuilt;
}

/**
 * Adds `party`'s signature (its enclave gateway signing key and cert, with `chain` = enclave CA and
 * regional CA DER) to an agreement: propose starts from the bare body, countersign from the proposer's
 * signed document. Refuses (USAGE) when `party` is not a party or has already signed.
 */
export function signAgreement(
  doc: Agreement | SignedAgreement,
  o: { party: string; signer: Signer; cert: Certificate; chain?: Uint8Array[]; signingTime?: Date },
): SignedAgreement {
  const signed: SignedAgreement = 'body' in doc ? doc : { type: 'writ-signed', body: doc, signatures: [] };
  const party = enclaveIdOf(o.party);
  if (!signed.body.parties.includes(party)) throw new WritError('USAGE', `${party} is not a party to agreement ${signed.body.id}`);
  if (signed.signatures.some((s) => s.signer === party)) throw new WritError('USAGE', `${party} has already signed agreement ${signed.body.id}`);
  const sig: DocSignature = { signer: party, cms: signBody(signed.body, o) };
  return { type: 'writ-signed', body: signed.body, signatures: [...signed.signatures, sig].sort((a, b) => (a.signer < b.signer ? -1 : 1)) };
}

/**
 * Verifies every signature on an agreement: each must be a party's, made by that party's enclave
 * gateway signing cert whose chain verifies against `trust` at trust.now (SIGNATURE / IDENTITY /
 * verify() codes). `requireComplete` also demands both parties' signatures (SIGNATURE otherwise).
 */
export function verifyAgreement(doc: { body: unknown; signatures: DocSignature[] }, trust: TrustContext, o: { requireComplete?: boolean } = {}): VerifiedAgreement {
  const agreement = parseAgreement(doc.body);
  const what = `agreement ${agreement.id}`;
  const signedBy: string[] = [];
  for (const s of doc.signatures) {
    if (!agreement.parties.includes(s.signer)) throw new WritError('IDENTITY', `${what}: signed by ${s.signer}, who is not a party`);
    if (signedBy.includes(s.signer)) throw new WritError('SIGNATURE', `${what}: ${s.signer} signed twice`);
    const checked = checkSignature(agreement, s, trust, what);
    requireParty(checked, s.signer, what);
    signedBy.push(s.signer);
  }
  if (signedBy.length === 0) throw new WritError('SIGNATURE', `${what} carries no signature`);
  const complete = agreement.parties.every((p) => signedBy.includes(p));
  if (o.requireComplete && !complete) throw new WritError('SIGNATURE', `${what} is not yet signed by ${agreement.parties.filter((p) => !signedBy.includes(p)).join(', ')}`);
  return { agreement, digest: bodyDigest(agreement), signedBy: signedBy.sort(), complete };
}

// JSON Schema draft 2020-12, strict mode (unknown keywords are errors, not silently ignored), no remote
// $ref loading: a query shape's schema is data both parties signed, and it is compiled only from that.
const ajv = new Ajv2020({ strict: true, allErrors: false, validateSchema: true });
const compiled = new Map<string, ValidateFunction>();
/** A query shape's schema is a small parameter description; refuse anything larger (LIMIT). */
export const MAX_SCHEMA_BYTES = LIMIT_MAX_SCHEMA_BYTES;

function compileSchema(q: QueryShape): ValidateFunction {
  const bytes = canonicalBytes(q.schema);
  if (bytes.length > MAX_SCHEMA_BYTES) throw new WritError('LIMIT', `query shape "${q.id}": the schema is ${bytes.length} bytes, over MAX_SCHEMA_BYTES (${MAX_SCHEMA_BYTES})`);
  const key = toHex(sha256(bytes));
  let f = compiled.get(key);
  if (!f) {
    try {
      f = ajv.compile(q.schema);
    } catch (e) {
      throw new WritError('USAGE', `query shape "${q.id}": invalid JSON Schema: ${e instanceof Error ? e.message : String(e)}`);
    }
    compiled.set(key, f);
  }
  return f;
}

/** Checks query parameters against a shape's JSON Schema (REFUSED_QUERY_SHAPE when they do not fit). */
export function checkQueryParams(shape: QueryShape, params: unknown): void {
  const f = compileSchema(shape);
  if (!f(params)) {
    const e = f.errors?.[0];
    throw new WritError('REFUSED_QUERY_SHAPE', `parameters do not fit query shape "${shape.id}": ${e ? `${e.instancePath || '/'} ${e.message ?? ''}` : 'schema'}`.trim());
  }
}

export function isWithdrawn(state: PolicyState, agreementId: string): VerifiedWithdrawal | undefined {
  return state.withdrawals.find((w) => w.withdrawal.agreementId === agreementId);
}

/** The agreement is in force at `now`: notBefore <= now < notAfter. */
export function agreementActive(a: Agreement, now: Date): boolean {
  return Date.parse(a.notBefore) <= now.getTime() && now.getTime() < Date.parse(a.notAfter);
}

/**
 * Decides one flow. Returns the covering agreement (and crossing) or throws, checking in this order so
 * the reason is the most specific one:
 *   REFUSED_NO_AGREEMENT  no fully signed agreement between the two enclaves (or not the named one), or
 *                         none that switches this layer on;
 *   REFUSED_WITHDRAWN     every such agreement has been withdrawn;
 *   REFUSED_EXPIRED       none is in force at `now` (expired or not yet valid);
 *   REFUSED_SCOPE         the scope is not allowed;
 *   REFUSED_LEVEL         the envelope level (or an enclave level) is not allowed;
 *   REFUSED_QUERY_SHAPE   models layer: no shape named, shape not allowed, or parameters do not fit;
 *   REFUSED_CROSSING      the levels differ and no crossing approval names this exact flow.
 */
export function checkFlow(state: PolicyState, flow: FlowQuery): FlowDecision {
  const sender = enclaveIdOf(flow.sender);
  const recipient = enclaveIdOf(flow.recipient);
  if (!(flow.now instanceof Date) || Number.isNaN(flow.now.getTime())) throw new TypeError('checkFlow: flow.now must be a valid Date');
  const pair = (a: Agreement): boolean => a.parties.includes(sender) && a.parties.includes(recipient) && sender !== recipient;
  let c = state.agreements.filter((v) => v.complete && pair(v.agreement));
  if (flow.agreementId !== undefined) c = c.filter((v) => v.agreement.id === flow.agreementId);
  const named = flow.agreementId ? `agreement ${flow.agreementId}` : 'an agreement';
  if (c.length === 0) throw new WritError('REFUSED_NO_AGREEMENT', `no ${flow.agreementId ? `signed ${named}` : 'signed agreement'} between ${sender} and ${recipient}`);
  c = c.filter((v) => v.agreement.layers[flow.layer]);
  if (c.length === 0) throw new WritError('REFUSED_NO_AGREEMENT', `${named} between ${sender} and ${recipient} does not switch on the ${flow.layer} layer`);
  c = c.filter((v) => !isWithdrawn(state, v.agreement.id));
  if (c.length === 0) throw new WritError('REFUSED_WITHDRAWN', `${named} between ${sender} and ${recipient} has been withdrawn`);
  const live = c.filter((v) => agreementActive(v.agreement, flow.now));
  if (live.length === 0) {
    const early = c.every((v) => flow.now.getTime() < Date.parse(v.agreement.notBefore));
    throw new WritError('REFUSED_EXPIRED', `${named} between ${sender} and ${recipient} is ${early ? 'not yet in force' : 'expired'}`);
  }
  c = live.filter((v) => v.agreement.scopes.includes(flow.scope));
  if (c.length === 0) throw new WritError('REFUSED_SCOPE', `scope "${flow.scope}" is not allowed by ${named} between ${sender} and ${recipient}`);
  const level = levelOid(flow.level);
  const levels = [level, ...(flow.senderLevel ? [levelOid(flow.senderLevel)] : []), ...(flow.recipientLevel ? [levelOid(flow.recipientLevel)] : [])];
  c = c.filter((v) => v.agreement.levels.includes(level));
  if (c.length === 0) throw new WritError('REFUSED_LEVEL', `level ${flow.level} is not allowed by ${named}`);
  if (flow.layer === 'models' || flow.queryShape !== undefined) {
    if (flow.queryShape === undefined) throw new WritError('REFUSED_QUERY_SHAPE', 'the models layer needs a query shape');
    const withShape = c.filter((v) => v.agreement.queryShapes.some((q) => q.id === flow.queryShape));
    if (withShape.length === 0) throw new WritError('REFUSED_QUERY_SHAPE', `query shape "${flow.queryShape}" is not allowed by ${named}`);
    c = withShape;
    if (flow.params !== undefined) {
      const shape = c[0]!.agreement.queryShapes.find((q) => q.id === flow.queryShape)!;
      checkQueryParams(shape, flow.params);
    }
  }
  const agreement = c[0]!.agreement;
  if (new Set(levels).size === 1) return { agreement };
  const from = flow.senderLevel ? levelOid(flow.senderLevel) : level;
  const to = flow.recipientLevel ? levelOid(flow.recipientLevel) : level;
  const crossing = state.crossings.find((x) => crossingCovers(x, { sender, recipient, scope: flow.scope, fromLevel: from, toLevel: to, now: flow.now }));
  if (!crossing) {
    throw new WritError('REFUSED_CROSSING', `no crossing approval for ${sender} -> ${recipient}, scope "${flow.scope}", level ${from} -> ${to}`);
  }
  return { agreement, crossing };
}
