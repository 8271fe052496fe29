/**
 * Test app: main with the SDK (DSN from argv[3]) and one window showing the page in argv[2]; every renderer
 * heartbeat that main's RendererIpc hands to `onRendererStatus` is reported to the test, with the web contents id
 * main attributed it to.
 */
import { app, BrowserWindow } from 'electron';
import * as Sentry from '../../../ts/main';
import { onRendererStatus } from '../../../ts/main/ipc/renderer-status';
import { report } from './report';

const client = Sentry.init({ dsn: process.argv[3] });
if (client) onRendererStatus(client, (webContentsId, status) => report('renderer-status', { webContentsId, status }));

void app.whenReady().then(async () => {
  const win = new BrowserWindow();
  await win.loadFile(process.argv[2]!);
  report('window', { id: win.webContents.id });
});
