/**
 * The script the Chromium launcher (./chromium.ts) runs in every page before the page's own scripts: it plays
 * Electron's part inside the renderer. It builds a fake renderer-side `electron` module, runs the window's
 * preloads with a `require` that knows only that module (a sandboxed preload's view), and routes `fetch` to the
 * privileged schemes main registered to the launcher, because Chromium itself refuses schemes it does not know.
 *
 * Plain JavaScript in a string, not a function passed to Playwright: tsx compiles the test files with helpers
 * (`__name`) that do not exist in the page.
 *
 * What it cannot fake: a real isolated world. With contextIsolation on, preloads run in the page's world, but
 * `require`, `process` and `ipcRenderer` stay inside a closure and the two bindings to the launcher are removed
 * from `window`, so the page sees only what a preload exposes through `contextBridge`.
 */

export interface PageConfig {
  contextIsolation: boolean;
  sandbox: boolean;
  electronVersion: string;
  /** Schemes routed to the launcher (lowercase, without the colon). */
  privilegedSchemes: string[];
  /** Names of the Playwright bindings for IPC, invoke and protocol requests (removed from `window` before any preload runs). */
  ipcBinding: string;
  invokeBinding: string;
  protocolBinding: string;
}

export interface PreloadSource {
  path: string;
  source: string;
}

/** The symbol under which the page keeps its dispatcher for messages from main (`webContents.send`). */
export const DISPATCH_SYMBOL = 'fake-electron.dispatch';

/** The IPC channel on which the page reports a preload that threw (no real channel can start with NUL). */
export const PRELOAD_ERROR_CHANNEL = '\u0000fake-electron:preload-error';

export function pageInitScript(config: PageConfig, preloads: PreloadSource[]): string {
  const wrapped = preloads.map(
    (p) =>
      `{ path: ${JSON.stringify(p.path)}, run: function (require, process, Buffer, global, exports, module, setImmediate, clearImmediate) {\n${p.source}\n} }`,
  );
  return `(() => {
  // Electron runs preloads in the main frame only (nodeIntegrationInSubFrames is off by default).
  if (window !== window.top) return;
  // The tab's initial empty document is no page load in Electron: no preloads there.
  if (location.href === 'about:blank') return;
  const config = ${JSON.stringify(config)};
  const ipcBinding = window[config.ipcBinding];
  const protocolBinding = window[config.protocolBinding];
  const invokeBinding = window[config.invokeBinding];
  delete window[config.ipcBinding];
  delete window[config.protocolBinding];
  delete window[config.invokeBinding];
  if (typeof ipcBinding !== 'function') return;

  const listeners = new Map();
  const ipcRenderer = {
    send(channel, ...args) { ipcBinding(String(channel), args); },
    on(channel, listener) { if (!listeners.has(channel)) listeners.set(channel, new Set()); listeners.get(channel).add(listener); return ipcRenderer; },
    once(channel, listener) { const once = (...a) => { ipcRenderer.removeListener(channel, once); listener(...a); }; return ipcRenderer.on(channel, once); },
    removeListener(channel, listener) { listeners.get(channel)?.delete(listener); return ipcRenderer; },
    removeAllListeners(channel) { if (channel === undefined) listeners.clear(); else listeners.delete(channel); return ipcRenderer; },
    async invoke(channel, ...args) {
      const answer = await invokeBinding(String(channel), args);
      if (!answer.ok) throw new Error("Error invoking remote method '" + channel + "': " + answer.message);
      return answer.value;
    },
    sendSync() { throw new Error('fake electron: ipcRenderer.sendSync is not supported in Chromium mode'); },
  };
  Object.defineProperty(window, Symbol.for(${JSON.stringify(DISPATCH_SYMBOL)}), {
    value: (channel, args) => { for (const l of [...(listeners.get(channel) ?? [])]) l({ sender: ipcRenderer, senderId: 0 }, ...args); },
  });

  // Electron copies what crosses the bridge: functions become callables into the isolated world, data is cloned.
  const copyAcross = (value) => {
    if (typeof value === 'function') return (...args) => value(...args);
    if (value === null || typeof value !== 'object') return value;
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return structuredClone(value);
    const out = Array.isArray(value) ? [] : {};
    for (const [k, v] of Object.entries(value)) out[k] = copyAcross(v);
    return Object.freeze(out);
  };
  const contextBridge = {
    exposeInMainWorld(key, api) {
      if (!config.contextIsolation) throw new Error('contextBridge API can only be used when contextIsolation is enabled');
      if (key in window) throw new Error('Cannot bind an API on top of an existing property on the window object');
      Object.defineProperty(window, key, { value: copyAcross(api), enumerable: true });
    },
  };
  const electron = Object.freeze({ ipcRenderer, contextBridge });
  const chrome = /Chrome\\/([0-9.]+)/.exec(navigator.userAgent);
  const fakeProcess = {
    type: 'renderer', platform: 'linux', contextIsolated: config.contextIsolation, sandboxed: config.sandbox,
    versions: { electron: config.electronVersion, chrome: chrome ? chrome[1] : '' }, env: {}, argv: [],
    on() { return fakeProcess; }, once() { return fakeProcess; },
  };
  const require = (name) => {
    if (name === 'electron') return electron;
    throw new Error("Cannot find module '" + name + "' (fake Electron: a preload in Chromium mode can require only 'electron')");
  };
  const later = (fn, ...args) => setTimeout(fn, 0, ...args);
  for (const preload of [${wrapped.join(',\n')}]) {
    const module = { exports: {} };
    try {
      preload.run(require, fakeProcess, undefined, window, module.exports, module, later, clearTimeout);
    } catch (error) {
      // What Electron does with a throwing preload: report it on the console and load the page anyway.
      console.error('Unable to load preload script: ' + preload.path + '\\n' + (error && error.stack || error));
      ipcBinding(${JSON.stringify(PRELOAD_ERROR_CHANNEL)}, [preload.path, String(error && error.message || error), String(error && error.stack || '')]);
    }
  }

  if (config.privilegedSchemes.length === 0 || typeof protocolBinding !== 'function') return;
  const nativeFetch = window.fetch;
  const toBytes = async (input, init) => {
    const body = init && 'body' in init ? init.body : undefined;
    if (body === undefined && input instanceof Request) return new Uint8Array(await input.arrayBuffer());
    if (body == null) return null;
    if (typeof body === 'string') return new TextEncoder().encode(body);
    if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0));
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength).slice();
    if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
    return new TextEncoder().encode(String(body));
  };
  const fromBase64 = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  window.fetch = function fetch(input, init) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input && input.url;
    const scheme = typeof url === 'string' ? url.slice(0, Math.max(0, url.indexOf(':'))).toLowerCase() : '';
    if (!config.privilegedSchemes.includes(scheme)) return nativeFetch.apply(this, arguments);
    return (async () => {
      const method = String((init && init.method) || (input instanceof Request ? input.method : 'GET')).toUpperCase();
      const headers = Object.fromEntries(new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined)));
      const body = await toBytes(input, init);
      let answer;
      try {
        answer = await protocolBinding({ url, method, headers, body });
      } catch (error) {
        throw new TypeError('Failed to fetch');
      }
      if (!answer || answer.error) throw new TypeError('Failed to fetch');
      const noBody = answer.status === 204 || answer.status === 304 || method === 'HEAD';
      return new Response(noBody ? null : fromBase64(answer.body), { status: answer.status, headers: answer.headers });
    })();
  };
})();`;
}
