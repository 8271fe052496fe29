/**
 * A Node-mode renderer process: the first code it runs (started by ./launcher.ts with the host's hook in the
 * renderer role). On `init`: connects to the crash handler when main started one (before any page code, so a
 * crash in a preload is dumped), builds the page's main world and, with contextIsolation, the preloads' isolated
 * world, runs the preloads, loads the document and runs its scripts, then reports `loaded` (or `load-failed`).
 *
 * Uncaught errors and unhandled rejections of either world are dispatched to that world's window, as a browser
 * does; the process never dies of them. It dies of a native crash (`process.crash()`), a kill, or main going away.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ENV } from '../host-env';
import { connectChild } from '../fake-electron/native-crash';
import { installRendererRuntime, ipcRenderer } from '../fake-electron/renderer';
import type { RendererSpec } from '../renderer-host';
import { loadDocument, LoadError, makePageFetch, type ViaMain } from './network';
import { dispatchUnhandledRejection } from './page-events';
import { createWorld, type World } from './page-globals';
import { hostError, runPreloads, sandboxedProcess } from './preloads';
import { copyValue, deepFreeze, hostRealm } from './realm';
import type { FromRenderer, ToRenderer } from './wire';

const host = hostRealm();
let main: World | undefined;
let isolated: World | undefined;
let nextRequest = 1;
const requests = new Map<number, { ok: (v: unknown) => void; fail: (e: unknown) => void }>();
// Messages from main that arrive before the preloads ran wait for them (their listeners), as a frame's IPC does.
let early: Array<[string, unknown[]]> | undefined = [];

function post(m: FromRenderer): void {
  if (process.connected) process.send!(m);
}

function request(m: { t: 'invoke'; channel: string; args: unknown[] } | { t: 'protocol'; request: Parameters<ViaMain>[0] }): Promise<unknown> {
  const id = nextRequest++;
  return new Promise((ok, fail) => {
    requests.set(id, { ok, fail });
    post({ ...m, id });
  });
}

process.on('message', (m: ToRenderer) => {
  switch (m.t) {
    case 'init': return void boot(m.spec);
    case 'ipc': return early ? void early.push([m.channel, m.args]) : ipcRenderer.deliver(m.channel, m.args);
    case 'exec': return void execute(m.id, m.code);
    case 'reply': {
      const pending = requests.get(m.id);
      requests.delete(m.id);
      return m.ok ? pending?.ok(m.value) : pending?.fail(m.error);
    }
    case 'close': return process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

// A browser reports what page code leaves uncaught and carries on; so does this process, once the page exists.
process.on('uncaughtException', (error) => {
  if (!main) {
    process.stderr.write(`fake renderer failed before its page existed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(70);
  }
  const world = isolated && isolated !== main && error instanceof isolated.realm.classes.Error ? isolated : main;
  world.reportError(error);
});
process.on('unhandledRejection', (reason, promise) => {
  if (!main) return;
  const world = isolated && isolated !== main && promise instanceof isolated.realm.classes.Promise ? isolated : main;
  dispatchUnhandledRejection(world, reason, promise);
});

async function boot(spec: RendererSpec): Promise<void> {
  if (spec.crashpad) {
    try {
      connectChild(spec.crashpad.connection);
    } catch (e) {
      process.stderr.write(`fake renderer: cannot become a Crashpad client: ${String(e)}\n`);
    }
  }
  const viaMain: ViaMain = (req) => request({ t: 'protocol', request: req }) as ReturnType<ViaMain>;
  const log = process.env[ENV.log] === '1';
  const worldFor = (name: string, extraGlobals: Record<string, unknown>): World => {
    const world: World = createWorld({
      name,
      url: spec.url,
      fetch: (input, init) => pageFetch(input, init),
      console: (level, message, where) => {
        post({ t: 'console', message: { level, message, ...where } });
        if (log) process.stderr.write(`[renderer ${spec.webContentsId} ${level}] ${message}\n`);
      },
      extraGlobals,
    });
    const pageFetch = makePageFetch({ baseUrl: spec.url, schemes: spec.privilegedSchemes, viaMain, makeTypeError: (msg) => new world.realm.classes.TypeError(msg) });
    return world;
  };
  const page = worldFor('main world', spec.nodeIntegration && !spec.contextIsolation ? nodeGlobals(spec.url) : {});
  const preloadWorld = spec.contextIsolation ? worldFor('isolated world', {}) : page;
  main = page;
  isolated = preloadWorld;
  installRendererRuntime({
    send: (channel, args) => post({ t: 'ipc', channel, args }),
    invoke: (channel, args) => request({ t: 'invoke', channel, args }),
    exposeInMainWorld: (key, api) => {
      const fail = (message: string) => new preloadWorld.realm.classes.Error(message);
      if (!spec.contextIsolation) throw fail('contextBridge API can only be used when contextIsolation is enabled');
      if (key in page.window) throw fail('Cannot bind an API on top of an existing property on the window object');
      const copy = copyValue(api, preloadWorld.realm, page.realm);
      deepFreeze(copy);
      const define = page.realm.run('(k, v) => Object.defineProperty(globalThis, k, { value: v, enumerable: true })', 'contextBridge') as (k: string, v: unknown) => void;
      define(key, copy);
    },
    executeInMainWorld: async (code) => copyValue(await page.realm.run(code, 'executeJavaScript'), page.realm, preloadWorld.realm),
    intoPreloadWorld: <T>(value: T) => copyValue(value, host, preloadWorld.realm) as T,
  });
  runPreloads(spec.preloads, {
    world: preloadWorld,
    sandbox: spec.sandbox,
    sandboxProcess: sandboxedProcess(spec.contextIsolation),
    onError: (path, error) => post({ t: 'preload-error', path, message: error.message, ...(error.stack ? { stack: error.stack } : {}) }),
  });
  for (const [channel, args] of early ?? []) ipcRenderer.deliver(channel, args);
  early = undefined;
  let doc;
  try {
    doc = await loadDocument(spec.url, viaMain);
  } catch (error) {
    const e = error instanceof LoadError ? error : new LoadError(-2, 'ERR_FAILED');
    return post({ t: 'load-failed', errorCode: e.errorCode, description: e.message });
  }
  page.document.title = doc.title;
  for (const script of doc.scripts) {
    try {
      page.realm.run(script.source, script.url);
    } catch (error) {
      page.reportError(error);
    }
  }
  page.document.readyState = 'interactive';
  page.document.dispatchEvent(new Event('DOMContentLoaded'));
  page.document.readyState = 'complete';
  page.events.dispatchEvent(new Event('load'));
  post({ t: 'loaded', title: doc.title });
}

/** `webContents.executeJavaScript`: a script in the main world; its completion value, awaited when a promise. */
async function execute(id: number, code: string): Promise<void> {
  try {
    if (!main) throw new Error('the page is not loaded');
    const value = await main.realm.run(code, 'executeJavaScript');
    try {
      post({ t: 'exec-result', id, ok: true, value });
    } catch {
      post({ t: 'exec-result', id, ok: false, error: 'An object could not be cloned.' });
    }
  } catch (error) {
    const e = hostError(error);
    post({ t: 'exec-result', id, ok: false, error: `${e.name}: ${e.message}` });
  }
}

/** A page with nodeIntegration (and no context isolation) gets Node's module system and process. */
function nodeGlobals(url: string): Record<string, unknown> {
  const filename = url.startsWith('file:') ? fileURLToPath(url) : `${process.cwd()}/index.html`;
  return { require: createRequire(filename), process, Buffer, setImmediate, clearImmediate };
}
