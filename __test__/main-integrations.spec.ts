/**
 * The main-process integrations of ts/main/integrations through a real client (ElectronMainClient with a transport
 * that reports what it sends) in the fake Electron host: a real main process per app run, real renderer processes,
 * real quits, kills and restarts on the same userData. The app is __test__/electron-host/test-apps/main-integrations.ts.
 * Details the host cannot stage cheaply are in main-integrations-standin.spec.ts.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Event } from '@sentry/core';
import { launchApp, type LaunchedApp, type LaunchOptions } from './electron-host/launch';
import { preloadDir } from './helpers/preload-dir';
import { scratchDir, sleep, until } from './helpers/transport';

const APP = path.join(__dirname, 'electron-host', 'test-apps', 'main-integrations.ts');

type Item = [{ type: string }, Record<string, any>];

function launch(t: { teardown(fn: () => Promise<void>): void }, args: string[], options: Partial<LaunchOptions> = {}): LaunchedApp {
  const app = launchApp({ main: APP, args, ...options });
  t.teardown(() => app.dispose());
  return app;
}

const itemsOf = (app: LaunchedApp): Item[] => app.messages.flatMap((m: any) => (m.type === 'envelope' ? (m.items as Item[]) : []));
const eventsOf = (app: LaunchedApp) => itemsOf(app).filter(([h]) => h.type === 'event').map(([, b]) => b as Event);
const sessionsOf = (app: LaunchedApp) => itemsOf(app).filter(([h]) => h.type === 'session').map(([, b]) => b as { sid: string; status: string; init: boolean; errors: number; attrs: Record<string, string> });

test('fake host: contexts and breadcrumbs of a real run; its session persisted, reported abnormal after a kill, exited after a quit', async (t) => {
  const userData = scratchDir(t, 'main-integrations-');
  const first = launch(t, ['life'], { userData, name: 'LifeApp', version: '2.0.0' });
  await first.waitForMessage((m) => m.type === 'ready');
  await until(() => eventsOf(first).length > 0 && sessionsOf(first).length > 0, 10_000);
  const [event] = eventsOf(first);
  t.like(event?.contexts?.app, { app_name: 'LifeApp', app_version: '2.0.0' });
  t.like(event?.contexts?.electron, { electron_version: '45.4.1', process_type: 'browser' });
  t.truthy(event?.contexts?.electron?.chrome_version);
  t.truthy(event?.contexts?.os?.name);
  t.true(Number(event?.contexts?.device?.memory_size) > 0);
  t.is(event?.contexts?.culture?.locale, 'en-US');
  t.like(event?.tags, { 'event.origin': 'electron', 'event.process': 'browser' });
  const crumbs = (event?.breadcrumbs ?? []).map((b) => b.message);
  for (const m of ['app.ready', 'app.browser-window-created', 'app.web-contents-created', 'webContents.did-navigate', 'webContents.dom-ready', 'browserWindow.focus', 'powerMonitor.suspend']) {
    t.true(crumbs.includes(m), `${m} in ${crumbs.join(', ')}`);
  }
  const navigate = event?.breadcrumbs?.find((b) => b.message === 'webContents.did-navigate');
  t.is(navigate?.data?.url, 'file://', 'a file URL is cut to its scheme: its path names the user');

  const [started] = sessionsOf(first);
  t.like(started, { init: true, status: 'ok', attrs: { release: 'fake@2.0.0', environment: 'test' } });
  const stored = JSON.parse(readFileSync(path.join(userData, 'sentry', 'session.json'), 'utf8'));
  t.like(stored.current, { sid: started!.sid, status: 'ok', pid: first.pid });

  // Killed: no quit event, no goodbye. The next start reports that session as abnormal, with its own release.
  first.kill('SIGKILL');
  await first.exited;
  const second = launch(t, ['life'], { userData, name: 'LifeApp', version: '2.1.0' });
  await until(() => sessionsOf(second).some((s) => s.sid === started!.sid), 10_000);
  t.like(sessionsOf(second).find((s) => s.sid === started!.sid), { status: 'abnormal', init: false, attrs: { release: 'fake@2.0.0' } });
  const current = sessionsOf(second).find((s) => s.sid !== started!.sid);
  t.like(current, { status: 'ok', attrs: { release: 'fake@2.1.0' } });

  // Quit: the session is ended and sent before the process goes.
  await second.waitForMessage((m) => m.type === 'ready');
  t.like(await second.quit(), { code: 0 });
  t.like(sessionsOf(second).at(-1), { sid: current!.sid, status: 'exited' });

  // After a clean quit, the next start has nothing to report but its own start.
  const third = launch(t, ['life'], { userData });
  await third.waitForMessage((m) => m.type === 'ready');
  await sleep(300);
  t.deepEqual(new Set(sessionsOf(third).map((s) => `${s.sid === sessionsOf(third)[0]!.sid} ${s.status}`)), new Set(['true ok']));
});

test('fake host: process.exit() emits no quit events, yet its session is reported exited (not abnormal) at the next start', async (t) => {
  const userData = scratchDir(t, 'main-integrations-');
  const first = launch(t, ['life'], { userData });
  await first.waitForMessage((m) => m.type === 'ready');
  await until(() => sessionsOf(first).length > 0);
  const sid = sessionsOf(first)[0]!.sid;
  first.send({ cmd: 'exit' });
  t.like(await first.exited, { code: 0 });
  const second = launch(t, ['life'], { userData });
  await until(() => sessionsOf(second).some((s) => s.sid === sid), 10_000);
  t.like(sessionsOf(second).find((s) => s.sid === sid), { status: 'exited' });
});

test('fake host: an uncaught exception without app handler is captured fatal, Electron\'s dialog is shown, main keeps running', async (t) => {
  const app = launch(t, ['uncaught', 'plain']);
  const { errorBoxes } = await app.waitForMessage((m) => m.type === 'alive');
  const [event] = eventsOf(app);
  t.is(event?.level, 'fatal');
  t.like(event?.exception?.values?.[0], { type: 'Error', value: 'thrown in main', mechanism: { type: 'onuncaughtexception', handled: false } });
  // One box: the SDK's, word for word Electron's (whose own handler stays quiet once another listener exists).
  t.is(errorBoxes.length, 1);
  t.is(errorBoxes[0].title, 'A JavaScript error occurred in the main process');
  t.regex(errorBoxes[0].content, /^Uncaught Exception:\nError: thrown in main/);
});

test('fake host: with the app\'s own handler, the app decides: captured, no dialog', async (t) => {
  const app = launch(t, ['uncaught', 'app-handler']);
  t.like(await app.waitForMessage((m) => m.type === 'app-handler'), { message: 'thrown in main' });
  const { errorBoxes } = await app.waitForMessage((m) => m.type === 'alive');
  t.is(eventsOf(app).length, 1);
  t.deepEqual(errorBoxes, []);
});

test('fake host: onFatalError replaces the default, after the event is sent', async (t) => {
  const app = launch(t, ['uncaught', 'on-fatal']);
  t.like(await app.exited, { code: 1 });
  const order = app.messages.map((m: any) => m.type).filter((x) => x === 'envelope' || x === 'on-fatal');
  t.deepEqual(order, ['envelope', 'on-fatal']);
  t.notRegex(app.stderr(), /A JavaScript error occurred/);
});

test('fake host: an unhandled rejection is captured (error, onunhandledrejection), warned about, and main keeps running', async (t) => {
  const app = launch(t, ['uncaught', 'rejection']);
  const { errorBoxes } = await app.waitForMessage((m) => m.type === 'alive');
  const [event] = eventsOf(app);
  t.is(eventsOf(app).length, 1);
  t.is(event?.level, 'error');
  t.like(event?.exception?.values?.[0], { value: 'rejected in main', mechanism: { type: 'onunhandledrejection', handled: false } });
  t.regex(app.stderr(), /Unhandled promise rejection/);
  t.deepEqual(errorBoxes, []);
});

test('fake host: mode strict hands the rejection on as an uncaught exception (Electron\'s dialog), reported once', async (t) => {
  const app = launch(t, ['uncaught', 'rejection-strict']);
  const { errorBoxes } = await app.waitForMessage((m) => m.type === 'alive');
  t.is(errorBoxes.length, 1);
  t.regex(errorBoxes[0].content, /rejected in main/);
  t.is(eventsOf(app).length, 1);
  t.is(eventsOf(app)[0]?.level, 'error');
});


test('fake host: the preload is registered on every session from getSessions (Electron 45)', async (t) => {
  const dir = preloadDir(t);
  const app = launch(t, ['preload'], { env: { PRELOAD_DIR: dir } });
  const { sessions, failed } = await app.waitForMessage((m) => m.type === 'preloads');
  t.false(failed);
  t.deepEqual(sessions.map((s: any) => s.partition).sort(), ['', 'persist:second']);
  for (const s of sessions) t.deepEqual(s.scripts, [{ type: 'frame', id: 'sentry-electron-native', filePath: path.join(dir, 'index.js') }]);
});

test('fake host: Electron 34 gets the preload through setPreloads', async (t) => {
  const dir = preloadDir(t);
  const app = launch(t, ['preload'], { env: { PRELOAD_DIR: dir }, electronVersion: '34.2.0' });
  const { sessions } = await app.waitForMessage((m) => m.type === 'preloads');
  t.is(sessions.length, 2);
  for (const s of sessions) t.deepEqual(s.scripts, [path.join(dir, 'index.js')]);
});

test('fake host: a custom namespace injects a self-contained file under userData', async (t) => {
  const dir = preloadDir(t);
  const app = launch(t, ['preload'], { env: { PRELOAD_DIR: dir, IPC_NAMESPACE: 'acme-ipc' } });
  const { sessions } = await app.waitForMessage((m) => m.type === 'preloads');
  const file = path.join(app.userData, 'sentry', 'preload-acme-ipc.js');
  for (const s of sessions) t.deepEqual(s.scripts.map((x: any) => x.filePath), [file]);
  const hooked: string[] = [];
  new Function('require', readFileSync(file, 'utf8'))((id: string) => (id === 'electron' ? { hooked } : undefined));
  t.deepEqual(hooked, ['acme-ipc']);
});

test('fake host: no preload file (main bundled) → one loud warning with the fix, nothing injected, protocol fallback', async (t) => {
  const app = launch(t, ['preload'], { env: { PRELOAD_DIR: scratchDir(t, 'main-integrations-') } });
  const { sessions, failed } = await app.waitForMessage((m) => m.type === 'preloads');
  t.true(failed);
  for (const s of sessions) t.deepEqual(s.scripts, []);
  const warnings = app.stderr().split('\n').filter((l) => l.includes('preload script was not found'));
  t.is(warnings.length, 1);
  t.regex(warnings[0]!, /import '@acme\/sentry-electron-native\/preload'/);
});

test('fake host: a renderer killed by a crash signal without a dump → one event after the wait; a claimed death → none', async (t) => {
  const app = launch(t, ['gone']);
  const { pid } = await app.waitForMessage((m) => m.type === 'loaded');
  process.kill(pid, 'SIGSEGV');
  await until(() => eventsOf(app).length === 1, 10_000);
  const [event] = eventsOf(app);
  t.is(event?.message, 'Renderer process gone: crashed (exit code 11)');
  t.is(event?.level, 'fatal');
  t.like(event?.tags, { 'event.process': 'renderer', 'exit.reason': 'crashed' });
  t.like(event?.contexts?.['electron.process'], { type: 'renderer', reason: 'crashed', exitCode: 11, pid, url: 'file://' });

  // NativeCrashes claims the next death (by the pid recorded while the renderer lived): nothing from here.
  app.send({ cmd: 'reload' });
  const reloaded = await app.waitForMessage((m) => m.type === 'loaded');
  app.send({ cmd: 'claim' });
  await app.waitForMessage((m) => m.type === 'claim-armed');
  process.kill(reloaded.pid, 'SIGSEGV');
  const claimed = await app.waitForMessage((m) => m.type === 'claimed');
  t.is(claimed.pid, reloaded.pid);
  t.like(claimed.gone, { type: 'renderer', reason: 'crashed', pid: reloaded.pid });
  await sleep(1000);
  t.is(eventsOf(app).length, 1);
});
