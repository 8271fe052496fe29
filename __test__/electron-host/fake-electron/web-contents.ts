/**
 * WebContents: one page, played by one renderer process per load (./renderer-host.ts picks the mode).
 *
 * - `loadURL` / `loadFile` (relative to the app's path) start a new renderer process and resolve at
 *   `did-finish-load`, or reject with Electron's error (`ERR_FILE_NOT_FOUND (-6) loading '…'`) after `did-fail-load`.
 *   Events, in Electron's order: did-start-loading, did-navigate, dom-ready, did-finish-load, did-stop-loading.
 *   Every navigation gets a fresh process (Chromium may reuse one for the same site).
 * - `getOSProcessId()` is the renderer's pid while it lives and 0 once it is gone, as in Electron, so whoever needs
 *   it must record it while alive; `getProcessId()` is Chromium's internal id of that process.
 * - When the process dies without being closed: `render-process-gone` (event, details) here, then on `app`
 *   (event, webContents, details), reason and exitCode as Chromium derives them; `reload()` then starts a new one.
 * - `executeJavaScript` runs in the page's main world after the load, resolving with the (cloned) value; a script
 *   that throws rejects with Electron's generic message, the page's error as `cause`.
 * - `send` reaches the renderer's `ipcRenderer.on` listeners; arguments that cannot be cloned throw at once.
 * - `unresponsive` / `responsive` (here and on the window): the page is probed every second while someone listens;
 *   no answer within FAKE_ELECTRON_HANG_MS (default 15000, Chromium's delay) is unresponsive.
 */
import type * as Electron from 'electron';
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENV, electronVersion, envNumber } from '../host-env';
import { rendererLauncher, type ConsoleMessage, type RendererChannel, type RendererSpec } from '../renderer-host';
import { app } from './app';
import { crashReporter } from './crash-reporter';
import { goneDetails, makeEvent } from './event';
import { ipcMain } from './ipc-main';
import { fetchableSchemes } from './protocol';
import { processes } from './registry';
import type { FakeSession } from './session';
import { FakeWebFrameMain } from './web-frame-main';

export interface WebPreferences {
  preload?: string;
  contextIsolation: boolean;
  sandbox: boolean;
  nodeIntegration: boolean;
}

const CONSOLE_LEVELS: Record<ConsoleMessage['level'], number> = { debug: 0, info: 1, warning: 2, error: 3 };
const EXEC_FAILED = 'Script failed to execute, this normally means an error was thrown. Check the renderer console for the error.';

let nextId = 1;
// Chromium's RenderProcessHost ids; the low ones go to the browser's own hosts.
let nextRendererProcessId = 4;
const all = new Map<number, FakeWebContents>();

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame: FakeWebFrameMain = new FakeWebFrameMain(this);
  private url = '';
  private title = '';
  private channel: RendererChannel | undefined;
  private osPid = 0;
  private processId = 0;
  private destroyed = false;
  private crashed = false;
  private loading: Promise<void> = Promise.resolve();
  private hung = false;
  private pendingLoads = 0;
  private readonly probe: NodeJS.Timeout;

  /** `owner` is the window: it re-emits `unresponsive` / `responsive`, and `close()` closes it. */
  constructor(readonly session: FakeSession, private readonly prefs: WebPreferences, private readonly owner?: EventEmitter & { close(): void }) {
    super();
    all.set(this.id, this);
    this.probe = setInterval(() => this.probeResponsiveness(), 1000).unref();
  }

  getURL(): string {
    return this.url;
  }
  getTitle(): string {
    return this.title || this.url;
  }
  getOSProcessId(): number {
    return this.osPid;
  }
  getProcessId(): number {
    return this.processId;
  }
  getType(): 'window' {
    return 'window';
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isCrashed(): boolean {
    return this.crashed;
  }
  isLoading(): boolean {
    return this.pendingLoads > 0;
  }

  loadFile(filePath: string, options?: Electron.LoadFileOptions): Promise<void> {
    const url = pathToFileURL(resolve(app.getAppPath(), filePath));
    if (options?.search) url.search = options.search;
    else if (options?.query) url.search = new URLSearchParams(options.query).toString();
    if (options?.hash) url.hash = options.hash;
    return this.loadURL(url.href);
  }

  loadURL(url: string, _options?: Electron.LoadURLOptions): Promise<void> {
    if (this.destroyed) return Promise.reject(new Error('Object has been destroyed'));
    this.pendingLoads += 1;
    const load = this.navigate(url).finally(() => (this.pendingLoads -= 1));
    this.loading = load.catch(() => undefined);
    return load;
  }

  reload(): void {
    if (this.url) this.loadURL(this.url).catch(() => undefined);
  }

  async executeJavaScript(code: string, _userGesture?: boolean): Promise<any> {
    await this.loading;
    if (!this.channel) throw new Error(EXEC_FAILED);
    try {
      return await this.channel.executeJavaScript(code);
    } catch (error) {
      throw new Error(EXEC_FAILED, { cause: error });
    }
  }

  send(channel: string, ...args: any[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    try {
      structuredClone(args);
    } catch {
      throw new Error('Failed to serialize arguments');
    }
    void this.channel?.send(channel, args);
  }

  close(): void {
    if (this.owner) this.owner.close();
    else void this.destroy();
  }

  /** Ends the renderer and the web contents, emitting `destroyed` (called by the window; not an Electron API). */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.probe);
    all.delete(this.id);
    const closing = this.stopRenderer();
    this.emit('destroyed');
    await closing;
  }

  private async navigate(url: string): Promise<void> {
    await this.stopRenderer();
    this.url = url;
    this.title = '';
    this.crashed = false;
    this.emit('did-start-loading');
    const spec = await this.spec(url);
    let channel: RendererChannel;
    try {
      channel = await (await rendererLauncher()).launch(spec);
    } catch (error) {
      return this.failLoad(url, { errorCode: -2, message: 'ERR_FAILED', cause: error });
    }
    if (this.destroyed) {
      await channel.close();
      return this.failLoad(url, { errorCode: -3, message: 'ERR_ABORTED' });
    }
    this.attach(channel);
    this.emit('did-navigate', makeEvent(), url, /^https?:/.test(url) ? 200 : -1, /^https?:/.test(url) ? 'OK' : '');
    let title: string;
    try {
      title = (await (channel.loaded ?? Promise.resolve({ title: '' }))).title;
    } catch (error) {
      const e = error as { errorCode?: number; message?: string };
      return this.failLoad(url, { errorCode: e.errorCode ?? -2, message: e.message ?? 'ERR_FAILED', cause: error });
    }
    if (this.channel !== channel) return this.failLoad(url, { errorCode: -3, message: 'ERR_ABORTED' });
    this.title = title;
    this.emit('dom-ready');
    this.emit('did-finish-load');
    this.emit('did-stop-loading');
    this.owner?.emit('ready-to-show');
  }

  private failLoad(url: string, failure: { errorCode: number; message: string; cause?: unknown }): never {
    this.emit('did-fail-load', makeEvent(), failure.errorCode, failure.message, url, true, this.processId, 1);
    this.emit('did-stop-loading');
    const error = Object.assign(new Error(`${failure.message} (${failure.errorCode}) loading '${url}'`, { cause: failure.cause }), {
      errno: failure.errorCode,
      code: failure.message,
      url,
    });
    throw error;
  }

  private async spec(url: string): Promise<RendererSpec> {
    const handler = crashReporter.started();
    const connection = crashReporter.childConnection('renderer');
    const preloads = [...this.session.framePreloadsFor(url), ...(this.prefs.preload ? [this.prefs.preload] : [])];
    return {
      webContentsId: this.id,
      url,
      preloads,
      contextIsolation: this.prefs.contextIsolation,
      sandbox: this.prefs.sandbox,
      nodeIntegration: this.prefs.nodeIntegration,
      privilegedSchemes: fetchableSchemes(),
      electronVersion: electronVersion(),
      ...(handler && connection ? { crashpad: { fd: handler.fd, connection } } : {}),
    };
  }

  private attach(channel: RendererChannel): void {
    this.channel = channel;
    this.osPid = channel.pid;
    this.processId = nextRendererProcessId++;
    if (channel.pid > 0) processes.set(channel.pid, { pid: channel.pid, type: 'Tab', creationTime: Date.now() });
    channel.onIpc((name, args) => ipcMain.dispatch(this, name, args));
    channel.onInvoke?.((name, args) => ipcMain.invoke(this, name, args));
    channel.onProtocolRequest((req) => this.session.protocol.serve(req));
    channel.onConsole?.((m) => this.emitConsole(m));
    channel.onPreloadError?.((path, error) => this.emit('preload-error', makeEvent(), path, error));
    channel.onExit((exit) => this.rendererGone(channel, exit));
  }

  private rendererGone(channel: RendererChannel, exit: { code: number | null; signal: string | null }): void {
    processes.delete(channel.pid);
    if (this.channel !== channel) return; // closed on purpose, or replaced by a navigation
    this.channel = undefined;
    this.osPid = 0;
    const details: Electron.RenderProcessGoneDetails = goneDetails(exit.code, exit.signal);
    this.crashed = details.reason !== 'clean-exit';
    const event = makeEvent();
    this.emit('render-process-gone', event, details);
    app.emit('render-process-gone', event, this, details);
  }

  private async stopRenderer(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    this.osPid = 0;
    if (channel) await channel.close().catch(() => undefined);
  }

  private emitConsole(m: ConsoleMessage): void {
    const params: Electron.WebContentsConsoleMessageEventParams = { ...m, frame: this.mainFrame as unknown as Electron.WebFrameMain };
    this.emit('console-message', makeEvent(params), CONSOLE_LEVELS[m.level], m.message, m.lineNumber, m.sourceId);
  }

  /** One probe in flight at a time, only while someone listens for `unresponsive`. */
  private probing = false;
  private probeResponsiveness(): void {
    const listening = this.listenerCount('unresponsive') + (this.owner?.listenerCount('unresponsive') ?? 0) > 0;
    const channel = this.channel;
    if (this.probing || !channel || !listening) return;
    this.probing = true;
    const timer = setTimeout(() => this.setHung(true), envNumber(ENV.hangMs, 15_000));
    channel
      .executeJavaScript('0')
      .then(() => this.channel === channel && this.setHung(false), () => undefined)
      .finally(() => {
        clearTimeout(timer);
        this.probing = false;
      });
  }
  private setHung(hung: boolean): void {
    if (this.hung === hung) return;
    this.hung = hung;
    const event = hung ? 'unresponsive' : 'responsive';
    this.emit(event);
    this.owner?.emit(event);
  }
}

/** The `webContents` module. */
export const webContents = {
  fromId(id: number): FakeWebContents | undefined {
    return all.get(id);
  },
  getAllWebContents(): FakeWebContents[] {
    return [...all.values()];
  },
  getFocusedWebContents(): FakeWebContents | null {
    return focused?.isDestroyed() === false ? focused : null;
  },
};

let focused: FakeWebContents | undefined;
/** Set by windows as they gain focus (not an Electron API). */
export function setFocusedWebContents(contents: FakeWebContents | undefined): void {
  focused = contents;
}
