/**
 * This process's link to the Crashpad test helper (../crashpad.ts, written alongside the fake): the handler main
 * starts, this process's connection to it with its annotations, and native crashes (`process.crash()`).
 *
 * The helper is required when first needed, not imported: the fake's other parts work without the fixtures it
 * needs (`npm run fixtures`), and a test that never crashes never loads it. Connecting again with the same socket
 * replaces the process's annotations.
 */
import { join } from 'node:path';
import { HOST_DIR } from '../host-env';
import type * as Crashpad from '../crashpad';

export type CrashpadHandler = Crashpad.CrashpadHandler;

function api(): typeof Crashpad {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(HOST_DIR, 'crashpad')) as typeof Crashpad;
}

export async function startCrashpadHandler(database: string): Promise<CrashpadHandler> {
  return api().startCrashpadHandler(database);
}

let connection: { socketName: string; annotations: Record<string, string> } | undefined;
let connecting: Promise<unknown> | undefined;

/** Marks a connection under way: a `process.crash()` meanwhile waits for it rather than crash undumped. */
export function connectingThisProcess(done: Promise<unknown>): void {
  connecting = done.catch(() => undefined);
}

/** Connects this process (first call) or replaces its annotations (later calls, same socket). */
export async function connectThisProcess(socketName: string, annotations: Record<string, string>): Promise<void> {
  await api().connectCrashHandler(socketName, annotations);
  connection = { socketName, annotations: { ...annotations } };
}

/** Changes this process's annotations when it is connected; a no-op otherwise (nothing would read them). */
export async function updateAnnotations(change: (current: Record<string, string>) => Record<string, string>): Promise<void> {
  if (!connection) return;
  await connectThisProcess(connection.socketName, change({ ...connection.annotations }));
}

export function isConnected(): boolean {
  return connection !== undefined;
}

/**
 * `process.crash()`: a real native crash (SIGSEGV), dumped by the handler when this process is connected. While the
 * connection is still being made it returns at once and crashes as soon as it is made (Electron's never returns).
 */
export function crashThisProcess(): void {
  if (connecting && !connection) {
    void connecting.then(() => api().crashNatively('null_write'));
    return;
  }
  api().crashNatively('null_write');
  throw new Error('crashNatively returned');
}
