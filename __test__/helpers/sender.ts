/**
 * The crash sender executable (crates/crash-sender) for the tests: `$SENTRY_ELECTRON_SENDER`, else a build of this
 * checkout (release first), else `undefined` (the specs skip, saying how to build it).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const NAME = process.platform === 'win32' ? 'sentry-electron-sender.exe' : 'sentry-electron-sender';

export function senderBinary(): string | undefined {
  if (process.env.SENTRY_ELECTRON_SENDER) return process.env.SENTRY_ELECTRON_SENDER;
  const target = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target');
  return ['release', 'debug'].map((p) => join(target, p, NAME)).find((f) => existsSync(f));
}

export const SENDER_MISSING = 'the crash sender is not built: cargo build -p crash-sender (or set SENTRY_ELECTRON_SENDER)';
