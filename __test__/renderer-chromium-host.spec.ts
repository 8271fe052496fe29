/**
 * Chromium mode of the fake Electron host, against the launcher contract of ./electron-host/renderer-host.ts: the
 * parts main relies on beyond what the renderer SDK specs exercise (pid, documents from `file:` and from main's
 * protocol, preloads and their errors, invoke, webContents.send, exit).
 */
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RendererSpec } from './electron-host/renderer-host';
import { ChromiumLauncher } from './electron-host/chromium';
import { CHROMIUM_MISSING } from './electron-host/chromium-harness';

const chromiumTest = CHROMIUM_MISSING ? test.skip : test.serial;
if (CHROMIUM_MISSING) test.skip(`Chromium renderer mode: ${CHROMIUM_MISSING}`, () => {});

let launcher: ChromiumLauncher | undefined;
test.before(async () => {
  if (!CHROMIUM_MISSING) launcher = await ChromiumLauncher.start();
});
test.after.always(async () => {
  await launcher?.close();
});

const spec = (over: Partial<RendererSpec>): RendererSpec => ({
  webContentsId: 1,
  url: '/',
  preloads: [],
  contextIsolation: true,
  sandbox: true,
  privilegedSchemes: [],
  electronVersion: '45.4.1',
  ...over,
});

chromiumTest('a file: script page with a preload: pid of a real renderer, IPC both ways, invoke, exit', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chromium-host-'));
  writeFileSync(join(dir, 'page.js'), `document.title = 'from page.js'; window.api.hello('page');`);
  writeFileSync(
    join(dir, 'preload.js'),
    `const { contextBridge, ipcRenderer } = require('electron');
     ipcRenderer.on('ping', (_e, n) => ipcRenderer.send('pong', n + 1));
     contextBridge.exposeInMainWorld('api', {
       hello: (who) => ipcRenderer.send('hello', who, process.contextIsolated, process.sandboxed),
       ask: (q) => ipcRenderer.invoke('ask', q),
     });`,
  );
  const r = await launcher!.launch(spec({ url: pathToFileURL(join(dir, 'page.js')).href, preloads: [join(dir, 'preload.js')] }));
  const messages: Array<[string, unknown[]]> = [];
  r.onIpc((channel, args) => messages.push([channel, args]));
  r.onInvoke?.(async (channel, [q]) => `${channel}:${String(q)}`);
  try {
    t.deepEqual(await r.loaded, { title: 'from page.js' });
    t.true(r.pid > 0);
    t.regex(readFileSync(`/proc/${r.pid}/cmdline`, 'utf8'), /--type=renderer/, 'the pid is a Chromium renderer process');
    t.deepEqual(messages, [['hello', ['page', true, true]]], 'held until main listened, then delivered');
    t.is(await r.executeJavaScript(`window.api.ask('why')`), 'ask:why');
    t.deepEqual(await r.executeJavaScript(`[typeof require, typeof ipcRenderer]`), ['undefined', 'undefined']);
    await r.send('ping', [41]);
    for (let i = 0; i < 100 && messages.length < 2; i++) await new Promise((ok) => setTimeout(ok, 20));
    t.deepEqual(messages[1], ['pong', [42]]);
  } finally {
    const exited = new Promise((ok) => r.onExit(ok));
    await r.close();
    t.deepEqual(await exited, { code: 0, signal: null });
  }
});

chromiumTest('a document served by main’s protocol handler, with relative resources; a privileged fetch', async (t) => {
  const r = await launcher!.launch(spec({ url: 'app://bundle/index.html', privilegedSchemes: ['app'] }));
  const seen: string[] = [];
  r.onProtocolRequest(async (req) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === 'app://bundle/index.html') return { status: 200, headers: { 'content-type': 'text/html' }, body: '<title>app page</title><script src="main.js"></script>' };
    if (req.url === 'app://bundle/main.js') return { status: 200, body: 'window.fromMain = 1;' };
    if (req.url === 'app://api/echo') return { status: 201, body: Buffer.from(req.body).reverse() };
    return { status: 404 };
  });
  try {
    t.deepEqual(await r.loaded, { title: 'app page' });
    t.is(await r.executeJavaScript('window.fromMain'), 1);
    const echoed = await r.executeJavaScript(`fetch('app://api/echo', { method: 'POST', body: 'abc' }).then(async (res) => [res.status, await res.text()])`);
    t.deepEqual(echoed, [201, 'cba']);
    t.deepEqual(seen, ['GET app://bundle/index.html', 'GET app://bundle/main.js', 'POST app://api/echo']);
  } finally {
    await r.close();
  }
});

chromiumTest('a preload that throws is reported and the page still loads; a missing file fails the load with -6', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chromium-host-'));
  writeFileSync(join(dir, 'bad.js'), `require('fs');`);
  writeFileSync(join(dir, 'index.html'), `<title>still here</title>`);
  const r = await launcher!.launch(spec({ url: pathToFileURL(join(dir, 'index.html')).href, preloads: [join(dir, 'bad.js')] }));
  const errors: string[] = [];
  r.onPreloadError?.((path, error) => errors.push(`${path}: ${error.message}`));
  try {
    t.deepEqual(await r.loaded, { title: 'still here' });
    t.is(errors.length, 1);
    t.regex(errors[0]!, /bad\.js: Cannot find module 'fs'/);
  } finally {
    await r.close();
  }

  const missing = await launcher!.launch(spec({ url: pathToFileURL(join(dir, 'nope.html')).href }));
  try {
    const error = await t.throwsAsync(missing.loaded!);
    t.is((error as Error & { errorCode?: number }).errorCode, -6);
  } finally {
    await missing.close();
  }
});
