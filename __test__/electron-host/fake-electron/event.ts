/**
 * Electron's event object (`Electron.Event<Params>`): `preventDefault()` and `defaultPrevented`, plus the event's
 * own fields. Emitters in the fake create one per emission so that a listener's `preventDefault()` is seen by the
 * code that emitted (before-quit, will-quit, close).
 */
import type * as Electron from 'electron';
import { constants } from 'node:os';

export function makeEvent<P extends object = {}>(params?: P): Electron.Event<P> {
  let prevented = false;
  const event = {
    preventDefault(): void {
      prevented = true;
    },
    get defaultPrevented(): boolean {
      return prevented;
    },
  };
  return Object.assign(event, params) as Electron.Event<P>;
}

type GoneReason = Electron.RenderProcessGoneDetails['reason'];

/**
 * Why a child process went away, the way Chromium tells it on POSIX (base::GetTerminationStatus): a fatal signal is
 * `crashed`; SIGKILL, SIGINT and SIGTERM are `killed`; a non-zero exit is `abnormal-exit`; anything else (exit 0,
 * other signals) is `clean-exit`. The exit code of a signalled process is the signal's number.
 */
export function goneDetails(code: number | null, signal: string | null): { reason: GoneReason; exitCode: number } {
  if (signal) {
    const exitCode = (constants.signals as Record<string, number>)[signal] ?? 0;
    if (CRASH_SIGNALS.has(signal)) return { reason: 'crashed', exitCode };
    if (KILL_SIGNALS.has(signal)) return { reason: 'killed', exitCode };
    return { reason: 'clean-exit', exitCode };
  }
  if (code !== null && code !== 0) return { reason: 'abnormal-exit', exitCode: code };
  return { reason: 'clean-exit', exitCode: 0 };
}

const CRASH_SIGNALS = new Set(['SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGILL', 'SIGSEGV', 'SIGTRAP', 'SIGSYS']);
const KILL_SIGNALS = new Set(['SIGKILL', 'SIGINT', 'SIGTERM']);

/** Electron prints deprecations once per API, as a process warning (silenced by `--no-deprecation`). */
const warned = new Set<string>();
export function deprecateOnce(oldName: string, newName: string): void {
  if (warned.has(oldName)) return;
  warned.add(oldName);
  process.emitWarning(`'${oldName}' is deprecated and will be removed. Please use '${newName}' instead.`, 'DeprecationWarning');
}
