#!/usr/bin/env bash
# Installs the benchmark peers that are not npm devDependencies.
# Idempotent: does nothing when `minidump-stackwalk --version` already reports
# the pinned version. Breakpad's minidump_stackwalk ships in the `minidump`
# npm devDependency (node_modules/minidump/bin/linux-x64/) and @sentry/electron
# is a devDependency too, so only rust-minidump's CLI is installed here.
set -euo pipefail

WANT_VERSION="0.27.0"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

have_version() {
  command -v minidump-stackwalk >/dev/null 2>&1 || return 1
  local out
  out="$(minidump-stackwalk --version 2>/dev/null || true)"
  # e.g. "minidump-stackwalk 0.27.0"
  [[ "$out" =~ (^|[^0-9.])${WANT_VERSION//./\\.}([^0-9.]|$) ]]
}

if have_version; then
  echo "minidump-stackwalk ${WANT_VERSION} already installed: $(command -v minidump-stackwalk)"
  exit 0
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "install-peers: cargo not found (need a Rust toolchain)" >&2
  exit 1
fi

echo "installing minidump-stackwalk ${WANT_VERSION} with cargo (this compiles for several minutes)..."
cargo install --locked minidump-stackwalk --version "${WANT_VERSION}"

if ! have_version; then
  echo "install-peers: minidump-stackwalk --version does not report ${WANT_VERSION} after install:" >&2
  minidump-stackwalk --version >&2 || true
  exit 1
fi
echo "installed: $(command -v minidump-stackwalk) ($(minidump-stackwalk --version))"
