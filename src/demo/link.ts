// The demo's link check (issue 5 "The network layer, proven"): harbor and orchard prove a mutual TLS 1.3 link on loopback with X25519MLKEM768, when this Node.js's OpenSSL can.
//
// The sides are built in memory from the demo PKI (src/link/identity.ts fixtureLinkSide): like the
// federation demo, the demo leaves no unencrypted private key on disk. On a Node.js without ML-DSA or the
// group (Node 20) it reports the same plain message `writ link check` gives, and the demo still succeeds.
import type { FixturePki } from '../fixtures/pki.js';
import { fixtureLinkSide } from '../link/identity.js';
import { linkSupport, unsupportedMessage } from '../link/platform.js';
import { runLinkCheck, type LinkReport } from '../link/check.js';

export interface LinkDemoResult {
  /** 'ok' (link proved), 'refused' (a bug in the demo: it must pass), 'unsupported' (this Node cannot). */
  outcome: 'ok' | 'refused' | 'unsupported';
  report?: LinkReport;
  message?: string;
}

export async function runLinkDemo(o: { pki: FixturePki; now: Date; note: (m: string) => void }): Promise<LinkDemoResult> {
  const support = linkSupport();
  if (!support.ok) return { outcome: 'unsupported', message: unsupportedMessage(support) };
  o.note('writ demo: proving the harbor <-> orchard TLS link on 127.0.0.1 (TLS 1.3, X25519MLKEM768 only)…');
  const a = fixtureLinkSide(o.pki, 'harbor');
  const b = fixtureLinkSide(o.pki, 'orchard');
  try {
    const report = await runLinkCheck(a, b, { now: o.now });
    return { outcome: report.ok ? 'ok' : 'refused', report };
  } finally {
    a.wipe();
    b.wipe();
  }
}

/** One summary line. */
export function linkSummary(r: LinkDemoResult): string[] {
  if (r.outcome === 'unsupported') return [`Link check: skipped: ${r.message ?? ''}`];
  const p = r.report;
  if (!p) return ['Link check: XX no report'];
  if (r.outcome === 'refused') return [`Link check: XX refused by the ${p.refusal?.by ?? '?'}: ${p.refusal?.message ?? ''} [${p.refusal?.code ?? '?'}]`];
  return [`Link check: ok  ${p.self.proved.identity ?? '?'} <-> ${p.peer.proved.identity ?? '?'}: ${p.protocol ?? '?'}, group ${p.group ?? '?'}, ${p.cipher ?? '?'}, both chains proved by writ`];
}
