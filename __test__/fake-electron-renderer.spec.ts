/**
 * The fake Electron host's Node-mode renderers: preloads (session ones from registerPreloadScript or setPreloads,
 * then the window's) in sandboxed, context-isolated worlds; contextBridge; a renderer without context isolation;
 * the Electron version deciding which preload API exists; page errors reaching window.onerror and listeners.
 */
import test from 'ava';
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchApp, type LaunchOptions } from './electron-host/launch';

const APPS = join(__dirname, 'electron-host', 'test-apps');
const ASSETS = join(APPS, 'assets');
const ofType = (type: string) => (m: { type?: string }) => m.type === type;

function start(t: { teardown(fn: () => Promise<void>): void }, main: string, options: Partial<LaunchOptions> = {}) {
  const app = launchApp({ main: join(APPS, main), ...options });
  t.teardown(() => app.dispose());
  return app;
}

for (const electronVersion of ['45.4.1', '34.1.0']) {
  const modern = electronVersion.startsWith('45');
  test(`preloads on Electron ${electronVersion}: ${modern ? 'registerPreloadScript' : 'setPreloads (no registerPreloadScript)'}, session before window, sandboxed, exposed through contextBridge`, async (t) => {
    const app = start(t, 'preloads.ts', { electronVersion });
    const registered = await app.waitForMessage(ofType('registered'));
    t.is(registered.modern, modern);
    if (modern) {
      t.deepEqual(registered.scripts, [{ type: 'frame', id: 'sdk', filePath: join(ASSETS, 'session-preload.js') }]);
      t.deepEqual(registered.replaced, [join(ASSETS, 'bridge-preload.js')], 'setPreloads replaced the registered frame script');
      t.is(registered.duplicate, "Cannot register preload script with existing ID 'sdk'");
      t.is(registered.relative, 'Preload script must have absolute path: relative.js');
      t.is(registered.unknownId, "Cannot unregister preload script with non-existing ID 'nope'");
    } else {
      t.deepEqual(registered.scripts, [join(ASSETS, 'session-preload.js')]);
    }
    const { data: isolated } = await app.waitForMessage((m) => m.type === 'page' && m.window === 1);
    t.deepEqual(isolated.order, ['session', 'window']);
    t.deepEqual(isolated.sessionPreload, { fsError: 'module not found: fs', sandboxed: true, type: 'renderer', hasBinding: 'undefined', eventsWorks: 'function' });
    t.like(isolated, { isolatedGlobalVisible: 'undefined', frozen: true, reportIsFunction: true, arrayOfThisRealm: true, overwrite: 'kept' });
  });
}

test('without contextIsolation the preloads share the page world and contextBridge throws', async (t) => {
  const app = start(t, 'preloads.ts');
  const { data } = await app.waitForMessage((m) => m.type === 'page' && m.window === 2);
  t.deepEqual(data.order, ['session', 'window']);
  t.is(data.isolatedGlobalVisible, 'object', "the preloads' globals are the page's");
  t.is(data.bridgeError, 'contextBridge API can only be used when contextIsolation is enabled');
  t.is(data.sessionPreload, undefined);
});

test("page errors reach window.onerror and 'error' listeners, rejections 'unhandledrejection'; unhandled ones the console", async (t) => {
  const app = start(t, 'errors.ts');
  t.like(await app.waitForMessage(ofType('loaded')), { title: 'Errors' });
  const { seen } = await app.waitForMessage(ofType('errors'));
  const page = join(ASSETS, 'errors-page.html');
  const onerror = seen.find((s: { via: string; error?: string }) => s.via === 'onerror' && s.error === 'top level');
  t.like(onerror, { message: 'Uncaught Error: top level', source: `file://${page}`, isError: true });
  t.true(onerror.lineno > 1 && onerror.colno > 1);
  t.truthy(seen.find((s: { via: string; error?: string }) => s.via === 'error-listener' && s.error === 'top level'));
  t.truthy(seen.find((s: { via: string; error?: string }) => s.via === 'onerror' && s.error === 'from a timer'));
  t.truthy(seen.find((s: { via: string; reason?: string }) => s.via === 'unhandledrejection' && s.reason === 'rejected'));
  t.like(seen.find((s: { via: string }) => s.via === 'unhandledrejection'), { isPromise: true });
  t.like(seen.find((s: { via: string }) => s.via === 'afterThrow'), { ran: true }, 'a throwing script does not stop the next one');
  const { consoleErrors } = await app.waitForMessage(ofType('console'));
  t.deepEqual(consoleErrors, ['Uncaught Error: top level', 'Uncaught (in promise) Error: rejected'], 'the timer error was prevented by its listener');
});

test('the Sentry browser SDK runs in a Node-mode page: an uncaught error becomes an event with the page\'s frames and scope', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sentry-page-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = join(dir, 'page.js');
  buildSync({ entryPoints: [join(ASSETS, 'sentry-page.src.js')], bundle: true, format: 'iife', platform: 'browser', outfile: bundle, logLevel: 'silent' });
  const app = start(t, 'sentry-page.ts', { args: [bundle] });
  const { body } = await app.waitForMessage((m) => m.type === 'envelope' && /boom from the page/.test(m.body));
  const event = JSON.parse(body.split('\n')[2]);
  const exception = event.exception.values[0];
  t.like(exception, { type: 'Error', value: 'boom from the page', mechanism: { handled: false } });
  t.is(exception.stacktrace.frames.at(-1).filename, `file://${bundle}`);
  t.like(event, { tags: { page: 'sentry' }, request: { url: `file://${bundle}` } });
  t.true(event.breadcrumbs.some((b: { category: string; message: string }) => b.category === 'console' && b.message === 'breadcrumb from the console'));
  t.regex(event.request.headers['User-Agent'], /Electron\/\d+/);
});
