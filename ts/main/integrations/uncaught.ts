/**
 * OnUncaughtException and OnUnhandledRejection for Electron's main process: report what the app did not catch, and
 * otherwise leave the app's fate where Electron puts it.
 *
 * What Electron does (lib/browser/init.ts): it installs its own `uncaughtException` listener, so main never dies of
 * an exception; that listener shows the "A JavaScript error occurred in the main process" dialog only when it is the
 * only listener, and the app keeps running either way. Any listener we add silences that dialog, so:
 * - the error is captured (level `fatal`, mechanism `onuncaughtexception`, `handled: false`; the session becomes
 *   crashed), then sent (bounded by `shutdownTimeoutMs`);
 * - no listener of the app: the SDK shows Electron's dialog itself, and the app keeps running, as it would have;
 * - the app has its own listener: nothing more, its handler decides;
 * - `onFatalError(error)`: called after the send instead of the above (e.g. to log and `app.exit(1)`).
 *
 * Unhandled rejections: in Electron Node would raise one as an uncaught exception (hence Electron's dialog) while
 * nobody listens to `unhandledRejection`; listening to capture it stops that. Mode `warn` (default) prints the
 * rejection like Node's warning and keeps running, as Sentry's Node SDK does; `strict` hands it on as an uncaught
 * exception (dialog, the app's handlers or `onFatalError`), `none` stays silent. The app's own handlers always run.
 */
import { debug, defineIntegration, type Client } from '@sentry/core';
import { electron } from '../electron';
import { flushBounded } from './shared';

export interface OnUncaughtExceptionOptions {
  /** Called with the error once it is sent (or the shutdown timeout passed), instead of the default behaviour. */
  onFatalError?: (error: Error) => void;
}

export interface OnUnhandledRejectionOptions {
  /** What happens after the capture when the app has no `unhandledRejection` listener of its own (default `warn`). */
  mode?: 'warn' | 'strict' | 'none';
}

const DIALOG_TITLE = 'A JavaScript error occurred in the main process';

/** Errors already reported as rejections and re-raised by `strict`: the uncaught-exception path must not report them again. */
const reportedRejections = new WeakSet<object>();

/** The SDK's own listeners (one per client): none of them is the app's. */
const ours = new WeakSet<(...args: never[]) => unknown>();

/** Captures uncaught exceptions in main (fatal, unhandled), then behaves as Electron would have; see the file comment. */
export const onUncaughtExceptionIntegration = defineIntegration((options: OnUncaughtExceptionOptions = {}) => {
  return {
    name: 'OnUncaughtException',
    setup(client: Client) {
      // Electron's own listener is the one present before the SDK whose body shows that dialog (an app listener
      // added earlier would not usually carry Electron's exact title).
      const present = new Set(process.listeners('uncaughtException'));
      const isElectronDefault = (l: (...a: never[]) => unknown): boolean => present.has(l as never) && String(l).includes(DIALOG_TITLE);

      const handler = (error: Error): void => {
        try {
          const appListeners = process
            .listeners('uncaughtException')
            .filter((l) => !ours.has(l) && !isElectronDefault(l) && l.name !== 'domainUncaughtExceptionClear').length;
          const alreadyReported = typeof error === 'object' && error !== null && reportedRejections.has(error);
          if (!alreadyReported) {
            client.captureException(error, {
              originalException: error,
              mechanism: { type: 'onuncaughtexception', handled: false },
              captureContext: { level: 'fatal' },
            });
          }
          if (!options.onFatalError && appListeners > 0) return;
          void flushBounded(client).then(() => {
            try {
              if (options.onFatalError) options.onFatalError(error);
              else showElectronDialog(error);
            } catch (e) {
              debug.warn('[OnUncaughtException] onFatalError failed', e);
            }
          });
        } catch (e) {
          debug.warn('[OnUncaughtException] failed', e);
        }
      };
      ours.add(handler);
      process.on('uncaughtException', handler);
    },
  };
});

/** Captures unhandled promise rejections in main (level error, unhandled); mode `warn`, `strict` or `none` afterwards. */
export const onUnhandledRejectionIntegration = defineIntegration((options: OnUnhandledRejectionOptions = {}) => {
  const mode = options.mode ?? 'warn';
  return {
    name: 'OnUnhandledRejection',
    setup(client: Client) {
      const handler = (reason: unknown): void => {
        try {
          client.captureException(reason, {
            originalException: reason,
            mechanism: { type: 'onunhandledrejection', handled: false },
            captureContext: { level: 'error' },
          });
          const appListeners = process.listeners('unhandledRejection').filter((l) => !ours.has(l)).length;
          if (appListeners > 0 || mode === 'none') return;
          if (mode === 'warn') {
            console.warn('Unhandled promise rejection (reported to Sentry):', reason);
            return;
          }
          // strict: what Node does without listeners — the rejection becomes an uncaught exception.
          const error = reason instanceof Error ? reason : new Error(`Unhandled promise rejection: ${describe(reason)}`);
          reportedRejections.add(error);
          process.nextTick(() => {
            throw error;
          });
        } catch (e) {
          debug.warn('[OnUnhandledRejection] failed', e);
        }
      };
      ours.add(handler);
      process.on('unhandledRejection', handler);
    },
  };
});

/** Electron's own dialog, word for word, so users see what they would have seen without the SDK. */
function showElectronDialog(error: Error): void {
  const stack = error?.stack ?? `${error?.name}: ${error?.message}`;
  electron().dialog.showErrorBox(DIALOG_TITLE, `Uncaught Exception:\n${stack}`);
}

function describe(v: unknown): string {
  try {
    return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
