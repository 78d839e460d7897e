// Which module of an esbuild bundle (non-minified ESM, as tsup builds dist/writ.mjs) holds a given line: used by the no-network preload and the bundle scan (issue 7).
//
// esbuild starts most modules with a "// src/x.ts" comment line. Lazily initialised modules (the CLI's
// `await import(...)` targets become `var init_x = __esm({ "src/x.ts"() { ... } });`) have their function
// declarations hoisted above that wrapper, sometimes without the comment. So: a "// path" comment opens a
// section named path; an `__esm({` wrapper keyed "path" names the unnamed section just before it and
// covers its own body up to the closing "});"; what follows a wrapper is unnamed until the next marker.

/**
 * Sections of a bundle as [startLine (1-based), module path or undefined], sorted by line.
 * @param {string} text
 * @returns {[number, string | undefined][]}
 */
export function bundleSections(text) {
  const lines = text.split('\n');
  const out = [];
  let inWrapper = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const comment = /^\/\/ ((?:src|node_modules)\/\S+|[\w-]+:\S+)$/.exec(l);
    if (comment) {
      out.push([i + 1, comment[1]]);
      continue;
    }
    if (/^var init_\w+ = __esm\(\{$/.test(l)) {
      const key = /^ {2}"([^"]+)"\(\) \{$/.exec(lines[i + 1] ?? '');
      if (key) {
        const last = out[out.length - 1];
        if (last && last[1] === undefined) last[1] = key[1];
        else if (!last || last[1] !== key[1]) out.push([i + 1, key[1]]);
        inWrapper = true;
      }
      continue;
    }
    if (inWrapper && l === '});') {
      inWrapper = false;
      out.push([i + 2, undefined]);
    }
  }
  return out;
}

/** The module path owning a 1-based line, or undefined (esbuild runtime helpers, banner, unnamed). */
export function moduleAt(sections, line) {
  let owner;
  for (const [start, mod] of sections) {
    if (start > line) break;
    owner = mod;
  }
  return owner;
}
