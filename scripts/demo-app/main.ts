/**
 * The demo's Electron app (run by scripts/demo.ts in the fake Electron host, since Electron cannot run here): the
 * SDK's `init()` from `/main`, a window whose page uses the renderer SDK to tag its scope (`demo.window`), then
 * crashes its renderer natively through the app's preload. What the SDK built and sent is reported to the demo.
 * Then, asked by the demo, main tags its own scope (`demo.main`) and crashes natively: the SDK's crash sender,
 * a native helper outside main, reports that crash at once, without the app being started again.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';
import * as Sentry from '../../ts/main';

const report = (type: string, data: Record<string, unknown>): void => void process.send?.({ type, ...data });

Sentry.init({
  dsn: process.env.DEMO_DSN,
  symbolPaths: [join(__dirname, '..', '..', '__test__', 'fixtures', 'generated', 'symbols')],
  beforeSend(event, hint) {
    // The app sees every crash fact here (and could drop the event); the demo records what will be sent.
    const dump = hint.data?.minidumpPath as string | undefined;
    if (event.platform === 'native') {
      report('native-event', { event, minidumpSha256: dump ? createHash('sha256').update(readFileSync(dump)).digest('hex') : undefined });
    }
    return event;
  },
});
Sentry.getClient()?.on('afterSendEvent', (event) => report('sent', { eventId: event.event_id }));

void app.whenReady().then(async () => {
  const win = new BrowserWindow({ webPreferences: { preload: join(__dirname, 'preload.js'), sandbox: true, contextIsolation: true } });
  await win.loadFile(join(__dirname, 'index.html'));
  report('window', { pid: win.webContents.getOSProcessId() });
});

process.on('message', (m: { cmd?: string }) => {
  if (m.cmd !== 'crash-main') return;
  Sentry.setTag('demo.main', 'main-process');
  // The crash sender reads main's scope from the spool the SDK keeps (debounced): crash once it holds the tag.
  const spool = join(app.getPath('userData'), 'sentry', 'run-scope.json');
  const started = Date.now();
  const crashOnceSpooled = (): void => {
    const spooled = existsSync(spool) && readFileSync(spool, 'utf8').includes('"demo.main"');
    if (spooled || Date.now() - started > 3000) {
      report('main-crashing', { pid: process.pid });
      setTimeout(() => process.crash(), 50);
    } else setTimeout(crashOnceSpooled, 20);
  };
  crashOnceSpooled();
});
