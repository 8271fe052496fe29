/** Test app: a page whose errors and rejections go uncaught; the page reports what its handlers saw. */
import { app, BrowserWindow, ipcMain } from 'electron';
import { join } from 'node:path';
import { ASSETS, report } from './report';

ipcMain.on('errors', (_event, seen) => report('errors', { seen }));
void app.whenReady().then(async () => {
  const win = new BrowserWindow({ webPreferences: { preload: join(ASSETS, 'bridge-preload.js') } });
  const consoleErrors: string[] = [];
  win.webContents.on('console-message', (event) => event.level === 'error' && consoleErrors.push(event.message));
  await win.loadFile(join(ASSETS, 'errors-page.html'));
  report('loaded', { title: win.webContents.getTitle() });
  setTimeout(() => report('console', { consoleErrors }), 500);
});
