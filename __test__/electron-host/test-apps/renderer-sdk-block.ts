/**
 * Test app: main with the SDK and rendererEventLoopBlockIntegration (DSN in argv[3], IPC mode by name in argv[4])
 * and one window showing the page in argv[2], whose renderer SDK sends the heartbeats; `{ cmd: 'block' }` blocks
 * the page's event loop for two seconds from main, through executeJavaScript.
 */
import { app, BrowserWindow } from 'electron';
import * as Sentry from '../../../ts/main';
import { report } from './report';

const mode = process.argv[4] as keyof typeof Sentry.IPCMode;
Sentry.init({
  dsn: process.argv[3],
  ipcMode: Sentry.IPCMode[mode],
  integrations: (defaults) => [...defaults.filter((i) => mode !== 'Protocol' || i.name !== 'PreloadInjection'), Sentry.rendererEventLoopBlockIntegration()],
});

void app.whenReady().then(async () => {
  const win = new BrowserWindow();
  await win.loadFile(process.argv[2]!);
  win.focus();
  process.on('message', (m: { cmd?: string }) => {
    if (m?.cmd !== 'block') return;
    void win.webContents.executeJavaScript('const until = Date.now() + 2000; while (Date.now() < until) {} 1').then(() => report('unblocked'));
  });
  report('window', { id: win.webContents.id });
});
