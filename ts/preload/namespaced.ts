/**
 * The preload half of the renderer-to-main wire, for apps that name their own IPC namespace:
 *
 *   // preload.js (bundled, or loaded as it is: this file is a self-contained bundle)
 *   const { hookupIpc } = require('@acme/sentry-electron-native/preload-namespaced');
 *   hookupIpc('my-app');
 *
 * The bridge it exposes carries only strings and bytes under the caps of `ts/common/ipc.ts`; nothing structured or
 * callable crosses, so a page cannot reach `ipcRenderer` through it. The shipped file is bundled by
 * scripts/build-bundles.mjs with `electron` as its only import, because a sandboxed preload's `require` knows
 * `electron` and a few builtins and nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  DEFAULT_NAMESPACE,
  LIMITS,
  bridgeKey,
  channelName,
  isValidNamespace,
  validateEnvelopePayload,
  type IpcBridge,
} from '../common/ipc';

export { DEFAULT_NAMESPACE };

/**
 * Marks a namespace as hooked up in this preload world. A registry symbol rather than module state, because the
 * default preload and a namespaced one are separate bundles (two module instances) that may both run in one page.
 */
const HOOKED = Symbol.for('@acme/sentry-electron-native/preload.hooked');

type HookedRegistry = { [HOOKED]?: Set<string> };

/**
 * Exposes the bridge for `namespace` in the page's main world: `window[bridgeKey(namespace)]` with `sendEnvelope`
 * and `sendScope`. With contextIsolation on it goes through `contextBridge`; with it off, onto the window itself.
 * Calling it again for the same namespace does nothing.
 */
export function hookupIpc(namespace: string = DEFAULT_NAMESPACE): void {
  if (!isValidNamespace(namespace)) {
    // Thrown, not logged: a bad namespace is a typo in the app's preload, and main would never hear from this page.
    throw new TypeError(`hookupIpc: ${JSON.stringify(namespace)} is not a valid IPC namespace (lowercase letter, then a-z 0-9 + . -)`);
  }
  const registry = globalThis as HookedRegistry;
  const hooked = (registry[HOOKED] ??= new Set<string>());
  if (hooked.has(namespace)) return;
  hooked.add(namespace);

  const key = bridgeKey(namespace);
  const bridge = makeBridge(namespace);
  if (contextIsolated()) {
    try {
      contextBridge.exposeInMainWorld(key, bridge);
      return;
    } catch (error) {
      // Electron throws when the key is already taken in the main world (a second copy of this preload, or an
      // app that hooked up by hand): that page already has a working bridge.
      if (String(error).includes('existing property')) return;
      throw error;
    }
  }
  const win = globalThis as Record<string, unknown>;
  if (win[key] !== undefined) return;
  // Not writable: with contextIsolation off the page shares this window, and a script overwriting the bridge by
  // mistake would silently cut the renderer off from main.
  Object.defineProperty(win, key, { value: Object.freeze(bridge), enumerable: false, writable: false, configurable: false });
}

function makeBridge(namespace: string): IpcBridge {
  const envelopeChannel = channelName(namespace, 'envelope');
  const scopeChannel = channelName(namespace, 'scope');
  const statusChannel = channelName(namespace, 'status');
  // The checks here only save a useless trip: main validates everything again and trusts nothing from a renderer.
  return {
    sendEnvelope(envelope: string | Uint8Array): void {
      const checked = validateEnvelopePayload(envelope);
      if (checked.ok) ipcRenderer.send(envelopeChannel, checked.value);
    },
    sendScope(json: string): void {
      if (typeof json === 'string' && json.length <= LIMITS.scopeBytes) ipcRenderer.send(scopeChannel, json);
    },
    sendStatus(json: string): void {
      if (typeof json === 'string' && json.length <= LIMITS.statusBytes) ipcRenderer.send(statusChannel, json);
    },
  };
}

/**
 * Whether this preload runs in an isolated world. `process` is a wrapper argument in a sandboxed preload, not a
 * property of `globalThis`, so it is read as a free identifier; no `process` at all means no isolation to honour.
 */
function contextIsolated(): boolean {
  try {
    return typeof process !== 'undefined' && process.contextIsolated === true;
  } catch {
    return false;
  }
}
