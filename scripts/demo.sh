#!/usr/bin/env bash
# The main job, from a fresh clone: install, build, crash a real program (crates/crash-fixture) so that an
# out-of-process monitor writes a genuine minidump, then turn that dump into a readable, symbolicated report;
# last, run an Electron app in the fake Electron host whose renderer tags its scope and crashes natively: the SDK
# in main reports that crash (event with the renderer's scope + minidump) to a local Sentry receiver.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
bash scripts/install-crashpad.sh >/dev/null # Crashpad's own crashpad_handler writes the Electron part's dumps
npm run build
npm run fixtures
dir=__test__/fixtures/generated
for kind in null_write thread_null_write; do
  echo
  echo "=== $kind.dmp"
  # As a user's shell finds the CLI: npx runs the package's bin entry, build/cli/main.js, itself (executable).
  npx --no-install sentry-electron-native stackwalk "$dir/$kind.dmp" --symbols "$dir/symbols"
done
echo
echo "=== an Electron renderer crashes natively; the SDK sends it to a local Sentry receiver (or to \$SENTRY_DSN)"
npm run --silent demo
