/**
 * Test app: crashReporter started, a window whose preload crashes natively on request, a utility process and a
 * fake GPU process; the test drives it with messages ({ cmd }) and reads the gone events.
 */
import type * as Electron from 'electron';
import { app, BrowserWindow, crashReporter, utilityProcess } from 'electron';
import { join } from 'node:path';
import { fakeElectron } from '../fake-electron/main';
import { ASSETS, report } from './report';

// As many apps start it: no submitURL (Crashpad then keeps every report in pending/). A test may pass other options.
const reporterOptions = JSON.parse(process.env.CRASH_APP_REPORTER ?? '{"uploadToServer":false}') as Electron.CrashReporterStartOptions;
crashReporter.start({ ...reporterOptions, extra: { where: 'main' }, globalExtra: { release: 'r1' } });

app.on('render-process-gone', (_event, contents, details) => report('app-render-gone', { id: contents.id, details, osPidAfter: contents.getOSProcessId() }));
app.on('child-process-gone', (_event, details) => report('child-gone', { details }));

void app.whenReady().then(async () => {
  const started = await fakeElectron.crashReporterStarted();
  const win = new BrowserWindow({ webPreferences: { preload: join(ASSETS, 'crash-preload.js') } });
  win.webContents.on('render-process-gone', (_event, details) => report('render-gone', { details }));
  await win.loadFile(join(ASSETS, 'crash-page.js'));
  report('loaded', {
    rendererPid: win.webContents.getOSProcessId(),
    database: app.getPath('crashDumps'),
    handlerPid: started.pid,
    parameters: crashReporter.getParameters(),
    upload: crashReporter.getUploadToServer(),
  });

  process.on('message', (m: { cmd: string }) => {
    switch (m.cmd) {
      case 'crash-renderer':
        return win.webContents.send('crash');
      case 'kill-renderer':
        return process.kill(win.webContents.getOSProcessId(), 'SIGKILL');
      case 'reload':
        win.webContents.once('did-finish-load', () => report('reloaded', { rendererPid: win.webContents.getOSProcessId(), crashed: win.webContents.isCrashed() }));
        return win.webContents.reload();
      case 'gpu': {
        const gpu = fakeElectron.startGpuProcess();
        gpu.once('spawn', () => {
          report('gpu-spawned', { pid: gpu.pid });
          gpu.crash();
        });
        return;
      }
      case 'utility': {
        const child = utilityProcess.fork(join(ASSETS, 'utility.js'), [], { serviceName: 'Indexer' });
        child.on('message', (message) => {
          report('utility-message', { message, pid: child.pid });
          child.postMessage('crash');
        });
        child.once('exit', (code) => report('utility-exit', { code }));
        child.once('spawn', () => child.postMessage('hello'));
        return;
      }
      case 'crash-main':
        return process.crash();
      case 'reports':
        return report('reports', { reports: crashReporter.getUploadedReports().length, last: crashReporter.getLastCrashReport()?.id });
    }
  });
});
