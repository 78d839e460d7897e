// No-network preload for the assurance tests (issue 7 "No network, proven"): `node --import <this> ...` makes every socket, DNS, HTTP, UDP and fetch use throw.
//
// The one exception is loopback inside writ's link module (issue 5 `writ link check`, src/link/**): a TCP
// connect or listen to 127.0.0.1 / ::1 / localhost is let through only when the call stack passes through
// code of src/link. In the bundle, frames point at lines of dist/writ.mjs, and esbuild's non-minified output
// marks modules ("// src/link/check.ts" comments, `__esm({ "src/link/check.ts"() {` wrappers), so a frame's
// line is mapped to the module that holds it. Unbundled (vitest), the frame's file path says src/link/.
//
// Every blocked attempt is also appended to $WRIT_NO_NETWORK_LOG (when set), one JSON line each, so a test
// sees an attempt even if the code under test caught the error and carried on. Allowed loopback uses are
// logged there too, marked allowed:true.
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { bundleSections, moduleAt } from './no-network-preload.sections.mjs';

const require = createRequire(import.meta.url);
const net = require('node:net');
const tls = require('node:tls');
const dns = require('node:dns');
const http = require('node:http');
const https = require('node:https');
const http2 = require('node:http2');
const dgram = require('node:dgram');

const LOG = process.env.WRIT_NO_NETWORK_LOG;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

function log(entry) {
  if (!LOG) return;
  try {
    appendFileSync(LOG, `${JSON.stringify({ pid: process.pid, argv: process.argv.slice(2).join(' '), ...entry })}\n`);
  } catch {
    // logging must never change behaviour
  }
}

class NoNetworkError extends Error {
  constructor(what) {
    super(`no-network preload: ${what} is not allowed (writ must run without a network)`);
    this.name = 'NoNetworkError';
    this.code = 'ERR_WRIT_NO_NETWORK';
  }
}

function block(what) {
  log({ blocked: what, allowed: false });
  throw new NoNetworkError(what);
}

/** Module sections of a bundle file, read once per file (see no-network-preload.sections.mjs). */
const sectionCache = new Map();
function sections(file) {
  let s = sectionCache.get(file);
  if (s) return s;
  try {
    s = bundleSections(readFileSync(file, 'utf8'));
  } catch {
    s = []; // unreadable: nothing in it counts as src/link
  }
  sectionCache.set(file, s);
  return s;
}

/** True when some frame of the current stack runs code of src/link (bundled or not). */
export function calledFromLink() {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  for (const m of stack.matchAll(/\(?((?:file:\/\/)?\/[^\s():]+):(\d+):\d+\)?/g)) {
    let file = m[1];
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (/[\\/]src[\\/]link[\\/]/.test(file)) return true;
    if (!file.endsWith('.mjs') || file.includes('no-network-preload')) continue;
    if (moduleAt(sections(file), Number(m[2]))?.startsWith('src/link/')) return true;
  }
  return false;
}

function loopbackAllowed(host, what) {
  const h = String(host ?? '').replace(/^\[|\]$/g, '');
  if (LOOPBACK.has(h) && calledFromLink()) {
    log({ allowedLoopback: `${what} ${h}`, allowed: true });
    return true;
  }
  return false;
}

/** Host and port of net.Socket#connect / net.connect arguments: (options[, cb]) or (port[, host][, cb]) or (path[, cb]). */
function connectTarget(args) {
  let a = args[0];
  if (Array.isArray(a)) a = a[0]; // internal normalized form [options, cb]
  if (a && typeof a === 'object') return a.path !== undefined ? { path: a.path } : { host: a.host ?? 'localhost', port: a.port };
  if (typeof a === 'string' && !/^[0-9]+$/.test(a)) return { path: a };
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: a };
}

// TCP/IPC: every client connection (net, tls, http, https, undici) ends in Socket.prototype.connect.
const realConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const t = connectTarget(args);
  if (t.path === undefined && loopbackAllowed(t.host, 'connect')) return realConnect.apply(this, args);
  return block(t.path !== undefined ? `connect to the socket ${t.path}` : `connect to ${t.host}:${t.port}`);
};
for (const [mod, name] of [
  [net, 'connect'],
  [net, 'createConnection'],
  [tls, 'connect'],
]) {
  const real = mod[name];
  mod[name] = function (...args) {
    const t = connectTarget(args);
    if (t.path === undefined && loopbackAllowed(t.host, name)) return real.apply(this, args);
    return block(`${mod === tls ? 'tls' : 'net'}.${name} to ${t.path ?? `${t.host}:${t.port}`}`);
  };
}

// Listening: only the link check's loopback listener.
const realListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listen(...args) {
  const a = args[0];
  const host = a && typeof a === 'object' ? a.host : typeof args[1] === 'string' ? args[1] : undefined;
  if (host !== undefined && loopbackAllowed(host, 'listen')) return realListen.apply(this, args);
  return block(`listen on ${host ?? 'all interfaces'}`);
};

// DNS: a lookup of an IP literal is no network use (net.Server#listen does one); any name is refused,
// except "localhost" for the link check.
const realLookup = dns.lookup;
dns.lookup = function lookup(hostname, ...rest) {
  if (isIP(String(hostname)) !== 0 || loopbackAllowed(hostname, 'dns.lookup')) return realLookup.call(this, hostname, ...rest);
  return block(`dns.lookup(${hostname})`);
};
const DNS_FNS = ['lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCaa', 'resolveCname', 'resolveMx', 'resolveNaptr', 'resolveNs', 'resolvePtr', 'resolveSoa', 'resolveSrv', 'resolveTxt', 'reverse'];
for (const fn of DNS_FNS) {
  if (typeof dns[fn] === 'function') dns[fn] = (...a) => block(`dns.${fn}(${String(a[0])})`);
  if (typeof dns.Resolver.prototype[fn] === 'function') dns.Resolver.prototype[fn] = (...a) => block(`dns.Resolver#${fn}(${String(a[0])})`);
}
for (const fn of ['lookup', ...DNS_FNS]) {
  if (typeof dns.promises[fn] === 'function') dns.promises[fn] = async (...a) => block(`dns.promises.${fn}(${String(a[0])})`);
  if (typeof dns.promises.Resolver.prototype[fn] === 'function') dns.promises.Resolver.prototype[fn] = async (...a) => block(`dns.promises.Resolver#${fn}(${String(a[0])})`);
}

// HTTP(S)/2: refused outright (the link check speaks TLS, not HTTP); UDP: refused.
for (const [mod, label] of [
  [http, 'http'],
  [https, 'https'],
]) {
  for (const fn of ['request', 'get']) mod[fn] = (...a) => block(`${label}.${fn}(${typeof a[0] === 'string' ? a[0] : a[0] instanceof URL ? a[0].href : (a[0]?.host ?? a[0]?.hostname ?? '')})`);
}
http2.connect = (authority) => block(`http2.connect(${String(authority)})`);
dgram.createSocket = () => block('dgram.createSocket');

// WHATWG network APIs of the global scope.
globalThis.fetch = async (input) => block(`fetch(${typeof input === 'string' ? input : (input?.url ?? input?.href ?? '')})`);
for (const name of ['WebSocket', 'EventSource']) {
  if (name in globalThis) {
    globalThis[name] = class {
      constructor(url) {
        block(`new ${name}(${String(url)})`);
      }
    };
  }
}

// ESM named imports of builtins (`import { connect } from 'node:net'`) are copies: refresh them.
syncBuiltinESMExports();
