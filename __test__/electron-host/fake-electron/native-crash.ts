/**
 * This process's link to Crashpad (../crashpad.ts, written alongside the fake): the handler main starts, this
 * process as its client, its crash keys, and native crashes (`process.crash()`).
 *
 * The helper is required when first needed, not imported: the fake's other parts work without the fixtures it
 * needs (the handler and `npm run fixtures`), and a process that never crashes never loads it.
 */
import { join } from 'node:path';
import { HOST_DIR } from '../host-env';
import type * as Crashpad from '../crashpad';

export type CrashpadHandler = Crashpad.CrashpadHandler;

export type ProcessTypeAnnotation = 'browser' | 'renderer' | 'gpu-process' | 'utility';

/** What a child needs to be a client: main's socket (which the child inherits as `CHILD_FD`), the handler's pid, and its process type. */
export interface ChildConnection {
  handlerPid: number;
  ptype: Exclude<ProcessTypeAnnotation, 'browser'>;
}

/** Chromium's crash keys of every process (components/crash/core/app/crashpad.cc) and Electron's (crash_keys.cc), for this process. */
export function processCrashKeys(ptype: ProcessTypeAnnotation): Record<string, string> {
  return { ptype, pid: String(process.pid), osarch: 'x86_64', process_type: ptype, platform: 'linux' };
}

/** The fd at which a child process of the host finds the handler's socket (stdio index; Chromium: kCrashDumpSignal). */
export const CHILD_FD = 4;

function api(): typeof Crashpad {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(HOST_DIR, 'crashpad')) as typeof Crashpad;
}

let connected = false;
const keys: Record<string, string> = {};

export function startCrashpadHandler(database: string, options: Crashpad.StartOptions, uploadsEnabled: boolean): CrashpadHandler {
  api().setUploadsEnabled(database, uploadsEnabled);
  const handler = api().startCrashpadHandler(database, options);
  connected = true;
  setCrashKeys(keys);
  return handler;
}

/** A child started with main's socket at `CHILD_FD`: becomes a client, with its own crash keys. */
export function connectChild(connection: ChildConnection): void {
  api().setHandlerSocket(CHILD_FD, connection.handlerPid);
  connected = true;
  setCrashKeys({ ...keys, ...processCrashKeys(connection.ptype) });
}

/** Sets (string) or clears (null) crash keys of this process; remembered until it connects, as Chromium's are. */
export function setCrashKeys(change: Record<string, string | null>): void {
  for (const [key, value] of Object.entries(change)) {
    if (value === null) delete keys[key];
    else keys[key] = value;
  }
  if (connected) api().setCrashKeys(change);
}

/** `process.crash()`: a real native crash (SIGSEGV), dumped by the handler when this process is its client. */
export function crashThisProcess(): never {
  return api().crashNatively('null_write');
}
