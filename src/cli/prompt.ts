// Talking to the person at the terminal: passphrase entry with echo off, on stderr, never logged.
//
// Only used when stdin is a TTY and no --pass-file was given; unattended runs (CI, tests, the demo)
// never prompt, they pass files.
import { WritError } from '../core/errors.js';

export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Reads one line from the TTY without echoing it; returns UTF-8 bytes the caller must wipe. */
export function readSecret(prompt: string): Promise<Uint8Array> {
  if (!canPrompt()) return Promise.reject(new WritError('USAGE', 'no terminal to ask for a passphrase: give --pass-file'));
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    const chars: number[] = [];
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    const done = (err?: Error): void => {
      stdin.removeListener('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) {
        chars.fill(0);
        reject(err);
      } else {
        const out = new Uint8Array(Buffer.from(String.fromCharCode(...chars), 'latin1'));
        chars.fill(0);
        resolve(out);
      }
    };
    const onData = (buf: Buffer): void => {
      for (const b of buf) {
        if (b === 0x0d || b === 0x0a) return done();
        if (b === 0x03) return done(new WritError('ABORTED', 'interrupted at the passphrase prompt'));
        if (b === 0x04 && chars.length === 0) return done(new WritError('ABORTED', 'no passphrase given'));
        if (b === 0x7f || b === 0x08) chars.pop();
        else chars.push(b);
      }
      buf.fill(0);
    };
    stdin.on('data', onData);
  });
}

/** Asks twice and insists both answers match (used when a new key is encrypted). */
export async function readNewSecret(what: string): Promise<Uint8Array> {
  const a = await readSecret(`Passphrase for ${what}: `);
  const b = await readSecret('Repeat passphrase: ');
  const same = a.length === b.length && a.every((x, i) => x === b[i]);
  b.fill(0);
  if (!same) {
    a.fill(0);
    throw new WritError('USAGE', 'the two passphrases differ');
  }
  if (a.length === 0) throw new WritError('USAGE', 'empty passphrase');
  return a;
}
