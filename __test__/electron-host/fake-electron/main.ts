/**
 * The fake `electron` module of the main process (`require('electron')` with FAKE_ELECTRON_ROLE=main, through
 * ../hook.cjs). Each API is in its own file, checked against Electron's types in ./types-check.ts.
 *
 * Loading it also does what Electron's browser process does around the app's main script: `ready` after the
 * script's synchronous part, and the process stays alive until the app quits (Electron does not exit when its
 * event loop empties). When started by launchApp (../launch.ts), the test can ask for `app.quit()` through the IPC
 * channel, and the app exits when the test process goes away.
 */
import { app } from './app';
import { crashReporter } from './crash-reporter';
import { errorBoxes } from './dialog';
import { makeProtocolModule, privilegedSchemes } from './protocol';
import { allSessions, session } from './session';
import { startFakeGpuProcess } from './utility-process';

export { app } from './app';
export { FakeBrowserWindow as BrowserWindow } from './browser-window';
export { webContents } from './web-contents';
export { ipcMain } from './ipc-main';
export { session } from './session';
export { crashReporter } from './crash-reporter';
export { dialog } from './dialog';
export { net } from './net';
export { powerMonitor, autoUpdater } from './emitters';
export { utilityProcess } from './utility-process';
export { MessageChannelMain } from './message-port';

export const protocol = makeProtocolModule(() => session.defaultSession.protocol);

/**
 * The fake's own API for tests (Electron has no such export, so code under test never sees it): what Electron does
 * by itself that a test needs to trigger or wait for. A test app imports it from this file.
 */
export const fakeElectron = {
  /** A GPU process that idles until `crash()` / `kill()`; its death fires app `child-process-gone` (type GPU). */
  startGpuProcess: startFakeGpuProcess,
  /** Crashpad's handler that crashReporter.start() started (main is its first client). */
  async crashReporterStarted(): Promise<{ pid: number; database: string }> {
    const started = crashReporter.started();
    if (!started) throw new Error('crashReporter.start() was not called');
    return { pid: started.pid, database: started.database };
  },
  /** The schemes registered privileged (the last registerSchemesAsPrivileged call). */
  privilegedSchemes,
  /** Every session created so far. */
  sessions: allSessions,
  /** The `dialog.showErrorBox` calls so far (Electron's uncaught-exception box included). */
  errorBoxes,
};

const keepAlive = setInterval(() => undefined, 1 << 30);
app.once('quit', () => clearInterval(keepAlive));
setImmediate(() => app.markReady());

if (process.send) {
  process.on('message', (m: { fakeElectron?: string }) => {
    if (m?.fakeElectron === 'quit') app.quit();
  });
  process.on('disconnect', () => app.exit(0));
}
