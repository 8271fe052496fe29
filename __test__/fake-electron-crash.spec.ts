/**
 * Native crashes in the fake Electron host: crashReporter.start() starts Crashpad's own crashpad_handler, each
 * process is its client with its own crash keys, and a real native crash (crash-addon) leaves a real minidump in
 * Crashpad's database while Electron's gone events say why. The test app starts the reporter as many apps do,
 * without a submitURL: Crashpad then leaves every report in pending/. Needs scripts/install-crashpad.sh and
 * `npm run fixtures`.
 */
import { parseMinidump } from '@acme/sentry-electron-native';
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crashKeysOf, crashpadFixtures, crashpadReports, waitForReport } from './electron-host/crashpad';
import { launchApp, type LaunchedApp } from './electron-host/launch';

const missing = crashpadFixtures();
const crashTest = typeof missing === 'string' ? test.skip : test;
if (typeof missing === 'string') {
  test("crash tests need Crashpad's handler and the crash-addon fixture", (t) => {
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

/** The dump's process, its process annotations (the handler's --annotation) and its crash keys (annotation objects). */
async function annotationsOf(dump: string): Promise<{ processId: number | null; annotations: Record<string, string>; keys: Record<string, string> }> {
  const report = await parseMinidump(dump);
  return { processId: report.processId, annotations: report.crashpad?.simpleAnnotations ?? {}, keys: crashKeysOf(report) };
}

const waitForPending = (database: string, seen: string[] = []): Promise<string> => waitForReport(database, 10_000, seen, ['pending']);

crashTest('a renderer that crashes natively: render-process-gone "crashed" on the web contents and the app, and its dump in pending/', async (t) => {
  const { app, loaded } = await crashApp(t);
  t.like(loaded, { parameters: { where: 'main' }, upload: false });
  app.send({ cmd: 'crash-renderer' });
  const gone = await app.waitForMessage(ofType('render-gone'));
  t.deepEqual(gone.details, { reason: 'crashed', exitCode: 11 });
  const appGone = await app.waitForMessage(ofType('app-render-gone'));
  t.like(appGone, { id: 1, details: { reason: 'crashed', exitCode: 11 }, osPidAfter: 0 });
  const dump = await waitForPending(loaded.database);
  const { processId, annotations, keys } = await annotationsOf(dump);
  t.is(processId, loaded.rendererPid);
  t.like(annotations, { prod: 'Electron', ver: ELECTRON_VERSION, plat: 'Linux', release: 'r1', _productName: 'CrashApp', _version: '3.0.0' });
  t.like(keys, { ptype: 'renderer', pid: String(loaded.rendererPid), window: 'main-window' }, "the renderer's own crash keys");
  t.false('where' in keys || 'where' in annotations, "main's extra parameters stay in main");
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
  t.deepEqual(crashpadReports(loaded.database), { new: [], pending: [], completed: [] });
});

crashTest('GPU and utility processes that crash: child-process-gone with their type, and dumps with their ptype', async (t) => {
  const { app, loaded } = await crashApp(t);
  app.send({ cmd: 'gpu' });
  const gpu = await app.waitForMessage(ofType('gpu-spawned'));
  t.like(await app.waitForMessage(ofType('child-gone')), { details: { type: 'GPU', reason: 'crashed', exitCode: 11 } });
  const gpuDump = await waitForPending(loaded.database);
  t.like(await annotationsOf(gpuDump), { processId: gpu.pid, annotations: { release: 'r1' }, keys: { ptype: 'gpu-process' } });

  app.send({ cmd: 'utility' });
  t.like(await app.waitForMessage(ofType('utility-message')), { message: 'echo:hello' });
  t.like(await app.waitForMessage(ofType('child-gone')), {
    details: { type: 'Utility', reason: 'crashed', exitCode: 11, serviceName: 'node.mojom.NodeService', name: 'Indexer' },
  });
  t.like(await app.waitForMessage(ofType('utility-exit')), { code: 11 });
  const utilityDump = await waitForPending(loaded.database, [gpuDump]);
  t.like(await annotationsOf(utilityDump), { keys: { ptype: 'utility' } });
});

crashTest('process.crash() in main: the app dies of SIGSEGV and its dump says browser, with the extra parameters', async (t) => {
  const { app, loaded } = await crashApp(t);
  app.send({ cmd: 'crash-main' });
  t.deepEqual(await app.exited, { code: null, signal: 'SIGSEGV' });
  const dump = await waitForPending(loaded.database);
  const { processId, annotations, keys } = await annotationsOf(dump);
  t.is(processId, app.pid);
  t.like(annotations, { release: 'r1', prod: 'Electron' });
  t.like(keys, { ptype: 'browser', process_type: 'browser', pid: String(app.pid), where: 'main' });
});

crashTest("with a placeholder submitURL and uploads off, Crashpad's handler moves each report to completed/ with its .meta", async (t) => {
  const options = { submitURL: 'https://uploads-disabled.invalid/', uploadToServer: false, ignoreSystemCrashHandler: true, compress: true };
  const app = launchApp({
    main: join(__dirname, 'electron-host', 'test-apps', 'crash.ts'),
    name: 'CrashApp',
    version: '3.0.0',
    env: { CRASH_APP_REPORTER: JSON.stringify(options) },
  });
  t.teardown(() => app.dispose());
  const loaded = await app.waitForMessage(ofType('loaded'));
  app.send({ cmd: 'crash-renderer' });
  const dump = await waitForReport(loaded.database, 10_000);
  const id = dump.split('/').pop()!.slice(0, -4);
  t.true(existsSync(join(loaded.database, 'completed', `${id}.meta`)), "the report's metadata beside it");
  t.deepEqual(crashpadReports(loaded.database).pending, []);
  t.like((await annotationsOf(dump)).keys, { ptype: 'renderer' });
});
