/**
 * The fake `electron` module of a renderer process (FAKE_ELECTRON_ROLE=renderer): what a preload gets from
 * `require('electron')`. It talks to main through the runtime the renderer process installs
 * (../node-renderer/process.ts), which also carries values between the preload's world and the page's.
 *
 * - `ipcRenderer`: `send` and `invoke` to main (arguments structured-cloned; an uncloneable one throws at once, as
 *   Electron's does), `on` / `once` / `off` / `removeListener` / `removeAllListeners` for main's `webContents.send`,
 *   listeners called with an `IpcRendererEvent` (`sender` = ipcRenderer, `ports` []); a failed invoke
 *   rejects with `Error invoking remote method '<channel>': <main's error>`. `sendSync`, `sendToHost` and
 *   `postMessage` are not emulated and throw.
 * - `contextBridge.exposeInMainWorld(key, api)`: copies `api` into the page's world (see ../node-renderer/realm.ts),
 *   frozen, as a read-only global; throws when contextIsolation is off or the key exists, as Electron does.
 * - `webFrame.executeJavaScript` in the main world; `crashReporter` parameters of this process.
 */
import { EventEmitter } from 'node:events';
import { setCrashKeys } from './native-crash';

export interface RendererRuntime {
  send(channel: string, args: unknown[]): void;
  invoke(channel: string, args: unknown[]): Promise<unknown>;
  exposeInMainWorld(key: string, api: unknown): void;
  executeInMainWorld(code: string): Promise<unknown>;
  /** Moves a value made by the renderer process (IPC arguments, errors) into the preload's world. */
  intoPreloadWorld<T>(value: T): T;
}

let runtime: RendererRuntime | undefined;

export function installRendererRuntime(r: RendererRuntime): void {
  runtime = r;
}

function current(): RendererRuntime {
  if (!runtime) throw new Error('the fake renderer electron module is used outside a renderer of the fake host');
  return runtime;
}

function notEmulated(what: string): never {
  throw new Error(`${what} is not emulated by the fake Electron host`);
}

export class FakeIpcRenderer extends EventEmitter {
  send(channel: string, ...args: any[]): void {
    current().send(channel, cloned(args));
  }

  invoke(channel: string, ...args: any[]): Promise<any> {
    const r = current();
    const reply = r.invoke(channel, cloned(args)).catch((error: unknown) => {
      throw new Error(`Error invoking remote method '${channel}': ${String(error)}`);
    });
    return r.intoPreloadWorld(reply);
  }

  sendSync(_channel: string, ..._args: any[]): any {
    notEmulated('ipcRenderer.sendSync');
  }
  sendToHost(_channel: string, ..._args: any[]): void {
    notEmulated('ipcRenderer.sendToHost');
  }
  postMessage(_channel: string, _message: any, _transfer?: MessagePort[]): void {
    notEmulated('ipcRenderer.postMessage');
  }

  /** A message from main (called by the renderer process; not an Electron API). */
  deliver(channel: string, args: unknown[]): void {
    const r = current();
    // The event is made in the preload's world; its sender is ipcRenderer itself, not a copy.
    const event = r.intoPreloadWorld({ ports: [] as MessagePort[] });
    let prevented = false;
    Object.defineProperties(event, {
      sender: { value: this, enumerable: true },
      preventDefault: { value: () => void (prevented = true) },
      defaultPrevented: { get: () => prevented },
    });
    this.emit(channel, event, ...args.map((a) => r.intoPreloadWorld(a)));
  }
}

/** Electron serializes IPC arguments with the structured clone algorithm, synchronously. */
function cloned(args: unknown[]): unknown[] {
  try {
    return structuredClone(args);
  } catch {
    throw new Error('An object could not be cloned.');
  }
}

export const ipcRenderer = new FakeIpcRenderer();

export const contextBridge = {
  exposeInMainWorld(apiKey: string, api: any): void {
    current().exposeInMainWorld(apiKey, api);
  },
  exposeInIsolatedWorld(_worldId: number, _apiKey: string, _api: any): void {
    notEmulated('contextBridge.exposeInIsolatedWorld');
  },
};

export const webFrame = {
  routingId: 1,
  executeJavaScript(code: string, _userGesture?: boolean): Promise<any> {
    return current().executeInMainWorld(code);
  },
};

const parameters: Record<string, string> = {};
export const crashReporter = {
  addExtraParameter(key: string, value: string): void {
    parameters[key] = String(value);
    setCrashKeys({ [key]: String(value) });
  },
  removeExtraParameter(key: string): void {
    delete parameters[key];
    setCrashKeys({ [key]: null });
  },
  getParameters(): Record<string, string> {
    return { ...parameters };
  },
};
