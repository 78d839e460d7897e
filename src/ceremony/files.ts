// Finding and reading ceremony scripts and answers files (YAML 1.2 or JSON) for the CLI, the demo and tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { WritError } from '../core/errors.js';
import { checkYamlNesting, parseScript } from './script.js';
import type { LoadedScript } from './script.js';
import { parseAnswers } from './people.js';
import type { AnswersFile } from './people.js';
import { BUILTIN_SCRIPT_TEXT } from './builtin.js';
import type { BuiltinScriptName } from './builtin.js';
import { MAX_CEREMONY_FILE_BYTES } from '../core/limits.js';
import { readFileLimited } from '../cli/io.js';

/** Text of a file read as UTF-8 (invalid sequences become U+FFFD, as fs.readFileSync(f, 'utf8') did). */
const utf8Text = (b: Uint8Array): string => new TextDecoder().decode(b);

export const BUILTIN_SCRIPTS = Object.keys(BUILTIN_SCRIPT_TEXT) as BuiltinScriptName[];

/**
 * The shipped ceremonies/ directory of a checkout, found by walking up from this module, or undefined
 * (a lone bundle has none: the shipped scripts are embedded in it, see builtin.ts).
 */
export function ceremoniesDir(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const c = path.join(dir, 'ceremonies');
    if (fs.existsSync(path.join(c, 'root-key-generation.yaml'))) return c;
    dir = path.dirname(dir);
  }
  return undefined;
}

/** Loads a script from a path, or a shipped script by name ("root-key-generation"), which is embedded in writ. */
export function loadScriptFile(ref: string): LoadedScript {
  if (!fs.existsSync(ref) && Object.prototype.hasOwnProperty.call(BUILTIN_SCRIPT_TEXT, ref)) {
    return parseScript(BUILTIN_SCRIPT_TEXT[ref as BuiltinScriptName], `ceremonies/${ref}.yaml`);
  }
  const text = utf8Text(readFileLimited(ref, MAX_CEREMONY_FILE_BYTES, 'MAX_CEREMONY_FILE_BYTES')); // stat first, bounded read; IO as before
  return parseScript(text, ref);
}

/** Reads an answers file (YAML or JSON). */
export function loadAnswersFile(file: string): AnswersFile {
  const text = utf8Text(readFileLimited(file, MAX_CEREMONY_FILE_BYTES, 'MAX_CEREMONY_FILE_BYTES'));
  checkYamlNesting(text, file); // LIMIT before the YAML parser recurses (see script.ts)
  let v: unknown;
  try {
    v = parse(text, { version: '1.2', uniqueKeys: true });
  } catch (e) {
    throw new WritError('USAGE', `${file}: not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return parseAnswers(v, file);
}

/**
 * The files a ceremony directory holds, by "/"-separated relative path, for transcript verification.
 * Skipped: transcript.jsonl itself, hidden entries (staging directories), the abort/crash transcripts
 * kept beside output directories, and subdirectories that hold a transcript of their own (later ceremonies filed inside a root directory are verified on their own).
 */
export function collectArtifacts(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (d: string, top: boolean): void => {
    if (!top && fs.existsSync(path.join(d, 'transcript.jsonl'))) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      // Hidden entries are staging directories; the transcripts an abort or a crash leaves beside an output
      // directory are records of their own (verify them by name).
      if (e.name.startsWith('.') || /\.(aborted|crashed)-[^/]+\.transcript\.jsonl$/.test(e.name)) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, false);
      else if (e.isFile() && !(top && e.name === 'transcript.jsonl')) out[path.relative(dir, p).split(path.sep).join('/')] = readFileLimited(p);
    }
  };
  walk(dir, true);
  return out;
}
