/** Test app: a page built on the Sentry browser SDK (bundle path in argv); the envelopes it sends reach the test. */
import { app, BrowserWindow, ipcMain } from 'electron';
import { join } from 'node:path';
import { ASSETS, report } from './report';

ipcMain.on('envelope', (_event, body: string | Uint8Array) => report('envelope', { body: typeof body === 'string' ? body : Buffer.from(body).toString('utf8') }));
void app.whenReady().then(async () => {
  const win = new BrowserWindow({ webPreferences: { preload: join(ASSETS, 'bridge-preload.js') } });
  await win.loadFile(process.argv[2]!);
  report('loaded', { url: win.webContents.getURL() });
});
