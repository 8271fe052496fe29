/**
 * Test app for __test__/main-integrations.spec.ts: a main process with a real client (ElectronMainClient) and the
 * integrations of ts/main/integrations, whose transport reports every envelope to the test (`{ type: 'envelope',
 * items }`). `process.argv[2]` names the scenario, `argv[3]` a variant:
 *
 * - `life`: ElectronContext, ElectronBreadcrumbs, MainProcessSession; a window loads a page, the machine "sleeps",
 *   then a message is captured. The test kills, quits or `process.exit()`s (`{ cmd: 'exit' }`) the app and starts it
 *   again on the same userData.
 * - `uncaught <plain|app-handler|on-fatal|rejection|rejection-strict>`: OnUncaughtException, OnUnhandledRejection.
 * - `preload`: PreloadInjection on two sessions (`PRELOAD_DIR`, `IPC_NAMESPACE` from the environment).
 * - `gone`: ChildProcessGone with a short dump wait; the test kills the renderer; `{ cmd: 'claim' }` plays
 *   NativeCrashes claiming the next death.
 */
import { app, BrowserWindow, powerMonitor, session } from 'electron';
import { join } from 'node:path';
import { createStackParser, createTransport, parseEnvelope, setCurrentClient, type Integration } from '@sentry/core';
import { nodeStackLineParser } from '@sentry/core/server';
import { ElectronMainClient } from '../../../ts/main/client';
import { goneProcessesOf } from '../../../ts/main/gone-processes';
import * as integrations from '../../../ts/main/integrations';
import { DEFAULTS, type ElectronClientOptions } from '../../../ts/main/options';
import { installShutdown } from '../../../ts/main/shutdown';
import { fakeElectron } from '../fake-electron/main';
import { ASSETS, report } from './report';

const [scenario, variant] = process.argv.slice(2);

const chosen: Record<string, () => Integration[]> = {
  life: () => [integrations.electronContextIntegration(), integrations.electronBreadcrumbsIntegration(), integrations.mainProcessSessionIntegration()],
  uncaught: () => [
    integrations.onUncaughtExceptionIntegration(variant === 'on-fatal' ? { onFatalError: (e) => (report('on-fatal', { message: e.message }), app.exit(1)) } : {}),
    integrations.onUnhandledRejectionIntegration({ mode: variant === 'rejection-strict' ? 'strict' : 'warn' }),
  ],
  preload: () => [integrations.preloadInjectionIntegration(process.env.PRELOAD_DIR ? { preloadDir: process.env.PRELOAD_DIR } : {})],
  gone: () => [integrations.childProcessGoneIntegration({ dumpWaitMs: 400 })],
};

const client = new ElectronMainClient({
  ...DEFAULTS,
  dsn: 'https://public@sentry.example/1',
  release: `fake@${app.getVersion()}`,
  environment: 'test',
  integrations: chosen[scenario!]!(),
  stackParser: createStackParser(nodeStackLineParser()),
  ...(process.env.IPC_NAMESPACE ? { ipcNamespace: process.env.IPC_NAMESPACE } : {}),
  getSessions: () => [session.defaultSession, session.fromPartition('persist:second')],
  transport: (o) =>
    createTransport(o, async (request) => {
      report('envelope', { items: parseEnvelope(request.body)[1] });
      return { statusCode: 200 };
    }),
} as ElectronClientOptions);
setCurrentClient(client);
client.init();
installShutdown(client);
report('started');

void app.whenReady().then(async () => {
  if (scenario === 'life') {
    const win = new BrowserWindow();
    await win.loadFile(join(ASSETS, 'crash-page.js'));
    win.focus();
    powerMonitor.emit('suspend');
    client.captureMessage('life');
    // `process.exit()` (like `app.exit()` in Electron) emits no quit events: the session must still be closed.
    process.on('message', (m: { cmd?: string }) => m?.cmd === 'exit' && process.exit(0));
    report('ready');
  } else if (scenario === 'uncaught') {
    if (variant === 'app-handler') process.on('uncaughtException', (e) => report('app-handler', { message: e.message }));
    setTimeout(() => {
      if (variant?.startsWith('rejection')) void Promise.reject(new Error('rejected in main'));
      else throw new Error('thrown in main');
    }, 10);
    // Still here afterwards (Electron keeps main running after an uncaught exception), with the error boxes shown.
    setTimeout(() => report('alive', { errorBoxes: fakeElectron.errorBoxes() }), 1500);
  } else if (scenario === 'preload') {
    await new Promise((r) => setImmediate(r));
    report('preloads', {
      failed: integrations.preloadInjectionFailed(client),
      sessions: fakeElectron.sessions().map((s) => {
        const x = s as unknown as { partition: string; getPreloadScripts?: () => unknown[]; getPreloads: () => string[] };
        return { partition: x.partition, scripts: x.getPreloadScripts ? x.getPreloadScripts() : x.getPreloads() };
      }),
    });
  } else if (scenario === 'gone') {
    const win = new BrowserWindow();
    let claimNext = false;
    process.on('message', (m: { cmd?: string }) => {
      if (m?.cmd === 'claim') (claimNext = true), report('claim-armed');
      if (m?.cmd === 'reload') win.webContents.once('did-finish-load', () => report('loaded', { pid: win.webContents.getOSProcessId() })).reload();
    });
    app.on('render-process-gone', (_e, contents) => {
      if (!claimNext) return;
      claimNext = false;
      const pid = integrations.rendererPidOf(contents.id);
      report('claimed', { pid, gone: goneProcessesOf(client).claim({ pid: pid ?? null, processType: 'renderer' }) });
    });
    await win.loadFile(join(ASSETS, 'crash-page.js'));
    report('loaded', { pid: win.webContents.getOSProcessId() });
  }
});
