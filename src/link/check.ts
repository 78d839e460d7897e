// `writ link check`: a mutual-TLS 1.3 handshake (RFC 8446 §4.3.2/§4.4.2) on loopback between two enclaves' link identities, group X25519MLKEM768 only, each side verifying the other's presented chain with writ's verifier (RFC 5280 §6).
//
// src/link is the ONE place in writ that imports node:tls / node:net (the assurance test scans the
// bundle for network code outside it). It binds 127.0.0.1 on an ephemeral port and never anything else.
//
// OpenSSL does the handshake (and proves possession of each link key through CertificateVerify) but is
// told not to judge the certificates (rejectUnauthorized: false, no CA list): the judgement is writ's.
// As soon as a side has the peer's chain it runs verify() against ITS OWN trust store; a refusal
// destroys the socket before any application byte is exchanged. The server only confirms ("writ-link
// ok") after its own verification passed, so a client that reads that line knows both sides accepted.
import * as tls from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import { WritError } from '../core/errors.js';
import { parseCertificate } from '../core/x509/parse.js';
import type { Certificate } from '../core/x509/types.js';
import { verify } from '../core/verify/verify.js';
import type { VerifyResult } from '../core/verify/types.js';
import { EKU } from '../core/asn1/oids.js';
import { OID_NAMES } from '../core/crypto/algs.js';
import { sha256 } from '../core/crypto/kdf.js';
import { toHex } from '../core/crypto/bytes.js';
import { pemEncode } from '../core/asn1/pem.js';
import { LINK_GROUP, requireLinkSupport } from './platform.js';
import type { LinkSide } from './identity.js';

const CONFIRM = 'writ-link ok\n';
const TIMEOUT_MS = 20_000;

export interface SideReport {
  /** The enclave directory of this side. */
  dir: string;
  /** Its enclave id (from its enclave.json: a claim, the proof is `proved`). */
  enclave: string;
  role: 'client' | 'server';
  /** What the OTHER side's verifier proved about this side's presented chain. */
  proved: { ok: boolean; identity?: string; enclave?: string; region?: string; level?: string; levelName?: string };
  /** The identity the other side demanded. */
  expected: string;
  /** Presented chain, leaf first: subject and SHA-256 fingerprint. */
  chain: { subject: string; fingerprint: string; keyAlg: string }[];
  /** False when the link ended (the other side's refusal, a TLS failure) before this side's chain was judged. */
  checked: boolean;
  /** The verifier's errors (empty when proved or not checked). */
  errors: { code: string; cert: string; message: string }[];
}

export interface LinkReport {
  ok: boolean;
  /** Where the handshake ran: always 127.0.0.1 and an ephemeral port. */
  address: string;
  protocol?: string;
  cipher?: string;
  /** The negotiated key-exchange group, as the client's TLS stack reports it. */
  group?: string;
  /** The only group either side offered. */
  requiredGroup: string;
  /** --as (initiator, TLS client) and --peer (responder, TLS server). */
  self: SideReport;
  peer: SideReport;
  /** Why the link was refused (first failure), when ok is false. */
  refusal?: { by: 'client' | 'server' | 'tls'; code: string; message: string };
  node: string;
  openssl: string;
  verifiedAt: string;
}

/** The peer's presented chain (leaf first) as parsed certificates, from node:tls's detailed peer certificate. */
function presentedChain(socket: tls.TLSSocket): Certificate[] {
  const out: Certificate[] = [];
  const seen = new Set<string>();
  let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(parseCertificate(new Uint8Array(c.raw)));
    c = c.issuerCertificate;
  }
  return out;
}

type Verdict = VerifyResult | WritError;

/**
 * One side's judgement of the other: the chain the peer presented, verified by writ against `judge`'s
 * own trust store at `now`, demanding `expected` (identity), `purpose` (EKU) and digitalSignature.
 */
function judgePeer(socket: tls.TLSSocket, judge: LinkSide, expected: string, purpose: string, now: Date, what: string): { chain: Certificate[]; verdict: Verdict; ok: boolean } {
  let chain: Certificate[] = [];
  let verdict: Verdict;
  try {
    chain = presentedChain(socket);
    const leaf = chain[0];
    verdict = leaf
      ? verify({ leaf, untrusted: chain.slice(1), crls: judge.crls }, judge.anchors, { now, identity: expected, purpose, keyUsage: ['digitalSignature'] })
      : new WritError('NO_PATH', `the ${what} presented no certificate`);
  } catch (e) {
    verdict = e instanceof WritError ? e : new WritError('PARSE', `the ${what}'s certificate: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { chain, verdict, ok: !(verdict instanceof WritError) && verdict.ok };
}

function sideReport(side: LinkSide, role: 'client' | 'server', presented: Certificate[], v: Verdict | undefined): SideReport {
  const r: SideReport = {
    dir: side.dir,
    enclave: side.enclave,
    role,
    expected: side.expectedIdentity,
    proved: { ok: false },
    checked: v !== undefined,
    chain: presented.map((c) => ({ subject: c.subject.text, fingerprint: toHex(sha256(c.der)), keyAlg: OID_NAMES[c.spki.algorithm.oid] ?? c.spki.algorithm.oid })),
    errors: [],
  };
  if (v === undefined) return r;
  if (v instanceof WritError) r.errors.push({ code: v.code, cert: 'leaf', message: v.message });
  else {
    r.errors = v.errors.map((e) => ({ code: e.code, cert: e.cert, message: e.message }));
    if (v.ok) {
      r.proved = {
        ok: true,
        ...(v.identity ? { identity: v.identity } : {}),
        ...(v.enclave ? { enclave: v.enclave } : {}),
        ...(v.region ? { region: v.region } : {}),
        ...(v.level ? { level: v.level } : {}),
        ...(v.levelName ? { levelName: v.levelName } : {}),
      };
    }
  }
  return r;
}

function verdictError(v: Verdict): { code: string; message: string } {
  if (v instanceof WritError) return { code: v.code, message: v.message };
  const e = v.errors[0];
  return { code: e?.code ?? 'NO_PATH', message: e ? `${e.cert}: ${e.message}` : 'refused' };
}

/**
 * Runs the loopback check: `self` connects as the TLS client to `peer` listening on 127.0.0.1 (an
 * ephemeral port), TLS 1.3 only, group X25519MLKEM768 only, mutual authentication. `now` is the
 * verification time of writ's verifier on both sides. Resolves with the report (ok false on refusal);
 * rejects with UNSUPPORTED_PLATFORM when this Node.js cannot do it.
 */
export async function runLinkCheck(self: LinkSide, peer: LinkSide, o: { now: Date }): Promise<LinkReport> {
  const support = requireLinkSupport();
  const base: tls.SecureContextOptions & { rejectUnauthorized: boolean } = {
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    ecdhCurve: LINK_GROUP,
    rejectUnauthorized: false, // writ's verifier judges the chain, below
  };
  const pem = (chain: Certificate[]): string => chain.map((c) => pemEncode('CERTIFICATE', c.der)).join('');

  let serverSaw: Certificate[] = [];
  let clientSaw: Certificate[] = [];
  let serverVerdict: Verdict | undefined;
  let clientVerdict: Verdict | undefined;
  let tlsError: Error | undefined;
  let info: { protocol?: string; cipher?: string; group?: string } = {};
  let confirmed = false;
  let address = '127.0.0.1';

  const server = tls.createServer({ ...base, key: peer.keyPem, cert: pem(peer.chain), requestCert: true }, (s) => {
    const j = judgePeer(s, peer, self.expectedIdentity, EKU.clientAuth, o.now, 'client');
    serverSaw = j.chain;
    serverVerdict = j.verdict;
    if (j.ok) s.end(CONFIRM);
    else s.destroy();
  });
  server.on('tlsClientError', (e) => {
    tlsError ??= e;
  });
  // Every accepted socket, so that a stalled handshake cannot keep server.close() waiting.
  const sockets = new Set<Socket>();
  server.on('connection', (sock: Socket) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    address = `127.0.0.1:${port}`;
    await new Promise<void>((resolve) => {
      const c = tls.connect({ ...base, host: '127.0.0.1', port, key: self.keyPem, cert: pem(self.chain) });
      const timer = setTimeout(() => {
        tlsError ??= new Error(`no answer within ${TIMEOUT_MS / 1000} s`);
        c.destroy();
      }, TIMEOUT_MS);
      let got = '';
      c.on('secureConnect', () => {
        const k = c.getEphemeralKeyInfo() as { name?: string } | null;
        const cipher = c.getCipher();
        info = { protocol: c.getProtocol() ?? undefined, cipher: cipher.standardName ?? cipher.name, ...(k?.name ? { group: k.name } : {}) };
        const j = judgePeer(c, self, peer.expectedIdentity, EKU.serverAuth, o.now, 'server');
        clientSaw = j.chain;
        clientVerdict = j.verdict;
        if (!j.ok) c.destroy();
      });
      c.on('data', (d: Buffer) => {
        got += d.toString('latin1');
        if (got === CONFIRM) confirmed = true;
      });
      c.on('error', (e) => {
        tlsError ??= e;
      });
      c.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } finally {
    sockets.forEach((sock) => sock.destroy());
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  const report: LinkReport = {
    ok: false,
    address,
    ...(info.protocol ? { protocol: info.protocol } : {}),
    ...(info.cipher ? { cipher: info.cipher } : {}),
    ...(info.group ? { group: info.group } : {}),
    requiredGroup: LINK_GROUP,
    self: sideReport(self, 'client', serverSaw, serverVerdict),
    peer: sideReport(peer, 'server', clientSaw, clientVerdict),
    node: support.node,
    openssl: support.openssl,
    verifiedAt: o.now.toISOString(),
  };
  if (clientVerdict && (clientVerdict instanceof WritError || !clientVerdict.ok)) report.refusal = { by: 'client', ...verdictError(clientVerdict) };
  else if (serverVerdict && (serverVerdict instanceof WritError || !serverVerdict.ok)) report.refusal = { by: 'server', ...verdictError(serverVerdict) };
  else if (tlsError || !clientVerdict || !serverVerdict) report.refusal = { by: 'tls', code: 'UNSUPPORTED', message: `the TLS handshake failed: ${tlsError?.message ?? 'closed early'}` };
  else if (info.group !== LINK_GROUP) report.refusal = { by: 'tls', code: 'ALG_NOT_ALLOWED', message: `negotiated group ${info.group ?? 'unknown'}, not ${LINK_GROUP}` };
  else if (info.protocol !== 'TLSv1.3') report.refusal = { by: 'tls', code: 'ALG_NOT_ALLOWED', message: `negotiated ${info.protocol ?? 'unknown'}, not TLSv1.3` };
  else if (!confirmed) report.refusal = { by: 'server', code: 'NO_PATH', message: 'the server closed the link without confirming' };
  report.ok = report.refusal === undefined;
  return report;
}
