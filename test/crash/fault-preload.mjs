// Fault-injection preload for the full-disk and read-only tests (issue 8 "Faults"), used where `mount` is not permitted: `node --import <this> bin/writ.js ...`.
//
// WRIT_FAULT_ROOT=<dir> limits the faults to paths under that directory. WRIT_FAULT=enospc:<N> lets N
// more bytes be written there, then every write fails with ENOSPC (a short write first, as a real full
// disk does); WRIT_FAULT=erofs makes every open-for-writing, mkdir, rename, link, unlink and truncate
// there fail with EROFS, as a read-only mount does. The patched fs functions are re-exported to ESM
// importers (syncBuiltinESMExports), so `import * as fs from 'node:fs'` in the bundle sees them.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const fs = require('node:fs');

const ROOT = process.env.WRIT_FAULT_ROOT ? path.resolve(process.env.WRIT_FAULT_ROOT) : undefined;
const [MODE, ARG] = (process.env.WRIT_FAULT ?? '').split(':');
let budget = MODE === 'enospc' ? Number(ARG ?? 0) : Infinity;
const fdPaths = new Map();

const under = (p) => ROOT !== undefined && typeof p === 'string' && (path.resolve(p) === ROOT || path.resolve(p).startsWith(ROOT + path.sep));
function fail(code, syscall, p) {
  const e = new Error(`${code}: ${code === 'ENOSPC' ? 'no space left on device' : 'read-only file system'}, ${syscall} '${p}'`);
  e.code = code;
  e.errno = code === 'ENOSPC' ? -28 : -30;
  e.syscall = syscall;
  e.path = p;
  return e;
}
const writing = (flags) => {
  if (flags === undefined) return false;
  if (typeof flags === 'number') return (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND | fs.constants.O_TRUNC)) !== 0;
  return /[wa+]/.test(String(flags));
};

const orig = {};
for (const n of ['openSync', 'writeSync', 'writeFileSync', 'appendFileSync', 'mkdirSync', 'renameSync', 'linkSync', 'unlinkSync', 'ftruncateSync', 'copyFileSync', 'rmSync', 'closeSync']) orig[n] = fs[n];

fs.openSync = function (p, flags, mode) {
  if (MODE === 'erofs' && under(p) && writing(flags)) throw fail('EROFS', 'open', p);
  const fd = orig.openSync.call(fs, p, flags, mode);
  if (under(p)) fdPaths.set(fd, p);
  return fd;
};
fs.closeSync = function (fd) {
  fdPaths.delete(fd);
  return orig.closeSync.call(fs, fd);
};
fs.writeSync = function (fd, buffer, ...rest) {
  const p = fdPaths.get(fd);
  if (p === undefined || MODE !== 'enospc') return orig.writeSync.call(fs, fd, buffer, ...rest);
  // Work out how many bytes this call asks for, to honour the budget with a short write.
  let data = typeof buffer === 'string' ? Buffer.from(buffer, typeof rest[1] === 'string' ? rest[1] : 'utf8') : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let position;
  if (typeof buffer !== 'string') {
    const [offset = 0, length = data.length - offset, pos] = rest;
    data = data.subarray(offset, offset + length);
    position = pos;
  } else {
    position = rest[0];
  }
  if (budget <= 0) throw fail('ENOSPC', 'write', p);
  const n = Math.min(budget, data.length);
  budget -= n;
  return orig.writeSync.call(fs, fd, data, 0, n, position ?? null);
};
const wholeFile = (name, syscall) =>
  function (p, data, ...rest) {
    if (!under(p)) return orig[name].call(fs, p, data, ...rest);
    if (MODE === 'erofs') throw fail('EROFS', syscall, p);
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (bytes > budget) {
      orig[name].call(fs, p, typeof data === 'string' ? Buffer.from(data).subarray(0, Math.max(0, budget)) : Buffer.from(data.buffer, data.byteOffset, Math.max(0, budget)), ...rest);
      budget = 0;
      throw fail('ENOSPC', 'write', p);
    }
    budget -= bytes;
    return orig[name].call(fs, p, data, ...rest);
  };
fs.writeFileSync = wholeFile('writeFileSync', 'open');
fs.appendFileSync = wholeFile('appendFileSync', 'open');
for (const [name, syscall] of [
  ['mkdirSync', 'mkdir'],
  ['unlinkSync', 'unlink'],
  ['rmSync', 'rm'],
]) {
  fs[name] = function (p, ...rest) {
    if (MODE === 'erofs' && under(p) && !(name === 'mkdirSync' && fs.existsSync(p))) throw fail('EROFS', syscall, p);
    return orig[name].call(fs, p, ...rest);
  };
}
for (const [name, syscall] of [
  ['renameSync', 'rename'],
  ['linkSync', 'link'],
  ['copyFileSync', 'copyfile'],
]) {
  fs[name] = function (a, b, ...rest) {
    if (MODE === 'erofs' && (under(a) || under(b)) && !(name === 'copyFileSync' && !under(b))) throw fail('EROFS', syscall, b);
    if (MODE === 'enospc' && name === 'copyFileSync' && under(b)) {
      const size = fs.statSync(a).size;
      if (size > budget) throw fail('ENOSPC', 'copyfile', b);
      budget -= size;
    }
    return orig[name].call(fs, a, b, ...rest);
  };
}
fs.ftruncateSync = function (fd, len) {
  if (MODE === 'erofs' && fdPaths.has(fd)) throw fail('EROFS', 'ftruncate', fdPaths.get(fd));
  return orig.ftruncateSync.call(fs, fd, len);
};
syncBuiltinESMExports();
