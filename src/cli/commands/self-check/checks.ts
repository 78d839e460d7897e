// `writ self-check` logic that needs no bundle: SHA256SUMS parsing (GNU coreutils and BSD formats) and the air-gap look.
import type { NetworkInterfaceInfo } from 'node:os';
import { WritError } from '../../../core/errors.js';

export interface SumsEntry {
  name: string;
  sha256: string;
}

/**
 * Parses a SHA256SUMS file as written by `sha256sum` ("HEX  NAME", "HEX *NAME" in binary mode) or by
 * BSD `sha256 -r`/`shasum --tag` ("SHA256 (NAME) = HEX"). Blank lines and "#" comments are skipped;
 * any other line is a PARSE error, so a damaged sums file cannot silently match nothing.
 */
export function parseSums(text: string): SumsEntry[] {
  const out: SumsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const gnu = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    const bsd = /^SHA256 \((.+)\) = ([0-9a-fA-F]{64})$/.exec(line);
    if (gnu) out.push({ sha256: gnu[1]!.toLowerCase(), name: gnu[2]! });
    else if (bsd) out.push({ sha256: bsd[2]!.toLowerCase(), name: bsd[1]! });
    else throw new WritError('PARSE', `SHA256SUMS line ${i + 1} is neither "HEX  NAME" nor "SHA256 (NAME) = HEX"`);
  });
  return out;
}

/** The entry for a file, matched on its base name (sums files list names relative to their directory). */
export function findSum(entries: SumsEntry[], fileName: string): SumsEntry | undefined {
  const base = (n: string): string => n.replace(/^\.\//, '').split(/[\\/]/).pop() ?? n;
  const want = base(fileName);
  return entries.find((e) => base(e.name) === want);
}

export interface AirGapLook {
  /** True when no interface other than loopback has an address. */
  airGapped: boolean;
  /** Non-loopback interfaces with an address ("eth0 10.0.0.5"): each is a warning, not an error. */
  up: string[];
}

/**
 * Looks at os.networkInterfaces(): an interface that is not internal (loopback) and has an address is up.
 * This is a hint for the ceremony table, not a proof: a cable can be plugged in after the check.
 */
export function airGapLook(ifaces: NodeJS.Dict<NetworkInterfaceInfo[]>): AirGapLook {
  const up: string[] = [];
  for (const name of Object.keys(ifaces).sort()) {
    for (const a of ifaces[name] ?? []) if (!a.internal) up.push(`${name} ${a.address}`);
  }
  return { airGapped: up.length === 0, up };
}
