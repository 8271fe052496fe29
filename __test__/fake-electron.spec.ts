/**
 * The fake Electron host itself (__test__/electron-host): app lifecycle, IPC both ways, protocol routing, run as
 * real processes through launchApp. Preloads, page errors and crashes: fake-electron-renderer.spec.ts and
 * fake-electron-crash.spec.ts. That the fake's API matches Electron's types is checked by `npm run typecheck`
 * (electron-host/fake-electron/types-check.ts).
 */
import test from 'ava';
import { join } from 'node:path';
import { launchApp, type LaunchedApp } from './electron-host/launch';

const APPS = join(__dirname, 'electron-host', 'test-apps');

function start(t: { teardown(fn: () => Promise<void>): void }, main: string, options: Parameters<typeof launchApp>[0] extends infer O ? Partial<O> : never = {}): LaunchedApp {
  const app = launchApp({ main: join(APPS, main), ...options });
  t.teardown(() => app.dispose());
  return app;
}

const ofType = (type: string) => (m: { type?: string }) => m.type === type;

test('app: identity from launch options, ready after the script, Electron versions and process type', async (t) => {
  const app = start(t, 'lifecycle.ts', { name: 'Acme', version: '2.3.4', electronVersion: '36.1.0' });
  const started = await app.waitForMessage(ofType('start'));
  t.like(started, { isReady: false, name: 'Acme', version: '2.3.4', userData: app.userData, crashDumps: join(app.userData, 'Crashpad'), logs: join(app.userData, 'logs') });
  t.like(started, { electron: '36.1.0', chrome: '136.0.0.0', processType: 'browser' });
  t.is(started.sessionBeforeReady, 'Session can only be received when app is ready');
  t.is(started.windowBeforeReady, 'Cannot create BrowserWindow before app is ready');
  await app.waitForMessage(ofType('will-finish-launching'));
  const ready = await app.waitForMessage(ofType('ready'));
  t.like(ready, { isReady: true, sameSession: true, sessionsCreated: 1, locale: 'en-US' });
  t.is(ready.lateRegister, 'protocol.registerSchemesAsPrivileged should be called before app is ready');
  t.deepEqual(ready.schemes, [{ scheme: 'kept', privileges: { standard: true, supportFetchAPI: true } }], 'the last call replaced the first');
  await app.waitForMessage(ofType('whenReady'));
});

test('app: before-quit can be prevented to flush, then quitting again goes through will-quit and quit', async (t) => {
  const app = start(t, 'lifecycle.ts');
  await app.waitForMessage(ofType('ready'));
  const exit = await app.quit();
  t.deepEqual(exit, { code: 0, signal: null });
  const order = app.messages.map((m) => (m as { type: string }).type).filter((type) => /quit|flushed/.test(type));
  t.deepEqual(order, ['before-quit', 'flushed', 'before-quit', 'will-quit', 'quit']);
  t.like(app.messages.find((m) => (m as { type: string }).type === 'quit'), { exitCode: 0 });
});

test("main: an uncaught error shows Electron's error box and the app runs on, until the app listens itself", async (t) => {
  const app = start(t, 'uncaught.ts');
  const { boxes } = await app.waitForMessage(ofType('after-first'));
  t.is(boxes.length, 2);
  for (const box of boxes) t.is(box.title, 'A JavaScript error occurred in the main process');
  t.true(boxes.some((b: { content: string }) => b.content.startsWith('Uncaught Exception:\nError: main boom\n')));
  t.true(boxes.some((b: { content: string }) => b.content.startsWith('Uncaught Exception:\nError: rejected in main\n')));
  t.like(await app.waitForMessage(ofType('own-handler')), { message: 'second boom' });
  t.like(await app.waitForMessage(ofType('after-second')), { boxes: 2 });
  t.regex(app.stderr(), /A JavaScript error occurred in the main process\nUncaught Exception:\nError: main boom/);
});

test('IPC: renderer to main with the sender, replies and webContents.send back, invoke with handlers and their errors', async (t) => {
  const app = start(t, 'ipc-protocol.ts');
  const loaded = await app.waitForMessage(ofType('loaded'));
  const toMain = await app.waitForMessage(ofType('to-main'));
  t.like(toMain, { senderIsWindow: true, frameId: 1, frameUrl: 'app://bundle/index.html' });
  t.deepEqual(toMain.args, ['ping', new Uint8Array([1, 2, 3])]);
  t.true(toMain.processId > 0);
  t.true(toMain.osPid > 0 && toMain.osPid !== app.pid, 'the renderer is its own OS process');
  const replied = await app.waitForMessage(ofType('page-got'));
  t.deepEqual(replied.args, ['pong', [9, 8, 7], true], 'event.reply reached the page, bytes as bytes of its realm');
  const sent = await app.waitForMessage(ofType('page-got'));
  t.deepEqual(sent.args, ['sent', [1], true], 'webContents.send reached the page');
  const { results } = await app.waitForMessage(ofType('page-results'));
  t.is(results.sum, 5);
  t.is(results.failure, "Error invoking remote method 'fail': Error: handler failed");
  t.is(results.missing, "Error invoking remote method 'nobody': Error: No handler registered for 'nobody'");
  t.like(loaded, { title: 'App page', url: 'app://bundle/index.html', count: 1, fromId: true, fromWindow: true });
  t.deepEqual(loaded.pageState, { loaded: true, bridgeKeys: ['invoke', 'on', 'send'], hasRequire: 'undefined' });
  t.is(loaded.execError, 'Script failed to execute, this normally means an error was thrown. Check the renderer console for the error.');
});

test('protocol: a page fetch of a privileged scheme reaches main as a Request with its bytes, and the Response comes back', async (t) => {
  const app = start(t, 'ipc-protocol.ts');
  const bytes = new Uint8Array(256).map((_, i) => i);
  const request = await app.waitForMessage(ofType('echo-request'));
  t.like(request, { method: 'POST', header: 'abc' });
  t.deepEqual(request.bytes, bytes);
  const { results } = await app.waitForMessage(ofType('page-results'));
  t.like(results, { status: 201, echo: 'yes' });
  t.deepEqual(results.back, Array.from(bytes).reverse());
  t.is(results.notFetchable, 'TypeError: Failed to fetch true', 'a scheme without supportFetchAPI cannot be fetched');
});

test('windows: creation and focus events, a prevented close, window-all-closed; load events and a failed load', async (t) => {
  const app = start(t, 'windows.ts', { env: { FAKE_ELECTRON_HANG_MS: '800' } });
  const loads = await app.waitForMessage(ofType('loads'));
  t.deepEqual(loads.events.slice(0, 6), ['app:web-contents-created:1', 'app:browser-window-created:1', 'app:web-contents-created:2', 'app:browser-window-created:2', 'focus:1', 'app:focus:1']);
  t.deepEqual(loads.events.slice(6, 10), ['blur:1', 'app:blur:1', 'focus:2', 'app:focus:2'], 'showing the second window moved the focus');
  t.deepEqual(loads.events.slice(10), ['did-start-loading', 'did-navigate', 'dom-ready', 'did-finish-load', 'did-stop-loading']);
  t.like(loads.failed, { errno: -6, code: 'ERR_FILE_NOT_FOUND' });
  t.regex(loads.failed.message, /^ERR_FILE_NOT_FOUND \(-6\) loading 'file:\/\/.*missing\.html'$/);
  t.is(loads.focused, 2);
  t.deepEqual(loads.isLoading, [true, false]);
  t.deepEqual((await app.waitForMessage(ofType('hang'))).hung, ['unresponsive', 'responsive']);
  t.like(await app.waitForMessage(ofType('power')), { event: 'suspend', onBattery: false });
  await app.waitForMessage(ofType('updater'));
  t.like(await app.waitForMessage(ofType('close-prevented')), { open: 2 });
  const { events } = await app.waitForMessage(ofType('window-all-closed'));
  t.deepEqual(events.slice(-9), ['close:1', 'close:1', 'destroyed:1', 'closed:1', 'close:2', 'blur:2', 'app:blur:2', 'destroyed:2', 'closed:2']);
  t.deepEqual(await app.quit(), { code: 0, signal: null }, 'a window-all-closed listener keeps the app alive until it quits');
});

test('net: requests as Electron makes them (buffered or chunked bodies, restricted headers, redirects, net errors), net.fetch of a handled scheme', async (t) => {
  const app = start(t, 'net.ts');
  const r = await app.waitForMessage(ofType('net'));
  t.like(r.post, { status: 202, body: 'accepted', headers: { 'x-sentry-rate-limits': '60:error', 'set-cookie': ['a=1', 'b=2'] } });
  t.like(r.seen[0], { method: 'POST', body: '{"event_id":"1"}\n', headers: { 'content-type': 'application/x-sentry-envelope', 'content-length': '17' } });
  t.like(r.seen[1], { body: 'part1,part2', headers: { 'transfer-encoding': 'chunked' } });
  t.deepEqual(r.restricted, { error: 'net::ERR_INVALID_ARGUMENT' });
  t.deepEqual(r.redirected, { error: 'Redirect was cancelled' });
  t.like(r.followed, { status: 202 });
  t.deepEqual(r.refused, { error: 'net::ERR_CONNECTION_REFUSED' });
  t.is(r.fetched, 'served /path');
});

test('hook: `import ... from "electron"` in an ES module main gets the same fake', async (t) => {
  const app = start(t, 'esm.mjs', { name: 'EsmApp' });
  t.like(await app.waitForMessage(ofType('esm')), { sameApp: true, name: 'EsmApp', processType: 'browser' });
});
