/**
 * BrowserWindow: a window around one WebContents. No pixels: what the SDK can observe is its lifecycle.
 *
 * - Only after `ready` ("Cannot create BrowserWindow before app is ready", as Electron throws).
 * - webPreferences: `preload`, `contextIsolation` (default true), `sandbox` (default true, false when
 *   `nodeIntegration` is on and sandbox is not set), `nodeIntegration` (default false), `session` or `partition`.
 * - Creation emits app `web-contents-created` then `browser-window-created`; a shown window (default) gains focus:
 *   `show`, `focus` and app `browser-window-focus` (a previously focused window blurs first).
 * - `close()` emits the preventable `close`, then destroys: web contents `destroyed`, window `closed`, and when it was
 *   the last window, the app's `window-all-closed` handling. `destroy()` skips `close`.
 * - focus/blur/show/hide/maximize/unmaximize/minimize/restore change state and emit the event of the same name.
 */
import type * as Electron from 'electron';
import { EventEmitter } from 'node:events';
import { app } from './app';
import { makeEvent } from './event';
import { isAppReady, windows } from './registry';
import { session, type FakeSession } from './session';
import { FakeWebContents, setFocusedWebContents } from './web-contents';

let nextId = 1;
const open = new Map<number, FakeBrowserWindow>();
let focusedWindow: FakeBrowserWindow | undefined;

export class FakeBrowserWindow extends EventEmitter {
  readonly id = nextId++;
  readonly webContents: FakeWebContents;
  private destroyed = false;
  private visible = false;
  private maximized = false;
  private minimized = false;
  private title: string;

  static getAllWindows(): FakeBrowserWindow[] {
    return [...open.values()];
  }
  static getFocusedWindow(): FakeBrowserWindow | null {
    return focusedWindow ?? null;
  }
  static fromId(id: number): FakeBrowserWindow | null {
    return open.get(id) ?? null;
  }
  static fromWebContents(webContents: FakeWebContents): FakeBrowserWindow | null {
    return [...open.values()].find((w) => w.webContents === webContents) ?? null;
  }

  constructor(options: Electron.BrowserWindowConstructorOptions = {}) {
    super();
    if (!isAppReady()) throw new Error('Cannot create BrowserWindow before app is ready');
    const prefs = options.webPreferences ?? {};
    const ses = (prefs.session as unknown as FakeSession | undefined) ?? (prefs.partition ? session.fromPartition(prefs.partition) : session.defaultSession);
    const nodeIntegration = prefs.nodeIntegration ?? false;
    this.webContents = new FakeWebContents(
      ses,
      {
        ...(prefs.preload ? { preload: prefs.preload } : {}),
        contextIsolation: prefs.contextIsolation ?? true,
        sandbox: prefs.sandbox ?? !nodeIntegration,
        nodeIntegration,
      },
      this,
    );
    this.title = options.title ?? app.getName();
    open.set(this.id, this);
    windows.add(this);
    app.emit('web-contents-created', makeEvent(), this.webContents);
    app.emit('browser-window-created', makeEvent(), this);
    if (options.show !== false) setImmediate(() => !this.destroyed && this.show());
  }

  loadURL(url: string, options?: Electron.LoadURLOptions): Promise<void> {
    return this.webContents.loadURL(url, options);
  }
  loadFile(filePath: string, options?: Electron.LoadFileOptions): Promise<void> {
    return this.webContents.loadFile(filePath, options);
  }

  getTitle(): string {
    return this.title;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isFocused(): boolean {
    return focusedWindow === this;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isMinimized(): boolean {
    return this.minimized;
  }

  show(): void {
    if (!this.visible) {
      this.visible = true;
      this.emit('show');
    }
    this.focus();
  }
  hide(): void {
    if (!this.visible) return;
    this.visible = false;
    this.emit('hide');
    this.blur();
  }
  focus(): void {
    if (focusedWindow === this || this.destroyed) return;
    focusedWindow?.blur();
    focusedWindow = this;
    setFocusedWebContents(this.webContents);
    this.emit('focus');
    app.emit('browser-window-focus', makeEvent(), this);
  }
  blur(): void {
    if (focusedWindow !== this) return;
    focusedWindow = undefined;
    setFocusedWebContents(undefined);
    this.emit('blur');
    app.emit('browser-window-blur', makeEvent(), this);
  }
  maximize(): void {
    this.setState('maximized', true, 'maximize');
  }
  unmaximize(): void {
    this.setState('maximized', false, 'unmaximize');
  }
  minimize(): void {
    this.setState('minimized', true, 'minimize');
  }
  restore(): void {
    this.setState('minimized', false, 'restore');
  }

  close(): void {
    this.closeForQuit();
  }

  /** The preventable close, also used by the app's quit sequence: false when a listener prevented it. */
  closeForQuit(): boolean {
    if (this.destroyed) return true;
    const event = makeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    return true;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.blur();
    this.destroyed = true;
    open.delete(this.id);
    windows.delete(this);
    void this.webContents.destroy();
    this.emit('closed');
    app.windowClosed();
  }

  private setState(field: 'maximized' | 'minimized', value: boolean, event: string): void {
    if (this[field] === value) return;
    this[field] = value;
    this.emit(event);
  }
}
