// Tests for the one exit-code table (src/cli/exit.ts, DESIGN.md §6).
import { describe, expect, it } from 'vitest';
import { WritError } from '../../src/core/errors.js';
import { EXIT, EXIT_BY_CODE, EXIT_CODES_HELP, exitCodeFor } from '../../src/cli/exit.js';

describe('exit codes', () => {
  it('maps each class of WritError code to its documented exit code', () => {
    expect(exitCodeFor(new WritError('SIGNATURE', 'x'))).toBe(1);
    expect(exitCodeFor(new WritError('REVOKED', 'x'))).toBe(1);
    expect(exitCodeFor(new WritError('NAME_CONSTRAINT', 'x'))).toBe(1);
    expect(exitCodeFor(new WritError('REFUSED_NO_AGREEMENT', 'x'))).toBe(1);
    expect(exitCodeFor(new WritError('PARSE', 'x'))).toBe(1);
    expect(exitCodeFor(new WritError('BAD_PASSPHRASE', 'x'))).toBe(1);
    expect(exitCodeFor(new WritError('USAGE', 'x'))).toBe(2);
    expect(exitCodeFor(new WritError('INSECURE', 'x'))).toBe(2);
    expect(exitCodeFor(new WritError('IO', 'x'))).toBe(3);
    expect(exitCodeFor(new WritError('EXISTS', 'x'))).toBe(3);
    expect(exitCodeFor(new WritError('ABORTED', 'x'))).toBe(4);
    expect(exitCodeFor(new WritError('UNSUPPORTED_PLATFORM', 'x'))).toBe(5);
    expect(exitCodeFor(new WritError('INTERNAL', 'x'))).toBe(70);
  });

  it('treats anything that is not a WritError as a bug (70)', () => {
    expect(exitCodeFor(new TypeError('boom'))).toBe(70);
    expect(exitCodeFor('a string')).toBe(70);
    expect(exitCodeFor(undefined)).toBe(70);
  });

  it('uses only the seven documented exit codes, and the help lists each of them', () => {
    const allowed = new Set<number>(Object.values(EXIT));
    expect([...allowed].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 70]);
    for (const v of Object.values(EXIT_BY_CODE)) expect(allowed.has(v)).toBe(true);
    for (const c of allowed) expect(EXIT_CODES_HELP).toMatch(new RegExp(`^  ${c} `, 'm'));
  });
});
