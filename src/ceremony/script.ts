// Ceremony scripts as data (DESIGN.md §2): the model, YAML 1.2 loading, JSON Schema check (ajv) and the script's own rules.
//
// A script is checked twice: first against ceremonies/ceremony.schema.json (shape), then against rules a
// schema cannot express (the steps a ceremony kind needs, their order, a quorum that can be met). Any
// violation is a SCRIPT error naming the exact place, so a broken script fails before anyone acts.
import { parseDocument } from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import { WritError } from '../core/errors.js';
import { MAX_JSON_DEPTH, limitError } from '../core/limits.js';
import { sha256 } from '../core/crypto/kdf.js';
import { toHex } from '../core/crypto/bytes.js';
import schema from '../../ceremonies/ceremony.schema.json';

export type RoleId = 'administrator' | 'witness' | 'custodian';
export type CeremonyKind = 'root-key-generation' | 'regional-issuance' | 'crl-issuance' | 'custodian-rotation' | 'share-drill';
export type StepAction =
  | 'open'
  | 'generate-seed'
  | 'split'
  | 'enrol'
  | 'make-root'
  | 'prove-recovery'
  | 'wipe'
  | 'load-root'
  | 'load-csrs'
  | 'load-revocations'
  | 'approve'
  | 'rebuild-root'
  | 'sign'
  | 'reshare'
  | 'drill'
  | 'close';

export interface Role {
  title: string;
  duties: string;
}

export interface Step {
  id: string;
  title: string;
  action: StepAction;
  role: RoleId;
  instructions?: string;
  shows: string[];
  confirm: RoleId[];
}

export type ArtifactKind = 'transcript' | 'root-cert' | 'enrolment' | 'approval-keys' | 'share-files' | 'regional-certs' | 'crl' | 'rotation';

export interface OutputSpec {
  artifact: ArtifactKind;
  path: string;
  description: string;
  carriedBy?: string;
}

export interface Rotation {
  validityDays: number;
  overlapDays: number;
}

export interface CeremonyScript {
  'writ-ceremony': 1;
  id: string;
  kind: CeremonyKind;
  title: string;
  description?: string;
  roles: Record<RoleId, Role>;
  quorum: { threshold: number; custodians: number; newThreshold?: number; newCustodians?: number };
  root?: { subject?: string; domain?: string; alg?: 'ml-dsa-87' | 'ml-dsa-65' | 'ml-dsa-44'; validityDays?: number };
  approvalKeyAlg?: 'ml-dsa-87' | 'ml-dsa-65' | 'ml-dsa-44';
  rotation?: Rotation;
  regions?: Record<string, { levels: string[] }>;
  crl?: { nextUpdateDays: number };
  steps: Step[];
  outputs: OutputSpec[];
}

export interface LoadedScript {
  script: CeremonyScript;
  /** SHA-256 of the script file's bytes, hex: recorded in the transcript so the script used is pinned. */
  digest: string;
  source: string;
}

/** The steps each kind must have, in this relative order (other steps may sit between them). */
const REQUIRED_ORDER: Record<CeremonyKind, StepAction[]> = {
  'root-key-generation': ['open', 'generate-seed', 'split', 'enrol', 'make-root', 'prove-recovery', 'wipe', 'close'],
  'regional-issuance': ['open', 'load-root', 'load-csrs', 'approve', 'rebuild-root', 'sign', 'wipe', 'close'],
  'crl-issuance': ['open', 'load-root', 'load-revocations', 'approve', 'rebuild-root', 'sign', 'wipe', 'close'],
  'custodian-rotation': ['open', 'load-root', 'approve', 'rebuild-root', 'reshare', 'enrol', 'wipe', 'close'],
  'share-drill': ['open', 'load-root', 'drill', 'close'],
};

/** Outputs each kind writes; the script must say where every one goes. */
const REQUIRED_OUTPUTS: Record<CeremonyKind, ArtifactKind[]> = {
  'root-key-generation': ['transcript', 'root-cert', 'enrolment', 'rotation', 'approval-keys', 'share-files'],
  'regional-issuance': ['transcript', 'regional-certs'],
  'crl-issuance': ['transcript', 'crl'],
  'custodian-rotation': ['transcript', 'root-cert', 'enrolment', 'rotation', 'approval-keys', 'share-files'],
  'share-drill': ['transcript'],
};

let validator: ReturnType<InstanceType<typeof Ajv2020>['compile']> | undefined;

function validate(doc: unknown): ErrorObject[] {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    validator = ajv.compile(schema);
  }
  return validator(doc) ? [] : [...(validator.errors ?? [])];
}

function describeAjv(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'the script' : e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') return `${where}: unknown field "${String(e.params.additionalProperty)}"`;
  if (e.keyword === 'required') return `${where}: missing field "${String(e.params.missingProperty)}"`;
  if (e.keyword === 'enum') return `${where}: must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
  return `${where}: ${e.message ?? e.keyword}`;
}

function fail(source: string, message: string): never {
  throw new WritError('SCRIPT', `${source}: ${message}`);
}

/** Checks what the schema cannot: required steps and their order, unique ids, a quorum that can be met. */
export function checkRules(s: CeremonyScript, source = 'script'): void {
  const ids = new Set<string>();
  s.steps.forEach((st, i) => {
    if (ids.has(st.id)) fail(source, `steps[${i}]: duplicate step id "${st.id}"`);
    ids.add(st.id);
    if (st.confirm.includes(st.role)) fail(source, `steps[${i}] (${st.id}): the acting role "${st.role}" cannot also be its confirmer`);
    if (!st.confirm.includes('witness') && st.role !== 'witness') fail(source, `steps[${i}] (${st.id}): the witness must confirm every step`);
  });
  const required = REQUIRED_ORDER[s.kind];
  let pos = -1;
  for (const a of required) {
    const at = s.steps.findIndex((st, i) => i > pos && st.action === a);
    if (at < 0) {
      const anywhere = s.steps.findIndex((st) => st.action === a);
      fail(source, anywhere < 0 ? `a ${s.kind} ceremony needs a step with action "${a}"` : `step "${s.steps[anywhere]!.id}" (${a}) is out of order: required order is ${required.join(' → ')}`);
    }
    pos = at;
  }
  if (s.steps[0]?.action !== 'open') fail(source, 'the first step must be "open"');
  if (s.steps[s.steps.length - 1]?.action !== 'close') fail(source, 'the last step must be "close"');
  const allowed = new Set<StepAction>(required);
  s.steps.forEach((st, i) => {
    if (!allowed.has(st.action)) fail(source, `steps[${i}] (${st.id}): action "${st.action}" does not belong in a ${s.kind} ceremony`);
  });
  const q = s.quorum;
  if (q.threshold > q.custodians) fail(source, `quorum: threshold ${q.threshold} exceeds the ${q.custodians} custodians`);
  if (q.threshold === 1 && q.custodians > 1) fail(source, 'quorum: a threshold of 1 would let any single custodian act alone');
  if (s.kind === 'custodian-rotation') {
    if (q.newThreshold === undefined || q.newCustodians === undefined) fail(source, 'quorum: a custodian-rotation needs newThreshold and newCustodians');
    if (q.newThreshold > q.newCustodians) fail(source, `quorum: newThreshold ${q.newThreshold} exceeds the ${q.newCustodians} new custodians`);
  }
  if (s.kind === 'root-key-generation' && !s.rotation) fail(source, 'a root-key-generation script must set the regional rotation (validityDays, overlapDays)');
  if (s.rotation && s.rotation.overlapDays >= s.rotation.validityDays) fail(source, 'rotation: overlapDays must be shorter than validityDays');
  if (s.kind === 'regional-issuance') {
    if (!s.rotation) fail(source, 'a regional-issuance script must set rotation (validityDays, overlapDays)');
    if (!s.regions || Object.keys(s.regions).length === 0) fail(source, 'a regional-issuance script must list its regions and their levels');
  }
  if (s.kind === 'crl-issuance' && !s.crl) fail(source, 'a crl-issuance script must set crl.nextUpdateDays');
  const kinds = new Set(s.outputs.map((o) => o.artifact));
  for (const k of REQUIRED_OUTPUTS[s.kind]) if (!kinds.has(k)) fail(source, `outputs: a ${s.kind} ceremony writes "${k}"; say where it goes`);
  const paths = new Set<string>();
  for (const o of s.outputs) {
    if (o.path.split('/').some((seg) => seg === '.' || seg === '..')) fail(source, `outputs: "${o.path}" must stay inside the output directory (no "." or ".." segments)`);
    if (paths.has(o.path)) fail(source, `outputs: two outputs share the path "${o.path}"`);
    paths.add(o.path);
    const perItem = o.artifact === 'approval-keys' || o.artifact === 'share-files' || o.artifact === 'regional-certs';
    if (perItem !== o.path.includes('{name}')) fail(source, `outputs: "${o.artifact}" ${perItem ? 'needs' : 'must not use'} {name} in its path`);
  }
}

/** Leading spaces of one line of a ceremony script or answers file (the shipped scripts use at most a dozen). */
export const MAX_YAML_INDENT = 256;
/**
 * Characters of YAML text parsed at once (scripts and answers files; the shipped scripts are under
 * 6 KB): the YAML parser needs up to ~0.5 s for 64 KiB of hostile text, and seconds for 1 MiB.
 */
export const MAX_YAML_CHARS = 64 * 1024;

/**
 * Refuses (LIMIT) YAML longer than MAX_YAML_CHARS, or nested deeper than writ's files ever are, before the YAML parser sees it: flow
 * brackets plus compact "- " / "? " / ": " markers beyond MAX_JSON_DEPTH (src/core/limits.ts), or an
 * indentation over MAX_YAML_INDENT spaces. A linear scan (quotes are not skipped: a bracket in a
 * string only counts against the limit). Without it a 200 KB line of "- - - ..." or "[[[..." drove the
 * parser into a stack overflow and V8 into a fatal out-of-memory abort (issue 8: never a crash).
 */
export function checkYamlNesting(text: string, what: string): void {
  if (text.length > MAX_YAML_CHARS) throw limitError('MAX_YAML_CHARS', MAX_YAML_CHARS, `${what}: ${text.length} characters`);
  let flow = 0;
  let lineStart = true;
  let indent = 0;
  let markers = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      lineStart = true;
      indent = 0;
      markers = 0;
      continue;
    }
    if (lineStart) {
      if (c === 0x20) {
        if (++indent > MAX_YAML_INDENT) throw limitError('MAX_YAML_INDENT', MAX_YAML_INDENT, `${what}: indentation`);
        continue;
      }
      // A block marker is "-", "?" or ":" followed by a space or tab: each opens one level.
      const next = text.charCodeAt(i + 1);
      if ((c === 0x2d || c === 0x3f || c === 0x3a) && (next === 0x20 || next === 0x09)) {
        markers++;
        i++;
        if (flow + markers > MAX_JSON_DEPTH) throw limitError('MAX_JSON_DEPTH', MAX_JSON_DEPTH, `${what}: YAML nesting`);
        continue;
      }
      if (c === 0x09) continue;
      lineStart = false;
    }
    if (c === 0x5b || c === 0x7b) {
      if (++flow + markers > MAX_JSON_DEPTH) throw limitError('MAX_JSON_DEPTH', MAX_JSON_DEPTH, `${what}: YAML nesting`);
    } else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
  }
}

/** Parses YAML 1.2 text (JSON is YAML too), checks it against the schema and the rules. */
export function parseScript(text: string, source = 'script'): LoadedScript {
  checkYamlNesting(text, source);
  const doc = parseDocument(text, { version: '1.2', prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) fail(source, `not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 0 });
  } catch {
    fail(source, 'YAML aliases (&anchor / *alias) are not allowed in a ceremony script: write every value out');
  }
  const errors = validate(value);
  if (errors.length > 0) fail(source, `does not match ceremony.schema.json: ${errors.slice(0, 3).map(describeAjv).join('; ')}`);
  const script = value as CeremonyScript;
  checkRules(script, source);
  return { script, digest: toHex(sha256(new TextEncoder().encode(text))), source };
}

/** The output path for an artifact ({name} replaced); undefined when the script does not write it. */
export function outputPath(s: CeremonyScript, artifact: ArtifactKind, name?: string): string | undefined {
  const o = s.outputs.find((x) => x.artifact === artifact);
  if (!o) return undefined;
  return name === undefined ? o.path : o.path.replace('{name}', name);
}
