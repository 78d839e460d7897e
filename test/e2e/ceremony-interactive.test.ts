// The interactive ceremony as a person does it: `writ ceremony run root-key-generation` in a real terminal (tmux), reading each prompt off the screen and typing the answer.
//
// Skips with one loud line when tmux is absent (.ci/run installs it with apt-get).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Terminal, activePrompt, tmuxAvailable } from './ceremony-tmux.js';
import { WRIT_BIN as BIN, ensureBundle } from '../helpers/index.js';
import { beginRun } from '../helpers/capture.js';

const HAVE_TMUX = tmuxAvailable();
if (!HAVE_TMUX) console.warn('!!! SKIPPING the interactive ceremony e2e: tmux is not installed (apt-get install -y tmux) !!!');

const ADMIN = 'Ana';
const WITNESS = 'Wiremu';
const CUSTODIANS = ['Aroha', 'Ben', 'Chen', 'Dana', 'Eru'];
const pass = (name: string): string => `${name} types a long passphrase`;

let dir = '';
let term: Terminal | undefined;

beforeAll(() => {
  if (!HAVE_TMUX) return;
  ensureBundle();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-tmux-'));
});

afterAll(() => term?.kill());

describe.skipIf(!HAVE_TMUX)('interactive root ceremony in a real terminal', () => {
  it('a person answers every prompt; the words are shown privately then cleared; the transcript verifies', async () => {
    const t = new Terminal(`${process.execPath} ${BIN} ceremony run root-key-generation --out root; echo "WRIT-EXIT=$?"; sleep 600`, { cwd: dir });
    term = t;
    const seen: string[] = [];
    let arohaWords = '';
    let wordsWereCleared = false;
    let approvals = 0;
    let presented = 0;
    let digestScreen = '';
    let stepsAnnounced = 0;
    let last = '';

    for (let turn = 0; turn < 400; turn++) {
      // The next prompt: an active one whose question is not the one just answered (the answer's echo changes the line).
      const screen = await t.waitFor((s) => /WRIT-EXIT=\d+/.test(s) || (activePrompt(s) !== undefined && !(last && activePrompt(s)!.startsWith(last))), 'the next prompt');
      if (/WRIT-EXIT=\d+/.test(screen)) break;
      const p = activePrompt(screen)!;
      seen.push(p);
      stepsAnnounced = Math.max(stepsAnnounced, ...[...screen.matchAll(/STEP (\d+) of 8/g)].map((m) => Number(m[1])));
      const m = (re: RegExp): RegExpExecArray | null => {
        const x = re.exec(p);
        if (x) last = p.slice(0, x.index + x[0].length); // the question part, without what was typed after it
        return x;
      };
      let r: RegExpExecArray | null;
      if (m(/Name of the ceremony administrator/)) t.type(ADMIN);
      else if (m(/Name of the internal witness/)) t.type(WITNESS);
      else if ((r = m(/Name of custodian (\d) of 5/))) t.type(CUSTODIANS[Number(r[1]) - 1]!);
      else if (m(/do you confirm step \d+/)) t.type("y");
      else if ((r = m(/\[(\w+)\] \1: do you want to see your share words/))) t.type(r[1] === 'Aroha' ? 'y' : 'n');
      else if (m(/Everyone else looks away/)) t.type('y');
      else if (m(/Press Enter when written down/)) {
        // Aroha copies her words off the screen, as onto paper.
        arohaWords = [...screen.matchAll(/\d+\. ([a-z]+)/g)].map((x) => x[1]).join(' ');
        t.type('');
        const after = await t.waitFor((s) => !/Press Enter when written down/.test(s), 'the screen to clear');
        wordsWereCleared = !/\d+\. [a-z]+ +\d+\. [a-z]+/.test(after);
      } else if ((r = m(/\[(\w+)\] \1: write your share to a file/))) t.type(r[1] === 'Aroha' ? 'n' : 'y');
      else if ((r = m(/\[(\w+)\] (Choose a passphrase|Repeat it|Passphrase of your)/))) t.type(pass(r[1]!));
      else if ((r = m(/\[Ana\] Which custodian presents (approval|share) next\? \((\d) of 3 accepted\)/))) {
        // Approvals by Aroha, Ben, Chen; recovery by Aroha (typing her words), Dana and Eru (share files).
        const who = r[1] === 'approval' ? ['Aroha', 'Ben', 'Chen'][Number(r[2])]! : ['Aroha', 'Dana', 'Eru'][Number(r[2])]!;
        if (r[1] === 'approval' && !digestScreen) digestScreen = screen;
        for (let i = 0; i < CUSTODIANS.indexOf(who); i++) t.key('Down');
        t.key('Enter');
      } else if (m(/approve with/)) t.key('Enter'); // "my approval key file" is the first choice
      else if (m(/Path of your approval key/)) t.type(''); // accept the default keys/<name>.key
      else if ((r = m(/\[(\w+)\] Approve root certificate/))) {
        approvals++;
        t.type('y');
      } else if ((r = m(/\[(\w+)\] How do you present your share\?/))) {
        presented++;
        if (r[1] === 'Aroha') t.key('Down', 'Enter');
        else t.key('Enter');
      } else if (m(/\[Aroha\] Type your share words/)) t.type(arohaWords);
      else if ((r = m(/\[(\w+)\] Path of your share file/))) t.type(`shares/${r[1]}.share.json`);
      else throw new Error(`unexpected prompt: ${p}\n--- screen ---\n${screen}`);
    }

    const final = await t.waitFor(/WRIT-EXIT=\d+/, 'the command to finish');
    fs.writeFileSync(path.join(os.tmpdir(), 'writ-interactive-digest-screen.txt'), digestScreen);
    fs.writeFileSync(path.join(os.tmpdir(), 'writ-interactive-final-screen.txt'), final);
    expect(final).toContain('WRIT-EXIT=0');
    expect(stepsAnnounced).toBe(8);
    expect(arohaWords.split(' ')).toHaveLength(33); // a 256-bit secret: 33 SLIP-39 words
    expect(wordsWereCleared).toBe(true);
    expect(approvals).toBe(3);
    expect(presented).toBe(3);
    // the digest the custodians approved was on screen in hex and as words
    expect(digestScreen).toMatch(/To be signed: root certificate \(SHA-512\):/);
    expect(digestScreen).toMatch(/hex +[0-9a-f]{16} [0-9a-f]{16}/);
    expect(digestScreen).toMatch(/words +[a-z]+ [a-z]+ [a-z]+ [a-z]+ \/ /);
    // every step's witness confirmation was asked
    expect(seen.filter((p) => /Internal witness: do you confirm step/.test(p))).toHaveLength(8);
    // passphrases never appear on screen
    for (const s of t.screens) for (const n of [ADMIN, WITNESS, ...CUSTODIANS]) expect(s).not.toContain(pass(n));

    const cap = beginRun('spawnSync', dir, ['ceremony', 'verify', 'root', '--json']);
    const v = spawnSync(process.execPath, [BIN, 'ceremony', 'verify', 'root', '--json'], { cwd: dir, encoding: 'utf8' });
    cap.end(v.stdout, v.stderr, v.status);
    expect(v.status).toBe(0);
    const j = JSON.parse(v.stdout);
    expect(j.ok).toBe(true);
    expect(j.rehearsal).toBe(false);
    expect(j.approvals[0].custodians).toEqual(['Aroha', 'Ben', 'Chen']);
    // Aroha took only the words: no share file for her
    expect(fs.readdirSync(path.join(dir, 'root', 'shares')).sort()).toEqual(['Ben.share.json', 'Chen.share.json', 'Dana.share.json', 'Eru.share.json']);
  });

  it('Ctrl-C at a prompt aborts the ceremony: exit 4, --out never created, the abort on record', async () => {
    const t = new Terminal(`${process.execPath} ${BIN} ceremony run root-key-generation --out interrupted; echo "WRIT-EXIT=$?"; sleep 600`, { cwd: dir });
    try {
      const names = ['Ana', 'Wiremu', ...CUSTODIANS];
      for (const [i, n] of names.entries()) {
        await t.waitFor((s) => (activePrompt(s) ?? '').includes(i < 2 ? (i === 0 ? 'administrator' : 'internal witness') : `custodian ${i - 1} of 5`), `name prompt ${i}`);
        t.type(n);
      }
      await t.waitFor((s) => /do you confirm step 1 /.test(activePrompt(s) ?? ''), 'the first confirmation');
      t.type('y');
      await t.waitFor((s) => /do you confirm step 2 /.test(activePrompt(s) ?? ''), 'the second confirmation');
      t.key('C-c');
      const screen = await t.waitFor(/WRIT-EXIT=\d+/, 'the command to end');
      expect(screen).toContain('WRIT-EXIT=4');
      expect(screen).toMatch(/ceremony aborted at step 2 \(generate-seed\): interrupted at a prompt \(Ctrl-C\)/);
      expect(fs.existsSync(path.join(dir, 'interrupted'))).toBe(false);
      const kept = fs.readdirSync(dir).filter((f) => f.startsWith('interrupted.aborted-'));
      expect(kept).toHaveLength(1);
      const cap = beginRun('spawnSync', dir, ['ceremony', 'verify', kept[0]!, '--json']);
      const v = spawnSync(process.execPath, [BIN, 'ceremony', 'verify', kept[0]!, '--json'], { cwd: dir, encoding: 'utf8' });
      cap.end(v.stdout, v.stderr, v.status);
      expect(JSON.parse(v.stdout).status).toBe('aborted');
    } finally {
      t.kill();
    }
  });
});
