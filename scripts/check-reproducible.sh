#!/usr/bin/env bash
# Reproducible-build check (issue 7): copies the source into two clean directories, installs and runs
# `npm run release` in each, and requires every file of the two dist/ directories to be byte-identical.
#
# The two directories have different absolute paths (one nested deeper), different time zones and
# locales and different umasks, so an absolute path, a build time or a locale-dependent byte in the
# output shows up as a difference. Dependencies come from `npm ci` in each directory (offline from the
# npm cache when it can: --prefer-offline). Set WRIT_REPRO_INSTALL=copy to copy the repository's own
# node_modules instead (faster, still two separate directories; the lock file is the same either way).
# Usage: bash scripts/check-reproducible.sh   (exit 0 = reproducible; prints the bundle SHA-256)
# WRIT_REPRO_KEEP=DIR also keeps the first build's dist/ there.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/writ-repro.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
A="$WORK/a"
B="$WORK/second/build/dir/b"
start=$(date +%s)

# The source as git sees it (tracked files plus untracked ones not ignored) when this is a checkout;
# otherwise the tree minus what .gitignore lists. Never node_modules, dist or caches.
copy_source() {
  local dest=$1
  mkdir -p "$dest"
  if [ -d "$ROOT/.git" ] && command -v git >/dev/null 2>&1; then
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) \
      | (cd "$ROOT" && tar --null --no-recursion --ignore-failed-read -T - -cf - 2>/dev/null) \
      | tar -C "$dest" -xf -
  else
    tar -C "$ROOT" --exclude=./node_modules --exclude=./dist --exclude=./.cache --exclude=./.git \
      --exclude=./.demo --exclude=./coverage --exclude=./fixtures/pki -cf - . | tar -C "$dest" -xf -
  fi
}

# Optional facts both builds share, so release.json and the SBOM agree (see scripts/release.mjs).
if [ -d "$ROOT/.git" ] && command -v git >/dev/null 2>&1; then
  head=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || true)
  if [ -n "$head" ]; then
    if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then head="$head+dirty"; fi
    export WRIT_COMMIT="$head"
  fi
  if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    ct=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || true)
    if [ -n "$ct" ]; then export SOURCE_DATE_EPOCH="$ct"; fi
  fi
fi

# One snapshot of the source, taken once: both builds start from the very same bytes even if someone
# edits the working tree meanwhile.
SNAP="$WORK/snapshot"
copy_source "$SNAP"

build_in() {
  local dir=$1 tz=$2 lang=$3 mask=$4
  mkdir -p "$dir"
  tar -C "$SNAP" -cf - . | tar -C "$dir" -xf -
  (
    cd "$dir"
    umask "$mask"
    if [ "${WRIT_REPRO_INSTALL:-ci}" = copy ]; then
      cp -a "$ROOT/node_modules" "$dir/node_modules"
    else
      npm ci --no-audit --no-fund --prefer-offline --ignore-scripts --loglevel=error >/dev/null
    fi
    TZ="$tz" LANG="$lang" LC_ALL="$lang" node scripts/release.mjs >/dev/null
  )
}

build_in "$A" UTC C 022
build_in "$B" Pacific/Kiritimati C.UTF-8 077

status=0
for f in "$A"/dist/*; do
  n=$(basename "$f")
  if ! cmp -s "$f" "$B/dist/$n"; then
    echo "NOT REPRODUCIBLE: dist/$n differs between the two builds" >&2
    diff <(tr ';' '\n' <"$f") <(tr ';' '\n' <"$B/dist/$n") | head -20 >&2 || true
    status=1
  fi
done
if [ "$(cd "$A/dist" && ls)" != "$(cd "$B/dist" && ls)" ]; then
  echo "NOT REPRODUCIBLE: the two dist/ directories hold different files" >&2
  status=1
fi
(cd "$A/dist" && sha256sum -c --quiet SHA256SUMS) || status=1
# WRIT_REPRO_KEEP=DIR keeps a copy of the first build's dist/ (the tests inspect the release files).
if [ -n "${WRIT_REPRO_KEEP:-}" ]; then mkdir -p "$WRIT_REPRO_KEEP" && cp -a "$A/dist/." "$WRIT_REPRO_KEEP/"; fi
elapsed=$(( $(date +%s) - start ))
if [ "$status" -eq 0 ]; then
  sha=$(sha256sum "$A/dist/writ.mjs" | cut -d' ' -f1)
  echo "reproducible: dist/writ.mjs $sha (two clean builds, ${elapsed}s; SHA256SUMS, SBOM, release.json and licence texts identical too)"
  if [ -f "$ROOT/dist/writ.mjs" ] && [ "$(sha256sum "$ROOT/dist/writ.mjs" | cut -d' ' -f1)" != "$sha" ]; then
    echo "note: the working tree's dist/writ.mjs differs from the clean builds (stale, or built from other sources)" >&2
  fi
fi
exit "$status"
