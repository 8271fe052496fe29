/**
 * Process-wide state of the fake main process that several modules share, kept apart from the classes so that
 * app, windows, web contents and the crash reporter need not import each other in a cycle.
 */
import type * as Electron from 'electron';

/** A window as the app's quit sequence sees it. */
export interface QuitParticipant {
  /** Emits the window's preventable `close`; closes it unless prevented. Returns false when prevented. */
  closeForQuit(): boolean;
  /** Closes without `close` (app.exit). */
  destroy(): void;
}

/** A process the app knows about, for `app.getAppMetrics()`. */
export interface ProcessRecord {
  pid: number;
  type: Electron.ProcessMetric['type'];
  name?: string;
  serviceName?: string;
  creationTime: number;
}

export const windows = new Set<QuitParticipant>();
export const processes = new Map<number, ProcessRecord>();

/** Work to finish before the process exits (the crash handler's shutdown); each is given a bounded time. */
export const beforeExit: Array<() => Promise<void> | void> = [];

let ready = false;
export const isAppReady = (): boolean => ready;
export const markAppReady = (): void => {
  ready = true;
};

/** Electron's Session objects exist only once the app is ready. */
export function assertReady(what: string): void {
  if (!ready) throw new Error(`${what} can only be received when app is ready`);
}
