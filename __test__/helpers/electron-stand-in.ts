/**
 * A small stand-in for Electron's main module, for specs that run integrations in the test process: `app`, windows,
 * web contents, sessions, powerMonitor, autoUpdater and dialog as EventEmitters and plain objects. Importing this
 * file puts it in `require.cache` under the real package's path, so import it before anything that requires
 * 'electron' (ts/main/electron.ts keeps the first module it gets; `freshElectron()` refills that same object).
 */
import { EventEmitter } from 'node:events';
import Module from 'node:module';
import { tmpdir } from 'node:os';

const E: Record<string, unknown> = {};
const electronId = require.resolve('electron');
const fakeModule = new Module(electronId);
fakeModule.exports = E;
fakeModule.loaded = true;
require.cache[electronId] = fakeModule;

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  pid = 40_000 + this.id;
  url = 'https://app.example/private/path?token=secret';
  getOSProcessId(): number {
    return this.pid;
  }
  getURL(): string {
    return this.url;
  }
  getType(): string {
    return 'window';
  }
}

export class FakeWindow extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWindow.nextId++;
  readonly webContents = new FakeWebContents();
}

export class FakeSession {
  scripts: Array<{ id: string; filePath: string; type: string }> = [];
  registerPreloadScript(s: { id: string; filePath: string; type: string }): string {
    if (this.scripts.some((x) => x.id === s.id)) throw new Error(`existing ID '${s.id}'`);
    this.scripts.push(s);
    return s.id;
  }
  getPreloadScripts() {
    return [...this.scripts];
  }
}

/** A fresh Electron stand-in; `ready()` plays the `ready` event. */
export function freshElectron(userData: string) {
  const app = Object.assign(new EventEmitter(), {
    isReadyFlag: false,
    getName: () => 'StandIn',
    getVersion: () => '1.2.3',
    getLocale: () => 'de-DE',
    isPackaged: false,
    getPath: (name: string) => (name === 'userData' ? userData : tmpdir()),
    isReady(): boolean {
      return app.isReadyFlag;
    },
    whenReady: () => readyPromise,
    quit: () => undefined,
  });
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((r) => (resolveReady = r));
  const defaultSession = new FakeSession();
  const electron = {
    app,
    BrowserWindow: { getAllWindows: () => [] },
    webContents: { getAllWebContents: () => [] },
    powerMonitor: new EventEmitter(),
    autoUpdater: new EventEmitter(),
    dialog: { shown: [] as string[][], showErrorBox(t: string, c: string) { this.shown.push([t, c]); } },
    session: { defaultSession, fromPartition: () => new FakeSession() },
  };
  const ready = async () => {
    app.isReadyFlag = true;
    app.emit('will-finish-launching');
    app.emit('ready', { preventDefault() {}, defaultPrevented: false }, {});
    resolveReady();
    await new Promise((r) => setImmediate(r));
  };
  for (const k of Object.keys(E)) delete E[k];
  Object.assign(E, electron);
  return { ...electron, ready };
}
