// The answers-file People: key lookup with wildcards, successive answers for retries, and refusal of a missing or ill-typed answer.
import { describe, expect, it } from 'vitest';
import { AnswersPeople, parseAnswers } from '../../src/ceremony/people.js';
import { digestLines } from '../../src/ceremony/runner.js';
import { errCode } from '../helpers/index.js';

const participants = { administrator: 'A', witness: 'W', custodians: ['c1', 'c2'] };

describe('AnswersPeople', () => {
  it('exact keys win over wildcards, in the documented order', async () => {
    const p = new AnswersPeople({ participants, answers: { '*.*.confirm': true, 'split.W.confirm': false, '*.W.name': 'x', 'open.*.name': 'y' } });
    expect(await p.ask({ kind: 'confirm', key: 'split.W.confirm', role: 'witness', actor: 'W', message: '' })).toBe(false);
    expect(await p.ask({ kind: 'confirm', key: 'enrol.W.confirm', role: 'witness', actor: 'W', message: '' })).toBe(true);
    expect(await p.ask({ kind: 'text', key: 'open.W.name', role: 'witness', actor: 'W', message: '' })).toBe('x');
    expect(await p.ask({ kind: 'text', key: 'open.A.name', role: 'witness', actor: 'A', message: '' })).toBe('y');
  });

  it('a list answers successive asks, then repeats its last value', async () => {
    const p = new AnswersPeople({ participants, answers: { 's.A.next': ['c1', 'c1', 'c2'] } });
    const q = { kind: 'select' as const, key: 's.A.next', role: 'administrator' as const, actor: 'A', message: '', choices: [{ value: 'c1', name: 'c1' }, { value: 'c2', name: 'c2' }] };
    expect([await p.ask(q), await p.ask(q), await p.ask(q), await p.ask(q)]).toEqual(['c1', 'c1', 'c2', 'c2']);
  });

  it('a missing answer aborts (ABORTED) naming the key; a text default is used when there is one', async () => {
    const p = new AnswersPeople({ participants, answers: {} });
    await expect(p.ask({ kind: 'secret', key: 'enrol.c1.new-passphrase', role: 'custodian', actor: 'c1', message: 'm', isNew: true })).rejects.toThrow(/no answer for "enrol\.c1\.new-passphrase"/);
    expect(await p.ask({ kind: 'text', key: 'x.c1.key-file', role: 'custodian', actor: 'c1', message: '', default: 'keys/c1.key' })).toBe('keys/c1.key');
  });

  it('a select answer must be one of the choices; a confirm answer must be a boolean', async () => {
    const p = new AnswersPeople({ participants, answers: { 'a.b.c': 'nope', 'a.b.d': 'yes' } });
    await expect(p.ask({ kind: 'select', key: 'a.b.c', role: 'custodian', actor: 'b', message: '', choices: [{ value: 'x', name: 'x' }] })).rejects.toThrow(/is not one of x/);
    await expect(p.ask({ kind: 'confirm', key: 'a.b.d', role: 'custodian', actor: 'b', message: '' })).rejects.toThrow(/must be true or false/);
  });

  it('parseAnswers refuses malformed files with USAGE', () => {
    const code = (v: unknown): string | undefined => errCode(() => parseAnswers(v, 'f'));
    expect(code([])).toBe('USAGE');
    expect(code({ participants: { administrator: 'a' }, answers: {} })).toBe('USAGE');
    expect(code({ participants, answers: {}, clock: 'yesterday' })).toBe('USAGE');
    expect(code({ participants, answers: {}, kdfCost: { N: 0, r: 8, p: 1 } })).toBe('USAGE');
    expect(code({ participants, answers: {} })).toBeUndefined();
  });
});

describe('digestLines', () => {
  it('shows a SHA-512 digest as grouped hex and as 52 words for reading aloud', () => {
    const hex = 'ab'.repeat(64);
    const lines = digestLines('TBS', hex);
    expect(lines[0]).toBe('TBS:');
    expect(lines.filter((l) => l.includes(' hex ')).join(' ').replace(/\s|hex/g, '')).toBe(hex);
    const words = lines.filter((l) => l.includes(' words ')).join(' ').replace(/words|\//g, ' ').trim().split(/\s+/);
    expect(words).toHaveLength(52);
  });
});
