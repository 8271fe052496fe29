/**
 * The main-process integrations of ts/main/integrations through a real client (ElectronMainClient with a transport
 * that keeps what it sends), in this process, against a small EventEmitter stand-in for `electron`: the details the
 * fake host (main-integrations.spec.ts) cannot stage cheaply — breadcrumb filters and personal data, a crash marked
 * by NativeCrashes, the wrapped real namespaced bundle, renderer scopes on a gone event, GPU and utility deaths.
 */
import test from 'ava';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createStackParser, createTransport, getCurrentScope, getIsolationScope, parseEnvelope, setCurrentClient, type Envelope, type Event, type Integration } from '@sentry/core';
import { nodeStackLineParser } from '@sentry/core/server';
// First: the stand-in must replace 'electron' before ts/main/electron.ts requires it.
import { FakeSession, FakeWebContents, FakeWindow, freshElectron } from './helpers/electron-stand-in';
import { preloadDir } from './helpers/preload-dir';
import { scratchDir, sleep, until } from './helpers/transport';
import { ElectronMainClient } from '../ts/main/client';
import { rendererScopesOf } from '../ts/main/ipc/renderer-scopes';
import {
  childProcessGoneIntegration,
  electronBreadcrumbsIntegration,
  electronContextIntegration,
  mainProcessSessionIntegration,
  markPreviousSessionCrashed,
  markSessionCrashed,
  preloadInjectionFailed,
  preloadInjectionIntegration,
  rendererPidOf,
} from '../ts/main/integrations';
import { DEFAULTS, type ElectronClientOptions } from '../ts/main/options';

const DSN = 'https://public@sentry.example/1';

function startClient(integrations: Integration[], extra: Partial<ElectronClientOptions> = {}) {
  for (const scope of [getCurrentScope(), getIsolationScope()]) scope.clearBreadcrumbs().setSession();
  const envelopes: Envelope[] = [];
  const client = new ElectronMainClient({
    ...DEFAULTS,
    dsn: DSN,
    release: 'standin@1.2.3',
    environment: 'test',
    integrations,
    stackParser: createStackParser(nodeStackLineParser()),
    transport: (o) =>
      createTransport(o, async (req) => {
        envelopes.push(parseEnvelope(req.body));
        return { statusCode: 200 };
      }),
    ...extra,
  } as ElectronClientOptions);
  setCurrentClient(client);
  client.init();
  const items = () => envelopes.flatMap((e) => e[1] as Array<[{ type: string }, unknown]>);
  const events = () => items().filter(([h]) => h.type === 'event').map(([, b]) => b as Event);
  const sessions = () => items().filter(([h]) => h.type === 'session').map(([, b]) => b as { sid: string; status: string; init: boolean; errors: number; attrs: { release: string } });
  return { client, envelopes, events, sessions };
}

test.serial('ElectronContext: app, electron, os, device and culture contexts and tags; a crash event keeps its own os and device', async (t) => {
  const fake = freshElectron(scratchDir(t, 'main-integrations-'));
  await fake.ready();
  const { client, events } = startClient([electronContextIntegration()]);
  client.captureMessage('hello');
  client.captureEvent({ message: 'from a dump', contexts: { os: { name: 'Windows', version: '10.0.19045' }, device: { arch: 'x86' } } });
  client.captureEvent({ message: 'from a renderer', tags: { 'event.process': 'renderer' } });
  await client.flush(2000);
  const [hello, dump, renderer] = events();
  t.like(hello?.contexts?.app, { app_name: 'StandIn', app_version: '1.2.3' });
  t.truthy(hello?.contexts?.app?.app_start_time);
  t.like(hello?.contexts?.electron, { node_version: process.versions.node, process_type: 'browser' });
  t.truthy(hello?.contexts?.os?.name);
  t.truthy(hello?.contexts?.os?.kernel_version);
  t.is(hello?.contexts?.device?.arch, process.arch);
  t.true(Number(hello?.contexts?.device?.memory_size) > 0);
  t.true(Number(hello?.contexts?.device?.processor_count) > 0);
  t.is(hello?.contexts?.culture?.locale, 'de-DE');
  t.like(hello?.tags, { 'event.origin': 'electron', 'event.process': 'browser' });
  t.deepEqual(dump?.contexts?.os, { name: 'Windows', version: '10.0.19045' });
  t.deepEqual(dump?.contexts?.device, { arch: 'x86' });
  t.is(renderer?.tags?.['event.process'], 'renderer');
  t.is(renderer?.contexts?.electron?.process_type, 'renderer');
});

test.serial('ElectronBreadcrumbs: app, window, web contents, power monitor and updater events; origins only; filters; window-all-closed untouched', async (t) => {
  const fake = freshElectron(scratchDir(t, 'main-integrations-'));
  const { client, events } = startClient([
    electronBreadcrumbsIntegration({ app: (name) => name !== 'will-finish-launching', autoUpdater: true }),
  ]);
  t.is(fake.app.listenerCount('window-all-closed'), 0, 'subscribing would stop Electron from quitting');
  t.is(fake.powerMonitor.listenerCount('suspend'), 0, 'powerMonitor waits for ready');
  await fake.ready();
  const win = new FakeWindow();
  fake.app.emit('browser-window-created', {}, win);
  fake.app.emit('web-contents-created', {}, win.webContents);
  win.emit('focus', {});
  win.webContents.emit('dom-ready', {});
  win.webContents.emit('did-navigate', {}, 'https://app.example/account/42?q=private', 200, 'OK');
  win.webContents.emit('did-fail-load', {}, -105, 'ERR_NAME_NOT_RESOLVED', 'https://down.example/x?y', true, 1, 1);
  win.emit('unresponsive', {});
  fake.powerMonitor.emit('suspend', {});
  fake.autoUpdater.emit('error', new Error('https://user:pass@updates.example/feed failed'));
  client.captureMessage('after');
  await client.flush(2000);
  const crumbs = events()[0]?.breadcrumbs ?? [];
  const byMessage = (m: string) => crumbs.find((b) => b.message === m);
  t.falsy(byMessage('app.will-finish-launching'), 'filtered out by the function');
  t.like(byMessage('app.ready'), { category: 'electron', level: 'info' });
  t.like(byMessage('app.browser-window-created'), { data: { windowId: win.id } });
  t.like(byMessage('browserWindow.focus'), { data: { windowId: win.id } });
  t.like(byMessage('webContents.dom-ready'), { data: { webContentsId: win.webContents.id } });
  t.deepEqual(byMessage('webContents.did-navigate')?.data, { webContentsId: win.webContents.id, url: 'https://app.example', httpResponseCode: 200 });
  t.like(byMessage('webContents.did-fail-load'), { level: 'warning', data: { url: 'https://down.example', errorCode: -105 } });
  t.like(byMessage('browserWindow.unresponsive'), { level: 'warning' });
  t.truthy(byMessage('powerMonitor.suspend'));
  t.deepEqual(byMessage('autoUpdater.error')?.data, { error: 'Error' });
  t.false(JSON.stringify(crumbs).includes('private'), 'no path or query of a URL without sendDefaultPii');
  t.false(JSON.stringify(crumbs).includes('pass'), 'no updater error message');
});

test.serial('ElectronBreadcrumbs: full URLs with sendDefaultPii; an emitter turned off adds no listener', async (t) => {
  const fake = freshElectron(scratchDir(t, 'main-integrations-'));
  await fake.ready();
  const { client, events } = startClient([electronBreadcrumbsIntegration({ powerMonitor: false, browserWindow: false })], { sendDefaultPii: true });
  await sleep(0);
  t.is(fake.powerMonitor.listenerCount('suspend'), 0);
  t.is(fake.app.listenerCount('browser-window-created'), 1, 'only the app-event breadcrumb listener');
  const contents = new FakeWebContents();
  fake.app.emit('web-contents-created', {}, contents);
  contents.emit('did-navigate', {}, 'https://app.example/account/42', 200, 'OK');
  client.captureMessage('after');
  await client.flush(2000);
  const nav = events()[0]?.breadcrumbs?.find((b) => b.message === 'webContents.did-navigate');
  t.is(nav?.data?.url, 'https://app.example/account/42');
});

test.serial('MainProcessSession: a previous run whose main crashed natively is sent crashed; the current one is marked crashed once', async (t) => {
  const userData = scratchDir(t, 'main-integrations-');
  freshElectron(userData);
  const first = startClient([mainProcessSessionIntegration()]);
  await until(() => first.sessions().length > 0);
  const firstSid = first.sessions()[0]!.sid;

  freshElectron(userData);
  // NativeCrashes is not installed here, so the integration would not wait: give it a wait to be told within.
  const second = startClient([mainProcessSessionIntegration({ previousSessionWaitMs: 5000 }), { name: 'NativeCrashes', setupOnce() {} }]);
  await sleep(20);
  t.falsy(second.sessions().find((s) => s.sid === firstSid), 'held back while NativeCrashes may still find a dump');
  markPreviousSessionCrashed(second.client);
  await until(() => second.sessions().some((s) => s.sid === firstSid));
  t.like(second.sessions().find((s) => s.sid === firstSid), { status: 'crashed', errors: 1 });

  t.true(markSessionCrashed(second.client));
  t.false(markSessionCrashed(second.client), 'once');
  await second.client.flush(1000);
  const mine = second.sessions().filter((s) => s.sid !== firstSid);
  t.deepEqual(mine.map((s) => s.status), ['ok', 'crashed']);
  t.is(JSON.parse(readFileSync(path.join(userData, 'sentry', 'session.json'), 'utf8')).current.status, 'crashed');
});

test.serial('MainProcessSession: an unhandled error crashes the session as @sentry/core does, and the file says so', async (t) => {
  const userData = scratchDir(t, 'main-integrations-');
  freshElectron(userData);
  const { client, sessions } = startClient([mainProcessSessionIntegration()]);
  client.captureException(new Error('boom'), { mechanism: { type: 'test', handled: false } });
  await client.flush(1000);
  t.deepEqual(sessions().map((s) => s.status), ['ok', 'crashed']);
  t.is(JSON.parse(readFileSync(path.join(userData, 'sentry', 'session.json'), 'utf8')).current.status, 'crashed');
});

test.serial('PreloadInjection: the namespaced file is rewritten only when its content changes', async (t) => {
  const userData = scratchDir(t, 'main-integrations-');
  const dir = preloadDir(t);
  freshElectron(userData);
  startClient([preloadInjectionIntegration({ preloadDir: dir })], { ipcNamespace: 'my-app' });
  const file = path.join(userData, 'sentry', 'preload-my-app.js');
  const mtime = statSync(file).mtimeMs;
  await sleep(20);
  freshElectron(userData);
  startClient([preloadInjectionIntegration({ preloadDir: dir })], { ipcNamespace: 'my-app' });
  t.is(statSync(file).mtimeMs, mtime, 'same content: not rewritten');
  writeFileSync(path.join(dir, 'namespaced.js'), 'module.exports = { hookupIpc() {} };\n');
  freshElectron(userData);
  startClient([preloadInjectionIntegration({ preloadDir: dir })], { ipcNamespace: 'my-app' });
  t.true(readFileSync(file, 'utf8').includes('hookupIpc() {}'), 'a new package version: rewritten');
});
test.serial('PreloadInjection: the real namespaced bundle, wrapped, hooks up the bridge of that namespace', async (t) => {
  const { build } = await import('esbuild');
  const dir = preloadDir(t);
  await build({ entryPoints: [path.join(__dirname, '..', 'ts', 'preload', 'namespaced.ts')], bundle: true, format: 'cjs', platform: 'browser', external: ['electron'], outfile: path.join(dir, 'namespaced.js'), logLevel: 'error' });
  const userData = scratchDir(t, 'main-integrations-');
  const fake = freshElectron(userData);
  await fake.ready();
  startClient([preloadInjectionIntegration({ preloadDir: dir })], { ipcNamespace: 'acme' });
  await sleep(10);
  const code = readFileSync(path.join(userData, 'sentry', 'preload-acme.js'), 'utf8');
  const exposed: string[] = [];
  const electron = { contextBridge: { exposeInMainWorld: (key: string) => exposed.push(key) }, ipcRenderer: { send() {} } };
  const sandboxProcess = { contextIsolated: true };
  new Function('require', 'process', code)((id: string) => (id === 'electron' ? electron : undefined), sandboxProcess);
  const { bridgeKey } = await import('../ts/common/ipc');
  t.deepEqual(exposed, [bridgeKey('acme')]);
});

test.serial('PreloadInjection: no preload file → one loud console warning with the fix, and the protocol fallback', async (t) => {
  const fake = freshElectron(scratchDir(t, 'main-integrations-'));
  const empty = scratchDir(t, 'main-integrations-');
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
  t.teardown(() => (console.warn = original));
  const first = startClient([preloadInjectionIntegration({ preloadDir: empty })]);
  const second = startClient([preloadInjectionIntegration({ preloadDir: empty })]);
  await fake.ready();
  console.warn = original;
  t.is(warnings.length, 1, 'said once');
  t.regex(warnings[0]!, /preload script was not found/);
  t.regex(warnings[0]!, /import '@acme\/sentry-electron-native\/preload'/);
  t.true(preloadInjectionFailed(first.client));
  t.true(preloadInjectionFailed(second.client));
  t.deepEqual((fake.session.defaultSession as FakeSession).scripts, []);
});

test.serial('ChildProcessGone: the event of a renderer carries that renderer\'s own scope and the pid it had alive', async (t) => {
  const fake = freshElectron(scratchDir(t, 'main-integrations-'));
  await fake.ready();
  const { client, events } = startClient([childProcessGoneIntegration({ dumpWaitMs: 50 })]);
  const contents = new FakeWebContents();
  fake.app.emit('web-contents-created', {}, contents);
  contents.emit('dom-ready', {});
  t.is(rendererPidOf(contents.id), contents.pid);
  rendererScopesOf(client).apply(contents.id, { v: 1, tags: { 'demo.window': 'main' }, breadcrumbs: [{ message: 'clicked crash', timestamp: Date.now() / 1000 }] });
  const alivePid = contents.pid;
  contents.pid = 0; // Electron answers 0 once the process is dead
  fake.app.emit('render-process-gone', {}, contents, { reason: 'oom', exitCode: 0 });
  await until(() => events().length === 1);
  const [event] = events();
  t.is(event?.level, 'fatal');
  t.like(event?.tags, { 'demo.window': 'main', 'event.process': 'renderer', 'exit.reason': 'oom' });
  t.like(event?.contexts?.['electron.process'], { pid: alivePid, url: 'https://app.example' });
  const crumbs = event?.breadcrumbs?.map((b) => b.message);
  t.true(crumbs?.includes('clicked crash'));
  t.true(crumbs?.includes('Renderer process gone: oom'));
});
test.serial('ChildProcessGone: getRendererName (as in @sentry/electron) names the renderer in its breadcrumb and event; one that throws is ignored', async (t) => {
  const fake = freshElectron(scratchDir(t, 'main-integrations-'));
  await fake.ready();
  const named = new FakeWebContents();
  const throwing = new FakeWebContents();
  const { events } = startClient([childProcessGoneIntegration({ dumpWaitMs: 50 })], {
    getRendererName: (c: { id: number }) => {
      if (c.id === throwing.id) throw new Error('app bug');
      return c.id === named.id ? 'editor' : undefined;
    },
  } as Partial<ElectronClientOptions>);
  for (const c of [named, throwing]) fake.app.emit('web-contents-created', {}, c);
  fake.app.emit('render-process-gone', {}, named, { reason: 'crashed', exitCode: 11 });
  fake.app.emit('render-process-gone', {}, throwing, { reason: 'crashed', exitCode: 11 });
  await until(() => events().length === 2);
  const [first, second] = events();
  t.is(first?.contexts?.['electron.process']?.name, 'editor');
  t.like(first?.breadcrumbs?.find((b) => b.message === 'Renderer process gone: crashed')?.data, { name: 'editor' });
  t.is(second?.contexts?.['electron.process']?.name, undefined);
});
test.serial('ChildProcessGone: a GPU launch failure is reported at once (level error); killed and clean exits are breadcrumbs only', async (t) => {
  const fake = freshElectron(scratchDir(t, 'main-integrations-'));
  await fake.ready();
  const { client, events } = startClient([childProcessGoneIntegration({ dumpWaitMs: 5000 })]);
  fake.app.emit('child-process-gone', {}, { type: 'Utility', reason: 'killed', exitCode: 9, name: 'Audio Service', serviceName: 'audio.mojom.AudioService' });
  fake.app.emit('child-process-gone', {}, { type: 'Utility', reason: 'clean-exit', exitCode: 0, name: 'Network Service' });
  fake.app.emit('child-process-gone', {}, { type: 'GPU', reason: 'launch-failed', exitCode: 1002 });
  await until(() => events().length === 1, 1000);
  await client.flush(500);
  const [event] = events();
  t.is(events().length, 1);
  t.is(event?.message, 'GPU process gone: launch-failed (exit code 1002)');
  t.is(event?.level, 'error');
  t.like(event?.tags, { 'event.process': 'gpu', 'exit.reason': 'launch-failed' });
  const messages = event?.breadcrumbs?.map((b) => b.message);
  t.deepEqual(messages, ['Utility process gone: killed', 'Utility process gone: clean-exit', 'GPU process gone: launch-failed']);
});
