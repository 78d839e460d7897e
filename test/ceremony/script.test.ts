// Ceremony scripts as data: every shipped script passes the schema and the rules; each kind of violation is a SCRIPT error naming its place.
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { BUILTIN_SCRIPTS, ceremoniesDir, loadAnswersFile, loadScriptFile } from '../../src/ceremony/files.js';
import { parseScript } from '../../src/ceremony/script.js';
import { rehearsalAnswers } from '../../src/ceremony/rehearsal.js';
import { printHtml, printMarkdown } from '../../src/ceremony/print.js';
import { errCode } from '../helpers/index.js';

const dir = ceremoniesDir()!;
const text = (name: string): string => fs.readFileSync(path.join(dir, `${name}.yaml`), 'utf8');

function mutate(name: string, f: (doc: Record<string, any>) => void): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  const doc = parse(text(name)) as Record<string, unknown>;
  f(doc);
  return stringify(doc);
}

function scriptError(t: string): string {
  expect(errCode(() => parseScript(t, 'test.yaml'))).toBe('SCRIPT');
  try {
    parseScript(t, 'test.yaml');
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('shipped scripts', () => {
  it.each(BUILTIN_SCRIPTS)('%s passes the schema and the rules, and names every output', (name) => {
    const l = loadScriptFile(name);
    expect(l.script.kind).toBe(name);
    expect(l.digest).toMatch(/^[0-9a-f]{64}$/);
    for (const st of l.script.steps) expect(st.confirm).toContain('witness');
    expect(l.script.outputs.map((o) => o.artifact)).toContain('transcript');
  });

  it('the root generation script has the six steps of issue 3 in order, between open and close', () => {
    const actions = loadScriptFile('root-key-generation').script.steps.map((s) => s.action);
    expect(actions).toEqual(['open', 'generate-seed', 'split', 'enrol', 'make-root', 'prove-recovery', 'wipe', 'close']);
  });

  it('the shipped rehearsal answers files are the built-in ones (kept in sync)', () => {
    for (const name of BUILTIN_SCRIPTS) {
      const a = loadAnswersFile(path.join(dir, 'rehearsals', `${name}.answers.yaml`));
      const participants = name === 'custodian-rotation' ? { ...a.participants } : undefined;
      expect(a).toEqual(rehearsalAnswers(participants ? { participants } : {}));
    }
  });

  it('prints as Markdown and HTML with one checkbox section per step', () => {
    const l = loadScriptFile('regional-issuance');
    const md = printMarkdown(l);
    expect(md.match(/^### \d+\. /gm)).toHaveLength(l.script.steps.length);
    expect(md).toContain(l.digest);
    expect(printHtml(l)).not.toMatch(/<script/i);
  });
});

describe('SCRIPT errors name the exact problem', () => {
  it('not YAML', () => expect(scriptError('a: [1, 2')).toMatch(/test\.yaml: not valid YAML/));
  it('duplicate keys are refused (YAML 1.2 unique keys)', () => expect(scriptError(`${text('share-drill')}\nid: again\n`)).toMatch(/not valid YAML/));
  it('an unknown field', () => expect(scriptError(mutate('share-drill', (d) => (d.extra = 1)))).toMatch(/the script: unknown field "extra"/));
  it('a missing field', () => expect(scriptError(mutate('share-drill', (d) => delete d.quorum))).toMatch(/missing field "quorum"/));
  it('an unknown action', () => expect(scriptError(mutate('share-drill', (d) => (d.steps[2].action = 'dril')))).toMatch(/steps\.2\.action: must be one of open, generate-seed/));
  it('a missing required step', () =>
    expect(scriptError(mutate('root-key-generation', (d) => (d.steps = d.steps.filter((s: { action: string }) => s.action !== 'prove-recovery'))))).toMatch(/needs a step with action "prove-recovery"/));
  it('steps out of order', () =>
    expect(
      scriptError(
        mutate('root-key-generation', (d) => {
          const [a, b] = [d.steps[2], d.steps[3]];
          d.steps[2] = b;
          d.steps[3] = a;
        }),
      ),
    ).toMatch(/step "enrol" \(enrol\) is out of order: required order is open → generate-seed → split → enrol/));
  it('an action from another kind', () =>
    expect(scriptError(mutate('share-drill', (d) => d.steps.splice(2, 0, { ...structuredClone(d.steps[2]), id: 'sign-too', action: 'sign' })))).toMatch(/action "sign" does not belong in a share-drill ceremony/));
  it('a step the witness does not confirm', () => expect(scriptError(mutate('share-drill', (d) => (d.steps[1].confirm = [])))).toMatch(/steps\[1\] \(load-root\): the witness must confirm every step/));
  it('a quorum that cannot be met', () => expect(scriptError(mutate('share-drill', (d) => (d.quorum.threshold = 6)))).toMatch(/quorum: threshold 6 exceeds the 5 custodians/));
  it('a threshold of one', () => expect(scriptError(mutate('share-drill', (d) => (d.quorum.threshold = 1)))).toMatch(/any single custodian/));
  it('an overlap window longer than the validity', () => expect(scriptError(mutate('regional-issuance', (d) => (d.rotation.overlapDays = 800)))).toMatch(/overlapDays must be shorter/));
  it('an output with nowhere to go', () =>
    expect(scriptError(mutate('crl-issuance', (d) => (d.outputs = d.outputs.filter((o: { artifact: string }) => o.artifact !== 'crl'))))).toMatch(/outputs: a crl-issuance ceremony writes "crl"; say where it goes/));
  it('an output path leaving the directory', () => expect(scriptError(mutate('crl-issuance', (d) => (d.outputs[0].path = '../root.crl')))).toMatch(/outputs: "\.\.\/root\.crl" must stay inside the output directory/));
  it('YAML aliases are refused', () => expect(scriptError(`${text('share-drill')}\nx: &a 1\ny: *a\n`)).toMatch(/YAML aliases \(&anchor \/ \*alias\) are not allowed/));
  it('duplicate step ids', () => expect(scriptError(mutate('share-drill', (d) => (d.steps[1].id = 'open')))).toMatch(/duplicate step id "open"/));
});
