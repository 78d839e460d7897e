// Shared test helper: the WritError code a call throws (undefined when it returns), so tests assert error codes in one line.
import { WritError } from '../../src/core/errors.js';

/** The code of the WritError `fn` throws, undefined when it returns, `not-writ:<error>` for anything else. */
export function errCode(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof WritError ? e.code : `not-writ:${String(e)}`;
  }
}

/** errCode for a promise: the code of the WritError it rejects with, undefined when it resolves. */
export async function asyncErrCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return e instanceof WritError ? e.code : `not-writ:${String(e)}`;
  }
}
