/**
 * Test app for __test__/event-loop-block.spec.ts's renderer case: main inits `/main` with
 * rendererEventLoopBlockIntegration (debug on, DSN in `SENTRY_DSN`); a window's preload
 * (assets/status-preload.js) sends the renderer's statuses and, on `{ cmd: 'block' }`, blocks the renderer's loop.
 */
import { app, BrowserWindow, ipcMain } from 'electron';
import { join } from 'node:path';
import * as Sentry from '../../../ts/main';
import { ASSETS, report } from './report';

Sentry.init({
  dsn: process.env.SENTRY_DSN,
  debug: true,
  integrations: (defaults) => [...defaults, Sentry.rendererEventLoopBlockIntegration()],
});

ipcMain.on('test.unblocked', () => report('unblocked'));

void app.whenReady().then(async () => {
  const win = new BrowserWindow({ webPreferences: { preload: join(ASSETS, 'status-preload.js') } });
  await win.loadFile(join(ASSETS, 'crash-page.js'));
  win.focus();
  process.on('message', (m: { cmd?: string }) => m?.cmd === 'block' && win.webContents.send('block'));
  setTimeout(() => report('ready'), 500);
});
