// `writ ceremony print SCRIPT`: the script as a printable paper script (Markdown or HTML) with step checkboxes and signature lines.
import type { Ctx, CommandResult } from '../../context.js';
import { loadScriptFile } from '../../../ceremony/files.js';
import { printHtml, printMarkdown } from '../../../ceremony/print.js';

export function run(_ctx: Ctx, args: string[], opts: Record<string, unknown>): CommandResult {
  const loaded = loadScriptFile(args[0]!);
  const format = (opts.format as string | undefined) ?? 'md';
  const text = format === 'html' ? printHtml(loaded) : printMarkdown(loaded);
  return { text, data: { script: loaded.script.id, sha256: loaded.digest, format, document: text } };
}
