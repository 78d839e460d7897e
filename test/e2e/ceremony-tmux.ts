// A person at a real terminal, for e2e tests: runs a command in a detached tmux session, reads the screen (capture-pane) and types (send-keys).
import { execFileSync, spawnSync } from 'node:child_process';
import { beginRun } from '../helpers/capture.js';

export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
}

export class Terminal {
  private readonly socket: string;
  readonly session = 'writ';
  /** Every distinct screen seen, in order (for the report and for debugging a failure). */
  readonly screens: string[] = [];
  /** Secret-hygiene capture of this terminal's session (test/helpers/capture.ts): every screen counts as output. */
  private capture: ReturnType<typeof beginRun>;

  constructor(command: string, o: { cwd: string; width?: number; height?: number }) {
    this.socket = `writ-e2e-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
    this.capture = beginRun('tmux', o.cwd, [command]);
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', this.session, '-x', String(o.width ?? 150), '-y', String(o.height ?? 50), '-c', o.cwd, command);
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** The visible screen, trailing blank lines removed. */
  screen(): string {
    const s = this.tmux('capture-pane', '-p', '-t', this.session).replace(/\s+$/, '');
    if (this.screens[this.screens.length - 1] !== s) this.screens.push(s);
    return s;
  }

  /** Types text literally (no key names), then optionally Enter. */
  type(text: string, enter = true): void {
    if (text.length) this.tmux('send-keys', '-t', this.session, '-l', text);
    if (enter) this.tmux('send-keys', '-t', this.session, 'Enter');
  }

  key(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.session, ...keys);
  }

  /** Polls the screen until `test` holds (a wait, not a timed assertion); throws with the screen on timeout. */
  async waitFor(test: RegExp | ((screen: string) => boolean), what: string, timeoutMs = 60_000): Promise<string> {
    const t = typeof test === 'function' ? test : (s: string) => test.test(s);
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (t(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen shows:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill(): void {
    this.capture.end(this.screens.join('\n'), '', null);
    this.capture = { end: () => {} };
    try {
      this.tmux('kill-server');
    } catch {
      /* already gone */
    }
  }
}

/** The active @inquirer prompt: the last line starting with "?" (answered prompts start with "✔"). */
export function activePrompt(screen: string): string | undefined {
  const lines = screen.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (/^\? /.test(l)) return l;
    if (/^✔ /.test(l)) return undefined;
  }
  return undefined;
}
