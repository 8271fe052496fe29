/**
 * The renderer SDK bundle in real headless Chromium: what it captures, and that it reaches main by the preload's
 * bridge (Classic) and by main's privileged scheme with the page's key (Protocol). Main is played by the test.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_NAMESPACE, KEY_GLOBAL, bridgeKey, validateEnvelopePayload } from '../ts/common/ipc';
import { PRELOAD, PRELOAD_NAMESPACED, Session, sleep, chromiumSpec } from './electron-host/chromium-harness';

const { chromiumTest, launcher } = chromiumSpec(test, 'renderer capture');

chromiumTest('Classic: a thrown error, an unhandled rejection and console breadcrumbs reach main through the bridge', async (t) => {
  const page = await Session.open(launcher(), { preloads: [PRELOAD], contextIsolation: true, sandbox: true });
  try {
    // The page sees the bridge and nothing else of Electron or Node.
    t.deepEqual(await page.run(`[typeof require, typeof process, typeof ipcRenderer, typeof globalThis[${JSON.stringify(bridgeKey(DEFAULT_NAMESPACE))}]]`), [
      'undefined',
      'undefined',
      'undefined',
      'object',
    ]);
    await page.run(`console.log('hello from the page'); SentryElectronRenderer.setTag('window', 'main-window');`);
    await page.run(`setTimeout(() => { throw new Error('boom in the renderer'); }, 0); 1`);
    const thrown = await page.event(t, 'thrown error', (e) => e.exception?.values?.[0]?.value === 'boom in the renderer');
    t.is(thrown.message.via, 'ipc');
    t.true(validateEnvelopePayload(thrown.message.payload).ok);
    const exception = thrown.event.exception!.values![0]!;
    t.is(exception.type, 'Error');
    t.is(exception.mechanism?.handled, false);
    t.true((exception.stacktrace?.frames?.length ?? 0) > 0, 'a stack trace from the page');
    t.is(thrown.event.tags?.window, 'main-window', 'the tag set in the renderer is on its event');
    const crumbs = thrown.event.breadcrumbs ?? [];
    t.true(crumbs.some((b) => b.category === 'console' && b.message === 'hello from the page'), JSON.stringify(crumbs));

    await page.run(`Promise.reject(new Error('rejected in the renderer')); 1`);
    const rejected = await page.event(t, 'unhandled rejection', (e) => e.exception?.values?.[0]?.value === 'rejected in the renderer');
    t.is(rejected.event.exception!.values![0]!.mechanism?.type, 'auto.browser.global_handlers.onunhandledrejection');
    t.is(rejected.event.exception!.values![0]!.mechanism?.handled, false);
    // The browser session integration is left out: release health is main's.
    t.false(page.received.some((m) => m.kind === 'envelope' && typeof m.payload === 'string' && m.payload.includes('"type":"session"')));
  } finally {
    await page.close();
  }
});

chromiumTest('Protocol: without a preload, envelopes and scope go to the privileged scheme with the page key', async (t) => {
  const page = await Session.open(launcher(), { privilegedSchemes: [DEFAULT_NAMESPACE] });
  try {
    // Main writes the key when the DOM is ready, after the SDK started: what the page sent meanwhile waited for it.
    await sleep(150);
    t.deepEqual(page.received, [], 'nothing leaves without the key');
    await page.run(`globalThis[${JSON.stringify(KEY_GLOBAL)}] = 'page-key-1'; SentryElectronRenderer.setTag('path', 'protocol');`);
    await page.run(`SentryElectronRenderer.captureException(new Error('over the protocol')); 1`);
    const { event, message } = await page.event(t, 'protocol envelope', (e) => e.exception?.values?.[0]?.value === 'over the protocol');
    t.is(message.via, 'protocol');
    t.is(message.key, 'page-key-1');
    t.is(event.tags?.path, 'protocol');
    const scope = await page.waitFor(t, 'protocol scope', (m) => m.kind === 'scope' && m.via === 'protocol');
    t.is(scope.key, 'page-key-1');
    t.true(page.received.every((m) => m.via === 'protocol' && m.key === 'page-key-1'));
    t.is(page.renderer.log.filter((l) => l.includes('cannot reach the main process')).length, 0);
  } finally {
    await page.close();
  }
});

chromiumTest('a custom namespace: hookupIpc(ns) in the preload and init({ ipcNamespace }) in the page meet', async (t) => {
  // A user's sandboxed preload: the namespaced file (one bundle) and a call, as a bundler would emit them.
  const dir = mkdtempSync(join(tmpdir(), 'preload-'));
  const preload = join(dir, 'preload.js');
  writeFileSync(preload, `${readFileSync(PRELOAD_NAMESPACED, 'utf8')}\n;module.exports.hookupIpc('my-app');\n`);
  const page = await Session.open(launcher(), { preloads: [preload], init: { ipcNamespace: 'my-app' }, namespaces: ['my-app', DEFAULT_NAMESPACE] });
  try {
    t.deepEqual(await page.run(`[typeof globalThis[${JSON.stringify(bridgeKey('my-app'))}], typeof globalThis[${JSON.stringify(bridgeKey(DEFAULT_NAMESPACE))}]]`), [
      'object',
      'undefined',
    ]);
    await page.run(`SentryElectronRenderer.captureMessage('namespaced hello'); 1`);
    const { message } = await page.event(t, 'namespaced envelope', (e) => e.message === 'namespaced hello');
    t.is(message.namespace, 'my-app');
    t.is(message.via, 'ipc');
    t.true(page.received.every((m) => m.namespace === 'my-app'));
  } finally {
    await page.close();
  }
});

chromiumTest('neither path: the page keeps working and is told once, on the console', async (t) => {
  const page = await Session.open(launcher(), { before: `globalThis[${JSON.stringify(KEY_GLOBAL)}] = 'k';` });
  try {
    await page.run(`SentryElectronRenderer.captureMessage('nowhere to go'); SentryElectronRenderer.captureMessage('still nowhere'); 1`);
    const deadline = Date.now() + 5000;
    while (!page.renderer.log.some((l) => l.includes('cannot reach the main process')) && Date.now() < deadline) await sleep(25);
    await sleep(200);
    t.is(page.renderer.log.filter((l) => l.includes('cannot reach the main process')).length, 1, page.renderer.log.join('\n'));
    t.false(page.renderer.log.some((l) => l.startsWith('pageerror')), 'nothing thrown into the page');
    t.is(await page.run(`1 + 1`), 2);
  } finally {
    await page.close();
  }
});
