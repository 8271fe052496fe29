/**
 * Electron's crashReporter, started so that Crashpad writes every process's dumps into the database that
 * NativeCrashes reads, and never uploads them itself.
 */
import { debug } from '@sentry/core';
import { electron } from '../electron';

/** Never contacted (uploads stay off); `.invalid` cannot resolve, should an app turn uploads on. */
const PLACEHOLDER_SUBMIT_URL = 'https://crashpad-uploads-disabled.invalid/';

/**
 * Starts Electron's crashReporter, as late as it can still watch every process: at `will-finish-launching` (just
 * before `ready`, before any window), or at once when the app is ready already. An app that starts it itself in
 * its first tick, before or after `init()`, keeps its own settings (Electron ignores a second `start()`); its
 * dumps are found all the same, in `completed/` or, without a submitURL, in `pending/`.
 *
 * The submitURL is a placeholder that can never resolve (`.invalid`, RFC 2606) and is never used, uploads being
 * off: with no URL at all, Linux's handler leaves every report in `pending/` and never finishes it.
 */
export function startCrashReporter(): void {
  const { app } = electron();
  if (app.isReady()) startCrashReporterNow();
  else app.once('will-finish-launching', () => startCrashReporterNow());
}

function startCrashReporterNow(): void {
  const { app, crashReporter } = electron();
  try {
    crashReporter.start({
      submitURL: PLACEHOLDER_SUBMIT_URL,
      uploadToServer: false,
      ignoreSystemCrashHandler: true,
      productName: app.getName(),
      compress: true,
    });
  } catch (e) {
    debug.warn('[NativeCrashes] crashReporter.start() failed: native crashes will not be recorded', e);
  }
  try {
    if (crashReporter.getUploadToServer()) {
      console.warn('[sentry-electron-native] crashReporter uploads to its own server too: each native crash may be reported twice.');
    }
  } catch {
    // getUploadToServer is main-process only and always there; ignore the impossible
  }
}
