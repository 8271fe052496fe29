/**
 * An Electron app using the SDK the way users do (`init()` from the public `/main` entry, before `ready`), driven by
 * the end-to-end tests (__test__/electron-sdk-*.spec.ts). Its configuration comes as JSON in `SDK_APP`
 * (see `SdkAppConfig`); it reports to the test over the launch channel and obeys `{ cmd }` messages.
 */
import { app, BrowserWindow, crashReporter, ipcMain, type WebContents } from 'electron';
import * as Sentry from '../../../ts/main';
import { report } from '../test-apps/report';
import type { SdkAppConfig } from './config';
import { startMeter, type Meter } from './main-thread-meter';

const config = JSON.parse(process.env.SDK_APP ?? '{}') as SdkAppConfig;
const removed = new Set(config.withoutIntegrations ?? []);

const { ipcMode, ...sdk } = config.sdk;
const startOwnReporter = (when: string): void => {
  if (config.appCrashReporter?.when === when) crashReporter.start(config.appCrashReporter.options);
};
startOwnReporter('before-init');
Sentry.init({
  ...sdk,
  ...(ipcMode ? { ipcMode: Sentry.IPCMode[ipcMode] } : {}),
  integrations: (defaults) => defaults.filter((i) => !removed.has(i.name)),
  beforeSend(event, hint) {
    if (event.platform !== 'native') return event;
    report('before-send', { event: config.quietBeforeSend ? { event_id: event.event_id } : event, minidumpPath: hint.data?.minidumpPath });
    return config.dropNativeInBeforeSend ? null : event;
  },
});
startOwnReporter('after-init');
for (const [k, v] of Object.entries(config.mainTags ?? {})) Sentry.setTag(k, v);
report('initialised');

const windows: WebContents[] = [];
// The hostile preload's own signal that its flood is over (not an SDK channel).
ipcMain.on('test.flood-done', (_event, sent: number) => report('flood-done', { sent, rss: process.memoryUsage().rss }));

void app.whenReady().then(async () => {
  for (const spec of config.windows ?? []) {
    const win = new BrowserWindow({
      webPreferences: {
        ...(spec.preload ? { preload: spec.preload } : {}),
        sandbox: spec.sandbox ?? true,
        contextIsolation: spec.contextIsolation ?? true,
      },
    });
    windows.push(win.webContents);
    await win.loadFile(spec.page);
    report('window', { index: windows.length - 1, id: win.webContents.id, pid: win.webContents.getOSProcessId() });
  }
  report('ready');
});

let meter: Meter | undefined;

process.on('message', (m: { cmd: string; index?: number; code?: string; message?: string; tags?: Record<string, string>; user?: Record<string, string> }) => {
  switch (m.cmd) {
    case 'meter-start':
      // How busy this (the main) thread is while the test does something to the app (main-thread-meter.ts).
      return void startMeter(undefined, undefined, process.env.SDK_APP_CPU_PROFILE).then((m) => {
        meter = m;
        report('meter-started');
      });
    case 'meter-stop':
      return void meter?.stop().then((result) => report('meter', { result }));
    case 'eval':
      // Runs code in a page's main world (e.g. to make it throw, or crash through the app's preload).
      return void windows[m.index ?? 0]!.executeJavaScript(m.code ?? '').then(
        (value: unknown) => report('eval', { value }),
        (e: Error) => report('eval', { error: String(e.message) }),
      );
    case 'capture-main':
      Sentry.captureMessage(m.message ?? 'from main');
      return report('captured');
    case 'ping':
      return report('pong', { rss: process.memoryUsage().rss, at: Date.now() });
    case 'main-scope':
      // Main's scope as an app sets it: what its own native crash must be reported with.
      Sentry.setTags(m.tags ?? {});
      if (m.user) Sentry.setUser(m.user);
      if (m.message) Sentry.addBreadcrumb({ category: 'test', message: m.message });
      return report('main-scope-set');
    case 'crash-main':
      return process.crash();
    case 'quit':
      return app.quit();
  }
});
