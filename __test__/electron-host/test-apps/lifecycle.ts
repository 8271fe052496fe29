/**
 * Test app: the app's identity and paths, readiness, what throws before / after ready, and a quit flushed in
 * before-quit (prevent, work, quit again), as an SDK does.
 */
import { app, BrowserWindow, protocol, session } from 'electron';
import { fakeElectron } from '../fake-electron/main';
import { report, thrown } from './report';

report('start', {
  isReady: app.isReady(),
  name: app.getName(),
  version: app.getVersion(),
  userData: app.getPath('userData'),
  crashDumps: app.getPath('crashDumps'),
  logs: app.getPath('logs'),
  electron: process.versions.electron,
  chrome: process.versions.chrome,
  processType: process.type,
  sessionBeforeReady: thrown(() => session.defaultSession),
  windowBeforeReady: thrown(() => new BrowserWindow()),
});
protocol.registerSchemesAsPrivileged([{ scheme: 'lost', privileges: { standard: true } }]);
protocol.registerSchemesAsPrivileged([{ scheme: 'kept', privileges: { standard: true, supportFetchAPI: true } }]);

let sessionsCreated = 0;
app.on('session-created', () => (sessionsCreated += 1));
app.on('will-finish-launching', () => report('will-finish-launching'));
app.on('ready', () => {
  report('ready', {
    isReady: app.isReady(),
    lateRegister: thrown(() => protocol.registerSchemesAsPrivileged([])),
    schemes: fakeElectron.privilegedSchemes(),
    sameSession: session.fromPartition('') === session.defaultSession,
    sessionsCreated,
    locale: app.getLocale(),
  });
});
void app.whenReady().then(() => report('whenReady'));

let flushes = 0;
app.on('before-quit', (event) => {
  report('before-quit', { flushes });
  if (flushes > 0) return;
  event.preventDefault();
  setTimeout(() => {
    flushes += 1;
    report('flushed');
    app.quit();
  }, 50);
});
app.on('will-quit', () => report('will-quit'));
app.on('quit', (_event, exitCode) => report('quit', { exitCode }));
