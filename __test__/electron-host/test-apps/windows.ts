/**
 * Test app: windows' lifecycle (creation, focus and blur, a prevented close, window-all-closed), the web contents'
 * load events and a failed load, a hung page (unresponsive, then responsive), power monitor and auto-updater events.
 */
import { app, autoUpdater, BrowserWindow, powerMonitor } from 'electron';
import { join } from 'node:path';
import { ASSETS, report } from './report';

const events: string[] = [];
const log = (event: string) => () => events.push(event);
app.on('web-contents-created', (_e, contents) => events.push(`app:web-contents-created:${contents.id}`));
app.on('browser-window-created', (_e, win) => events.push(`app:browser-window-created:${win.id}`));
app.on('browser-window-focus', (_e, win) => events.push(`app:focus:${win.id}`));
app.on('browser-window-blur', (_e, win) => events.push(`app:blur:${win.id}`));
app.on('window-all-closed', () => report('window-all-closed', { events }));
powerMonitor.on('suspend', () => report('power', { event: 'suspend', onBattery: powerMonitor.isOnBatteryPower() }));
autoUpdater.on('update-not-available', () => report('updater', { event: 'update-not-available' }));

void app.whenReady().then(async () => {
  const a = new BrowserWindow();
  const b = new BrowserWindow({ show: false });
  let mayClose = false;
  for (const w of [a, b]) {
    w.on('focus', log(`focus:${w.id}`));
    w.on('blur', log(`blur:${w.id}`));
    w.on('closed', log(`closed:${w.id}`));
    w.webContents.on('destroyed', log(`destroyed:${w.webContents.id}`));
    w.on('close', (event) => {
      events.push(`close:${w.id}`);
      if (!mayClose) event.preventDefault();
    });
  }
  for (const e of ['did-start-loading', 'did-navigate', 'dom-ready', 'did-finish-load', 'did-stop-loading'] as const) b.webContents.on(e as 'dom-ready', log(e));
  await new Promise((ok) => setImmediate(ok));
  b.show();
  const loading = b.loadFile(join(ASSETS, 'crash-page.js'));
  const isLoading = [b.webContents.isLoading()];
  await loading;
  isLoading.push(b.webContents.isLoading());
  const failed = await a.loadFile(join(ASSETS, 'missing.html')).catch((e: Error & { errno?: number; code?: string }) => ({ message: e.message, errno: e.errno, code: e.code }));
  report('loads', { events: [...events], failed, focused: BrowserWindow.getFocusedWindow()?.id, isLoading });

  const hung: string[] = [];
  b.on('unresponsive', () => hung.push('unresponsive'));
  b.on('responsive', () => hung.push('responsive'));
  await b.webContents.executeJavaScript('const until = Date.now() + 3000; while (Date.now() < until);');
  await new Promise((ok) => setTimeout(ok, 1500));
  report('hang', { hung });

  powerMonitor.emit('suspend');
  autoUpdater.checkForUpdates();
  a.close();
  report('close-prevented', { open: BrowserWindow.getAllWindows().length });
  mayClose = true;
  a.close();
  b.close();
});
