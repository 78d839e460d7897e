// A ceremony script as a printable paper script (Markdown or HTML): numbered steps, checkboxes, initials and signature lines, as paper root KSK ceremony scripts are used.
import type { CeremonyScript, LoadedScript, RoleId } from './script.js';

const ROLES: RoleId[] = ['administrator', 'witness', 'custodian'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function custodianCount(s: CeremonyScript): number {
  return s.quorum.custodians + (s.quorum.newCustodians ?? 0);
}

export function printMarkdown(l: LoadedScript): string {
  const s = l.script;
  const o: string[] = [];
  o.push(`# ${s.title}`, '');
  o.push(`Script \`${s.id}\` (${s.kind}), SHA-256 \`${l.digest}\``, '');
  if (s.description) o.push(s.description.trim(), '');
  o.push('Ceremony id: ______________________  Date: ____________  Place: ______________________', '');
  o.push('## Roles', '');
  o.push('| role | duties | name | signature |', '|---|---|---|---|');
  for (const r of ROLES) {
    const n = r === 'custodian' ? custodianCount(s) : 1;
    for (let i = 0; i < n; i++) o.push(`| ${s.roles[r].title}${n > 1 ? ` ${i + 1}` : ''} | ${i === 0 ? s.roles[r].duties : '〃'} | | |`);
  }
  o.push('');
  o.push(`**Quorum:** ${s.quorum.threshold} of ${s.quorum.custodians} custodians${s.quorum.newThreshold ? `; new set ${s.quorum.newThreshold} of ${s.quorum.newCustodians}` : ''}.`);
  if (s.rotation) o.push(`**Regional rotation:** validity ${s.rotation.validityDays} days, overlap window ${s.rotation.overlapDays} days.`);
  if (s.regions) o.push(`**Regions:** ${Object.entries(s.regions).map(([r, v]) => `${r} (${v.levels.join(', ')})`).join('; ')}.`);
  o.push('');
  o.push('## Steps', '');
  s.steps.forEach((st, i) => {
    o.push(`### ${i + 1}. ${st.title}`, '');
    o.push(`- [ ] Acting role: **${s.roles[st.role].title}**`);
    if (st.instructions) o.push(`- ${st.instructions.trim()}`);
    o.push(`- The screen shows: ${st.shows.join('; ')}`);
    o.push('- [ ] Values read aloud and compared (write the first four words):  ____________________________');
    for (const c of st.confirm) o.push(`- [ ] Confirmed by ${s.roles[c].title}. Initials: ______  Time (UTC): ______`);
    o.push('');
  });
  o.push('## Outputs', '');
  o.push('| output | where | carried by | SHA-256 (first 16 hex) |', '|---|---|---|---|');
  for (const x of s.outputs) o.push(`| ${x.description} | \`${x.path}\` | ${x.carriedBy ?? 'stays in the ceremony directory'} | |`);
  o.push('');
  o.push('## Close', '');
  o.push('- [ ] `writ ceremony verify OUT` printed VALID. Initials of the witness: ______');
  o.push('- [ ] The machine was powered off; removable media were handed to their carriers.', '');
  o.push('Ceremony administrator: ______________________________  signature: ______________________');
  o.push('');
  o.push('Internal witness: ____________________________________  signature: ______________________');
  o.push('');
  return o.join('\n');
}

export function printHtml(l: LoadedScript): string {
  const s = l.script;
  const box = '<span class="box">☐</span>';
  const o: string[] = [];
  o.push('<!doctype html>', '<html lang="en"><head><meta charset="utf-8">', `<title>${esc(s.title)}</title>`);
  o.push('<style>body{font:11pt/1.45 serif;max-width:48em;margin:2em auto}h3{break-after:avoid}section.step{break-inside:avoid;border-top:1px solid #888;padding:.3em 0}table{border-collapse:collapse;width:100%}td,th{border:1px solid #888;padding:.3em;text-align:left;height:1.6em}.box{font-size:1.3em;margin-right:.3em}.line{display:inline-block;border-bottom:1px solid #000;min-width:10em}code{font-size:9pt}</style>');
  o.push('</head><body>');
  o.push(`<h1>${esc(s.title)}</h1>`, `<p>Script <code>${esc(s.id)}</code> (${esc(s.kind)}), SHA-256 <code>${l.digest}</code></p>`);
  if (s.description) o.push(`<p>${esc(s.description.trim())}</p>`);
  o.push('<p>Ceremony id: <span class="line"></span> Date: <span class="line"></span> Place: <span class="line"></span></p>');
  o.push('<h2>Roles</h2><table><tr><th>role</th><th>duties</th><th>name</th><th>signature</th></tr>');
  for (const r of ROLES) {
    const n = r === 'custodian' ? custodianCount(s) : 1;
    for (let i = 0; i < n; i++) o.push(`<tr><td>${esc(s.roles[r].title)}${n > 1 ? ` ${i + 1}` : ''}</td><td>${i === 0 ? esc(s.roles[r].duties) : '〃'}</td><td></td><td></td></tr>`);
  }
  o.push('</table>');
  o.push(`<p><b>Quorum:</b> ${s.quorum.threshold} of ${s.quorum.custodians} custodians${s.quorum.newThreshold ? `; new set ${s.quorum.newThreshold} of ${s.quorum.newCustodians}` : ''}.</p>`);
  if (s.rotation) o.push(`<p><b>Regional rotation:</b> validity ${s.rotation.validityDays} days, overlap window ${s.rotation.overlapDays} days.</p>`);
  o.push('<h2>Steps</h2>');
  s.steps.forEach((st, i) => {
    o.push(`<section class="step"><h3>${box}${i + 1}. ${esc(st.title)}</h3>`, '<ul>');
    o.push(`<li>Acting role: <b>${esc(s.roles[st.role].title)}</b></li>`);
    if (st.instructions) o.push(`<li>${esc(st.instructions.trim())}</li>`);
    o.push(`<li>The screen shows: ${st.shows.map(esc).join('; ')}</li>`);
    o.push(`<li>${box}Values read aloud and compared (first four words): <span class="line"></span></li>`);
    for (const c of st.confirm) o.push(`<li>${box}Confirmed by ${esc(s.roles[c].title)}. Initials: <span class="line"></span> Time (UTC): <span class="line"></span></li>`);
    o.push('</ul></section>');
  });
  o.push('<h2>Outputs</h2><table><tr><th>output</th><th>where</th><th>carried by</th><th>SHA-256 (first 16 hex)</th></tr>');
  for (const x of s.outputs) o.push(`<tr><td>${esc(x.description)}</td><td><code>${esc(x.path)}</code></td><td>${esc(x.carriedBy ?? 'stays in the ceremony directory')}</td><td></td></tr>`);
  o.push('</table>');
  o.push(`<h2>Close</h2><p>${box}<code>writ ceremony verify OUT</code> printed VALID. Initials of the witness: <span class="line"></span></p>`);
  o.push(`<p>${box}The machine was powered off; removable media were handed to their carriers.</p>`);
  o.push('<p>Ceremony administrator: <span class="line"></span> signature: <span class="line"></span></p>');
  o.push('<p>Internal witness: <span class="line"></span> signature: <span class="line"></span></p>');
  o.push('</body></html>', '');
  return o.join('\n');
}
