// vitest globalSetup: captures every CLI run of the test run (WRIT_CAPTURE_DIR) and, at teardown, scans it all for known secrets (issue 8 "Secret hygiene").
//
// Setup makes a fresh capture directory and exports WRIT_CAPTURE_DIR, which the forked test workers
// inherit; test/helpers/capture.ts records each run there. Teardown runs test/assurance/secrets-capture.ts
// over the capture, prints one summary line, writes secret-scan.json beside it, and fails the run
// (throws) on any finding, keeping the capture for inspection. WRIT_SECRET_SCAN=0 turns all of it off;
// WRIT_KEEP_CAPTURE=1 keeps the capture directory even when the scan is clean.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export default function setup(): (() => Promise<void>) | undefined {
  if (process.env.WRIT_SECRET_SCAN === '0') return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writ-capture-'));
  process.env.WRIT_CAPTURE_DIR = dir;
  return async () => {
    const runsThere = fs.readdirSync(dir).some((f) => f.startsWith('runs-'));
    if (!runsThere) {
      console.log('secret scan: no CLI runs were captured in this test run (no e2e or demo test ran)');
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    }
    // Imported here, not at the top: the scanner pulls in writ's core, which a run without e2e tests does not need.
    const { scanCapture, summaryLine } = await import('./secrets-capture.js');
    const report = scanCapture(dir);
    fs.writeFileSync(path.join(dir, 'secret-scan.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(summaryLine(report));
    for (const e of report.exempt) console.log(`  exempt: ${e.file}: ${e.why}`);
    if (report.findings.length > 0) {
      for (const f of report.findings.slice(0, 50)) console.log(`  FOUND ${f.kind} "${f.secret}" as ${f.encoding} in ${f.file} at ${f.offset}${f.test ? ` (test: ${f.test})` : ''}`);
      throw new Error(`secret scan: ${report.findings.length} findings; the capture is kept in ${dir} (secret-scan.json)`);
    }
    if (process.env.WRIT_KEEP_CAPTURE === '1') console.log(`secret scan: capture kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  };
}
