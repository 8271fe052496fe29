/**
 * The crash sender executable (crates/crash-sender) for the tests: `$SENTRY_ELECTRON_SENDER`, else the one beside
 * the addon where the SDK itself looks (scripts/build-native.mjs puts it there), else a cargo build of this
 * checkout (the newest), else `undefined` (the specs skip, saying how to build it).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SENDER_NAME, senderPath } from '../../ts/main/native-crashes/sender';

const ROOT = join(__dirname, '..', '..');

export function senderBinary(): string | undefined {
  const shipped = senderPath();
  if (shipped) return shipped;
  const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target');
  const triple = { x64: 'x86_64', arm64: 'aarch64' }[process.arch as string];
  const builds = ['release', 'debug'].flatMap((p) => [join(target, p, SENDER_NAME), ...(triple ? [join(target, `${triple}-unknown-linux-gnu`, p, SENDER_NAME)] : [])]);
  // The newest build: a stale release build must not hide the debug build just made.
  return builds.filter((f) => existsSync(f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

export const SENDER_MISSING = 'the crash sender is not built: npm run build:native, or cargo build -p crash-sender (or set SENTRY_ELECTRON_SENDER)';
