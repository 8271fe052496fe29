/**
 * Native crashes in the fake Electron host: crashReporter.start() starts the fake crashpad_handler, each process
 * connects with its own annotations, and a real native crash (crash-addon) leaves a real minidump in Crashpad's
 * completed/ folder while Electron's gone events say why. Needs `npm run fixtures` (the handler and the addon).
 */
import { parseMinidump } from '@acme/sentry-electron-native';
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crashpadFixtures, crashpadReports, waitForCompletedDump } from './electron-host/crashpad';
import { launchApp, type LaunchedApp } from './electron-host/launch';

const missing = crashpadFixtures();
const crashTest = typeof missing === 'string' ? test.skip : test;
if (typeof missing === 'string') {
  test('crash tests need the fake Crashpad fixtures', (t) => {
    t.log(missing);
    t.pass();
  });
}

const ELECTRON_VERSION = (JSON.parse(readFileSync(join(__dirname, '..', 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
const ofType = (type: string) => (m: { type?: string }) => m.type === type;

async function crashApp(t: { teardown(fn: () => Promise<void>): void }): Promise<{ app: LaunchedApp; loaded: { rendererPid: number; database: string } & Record<string, unknown> }> {
  const app = launchApp({ main: join(__dirname, 'electron-host', 'test-apps', 'crash.ts'), name: 'CrashApp', version: '3.0.0' });
  t.teardown(() => app.dispose());
  return { app, loaded: await app.waitForMessage(ofType('loaded')) };
}

async function annotationsOf(dump: string): Promise<{ processId: number | null; annotations: Record<string, string> }> {
  const report = await parseMinidump(dump);
  return { processId: report.processId, annotations: report.crashpad?.simpleAnnotations ?? {} };
}

crashTest('a renderer that crashes natively: render-process-gone "crashed" on the web contents and the app, and its dump in completed/', async (t) => {
  const { app, loaded } = await crashApp(t);
  t.like(loaded, { parameters: { where: 'main' }, upload: false });
  app.send({ cmd: 'crash-renderer' });
  const gone = await app.waitForMessage(ofType('render-gone'));
  t.deepEqual(gone.details, { reason: 'crashed', exitCode: 11 });
  const appGone = await app.waitForMessage(ofType('app-render-gone'));
  t.like(appGone, { id: 1, details: { reason: 'crashed', exitCode: 11 }, osPidAfter: 0 });
  const dump = await waitForCompletedDump(loaded.database, 10_000);
  const { processId, annotations } = await annotationsOf(dump);
  t.is(processId, loaded.rendererPid);
  t.like(annotations, { ptype: 'renderer', prod: 'Electron', ver: ELECTRON_VERSION, window: 'main-window', release: 'r1', _productName: 'CrashApp', _version: '3.0.0' });
  t.false('where' in annotations, "main's extra parameters stay in main");
  app.send({ cmd: 'reports' });
  t.like(await app.waitForMessage(ofType('reports')), { reports: 1, last: '' });
  app.send({ cmd: 'reload' });
  const reloaded = await app.waitForMessage(ofType('reloaded'));
  t.true(reloaded.rendererPid > 0 && reloaded.rendererPid !== loaded.rendererPid, 'a reload starts a new renderer process');
  t.false(reloaded.crashed);
});

crashTest('a renderer killed with SIGKILL is "killed", and leaves no dump', async (t) => {
  const { app, loaded } = await crashApp(t);
  app.send({ cmd: 'kill-renderer' });
  t.like(await app.waitForMessage(ofType('render-gone')), { details: { reason: 'killed', exitCode: 9 } });
  t.deepEqual(crashpadReports(loaded.database).completed, []);
});

crashTest('GPU and utility processes that crash: child-process-gone with their type, and dumps with their ptype', async (t) => {
  const { app, loaded } = await crashApp(t);
  app.send({ cmd: 'gpu' });
  const gpu = await app.waitForMessage(ofType('gpu-spawned'));
  t.like(await app.waitForMessage(ofType('child-gone')), { details: { type: 'GPU', reason: 'crashed', exitCode: 11 } });
  const gpuDump = await waitForCompletedDump(loaded.database, 10_000);
  t.like(await annotationsOf(gpuDump), { processId: gpu.pid, annotations: { ptype: 'gpu-process', release: 'r1' } });

  app.send({ cmd: 'utility' });
  t.like(await app.waitForMessage(ofType('utility-message')), { message: 'echo:hello' });
  t.like(await app.waitForMessage(ofType('child-gone')), {
    details: { type: 'Utility', reason: 'crashed', exitCode: 11, serviceName: 'node.mojom.NodeService', name: 'Indexer' },
  });
  t.like(await app.waitForMessage(ofType('utility-exit')), { code: 11 });
  const utilityDump = await waitForCompletedDump(loaded.database, 10_000, [gpuDump]);
  t.like(await annotationsOf(utilityDump), { annotations: { ptype: 'utility' } });
});

crashTest('process.crash() in main: the app dies of SIGSEGV and its dump says browser, with the extra parameters', async (t) => {
  const { app, loaded } = await crashApp(t);
  app.send({ cmd: 'crash-main' });
  t.deepEqual(await app.exited, { code: null, signal: 'SIGSEGV' });
  const dump = await waitForCompletedDump(loaded.database, 10_000);
  const { processId, annotations } = await annotationsOf(dump);
  t.is(processId, app.pid);
  t.like(annotations, { ptype: 'browser', where: 'main', release: 'r1', prod: 'Electron' });
});
