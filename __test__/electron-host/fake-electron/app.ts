/**
 * `app`: identity, paths, readiness and the quit sequence as Electron documents them.
 *
 * - `ready` fires after the main script's synchronous part (scheduled when this module loads), after
 *   `will-finish-launching`; `whenReady()` resolves then.
 * - `quit()`: `before-quit` is emitted synchronously and is preventable (a listener may flush, then call `quit()`
 *   again, which emits `before-quit` again); then each window gets its preventable `close` (a prevented one cancels
 *   the quit); then `will-quit` (preventable), `quit` (event, exitCode) and the process exits 0.
 * - `exit(code)`: closes windows without events and exits, no `before-quit` / `will-quit`.
 * - When the last window closes outside a quit: `window-all-closed` if anyone listens, else `quit()`.
 * - Name, version and userData come from FAKE_ELECTRON_APP_NAME / _APP_VERSION / _USER_DATA, so one test can run
 *   "the same app" twice with different releases.
 */
import type * as Electron from 'electron';
import { EventEmitter } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ENV } from '../host-env';
import { makeEvent } from './event';
import { beforeExit, isAppReady, markAppReady, processes, windows } from './registry';

export type PathName = Parameters<Electron.App['getPath']>[0];

const EXIT_WORK_MS = 5000;

export class FakeApp extends EventEmitter {
  readonly isPackaged = process.env[ENV.packaged] === '1';
  private appName = process.env[ENV.appName] || 'Electron';
  private appVersion = process.env[ENV.appVersion] || '0.0.0';
  private readonly overrides = new Map<string, string>();
  private quitting = false;
  private readonly ready: Promise<void>;
  private resolveReady!: () => void;

  constructor() {
    super();
    this.ready = new Promise((ok) => (this.resolveReady = ok));
    const userData = process.env[ENV.userData];
    if (userData) this.overrides.set('userData', resolve(userData));
  }

  get name(): string {
    return this.appName;
  }
  set name(name: string) {
    this.appName = name;
  }
  getName(): string {
    return this.appName;
  }
  setName(name: string): void {
    this.appName = name;
  }
  getVersion(): string {
    return this.appVersion;
  }
  getLocale(): string {
    return 'en-US';
  }
  getLocaleCountryCode(): string {
    return 'US';
  }

  /** The app's folder: where its main script is (Electron: the folder holding package.json and main). */
  getAppPath(): string {
    return dirname(resolve(process.argv[1] ?? '.'));
  }

  getPath(name: PathName): string {
    const set = this.overrides.get(name);
    if (set) return set;
    const home = homedir();
    const appData = process.env.XDG_CONFIG_HOME || join(home, '.config');
    switch (name) {
      case 'home': return home;
      case 'appData': return appData;
      case 'userData': return join(appData, this.appName);
      // Derived when asked, so they follow a later setPath('userData'), as Chromium's path provider does.
      case 'sessionData': return this.getPath('userData');
      case 'logs': return join(this.getPath('userData'), 'logs');
      case 'crashDumps': return join(this.getPath('userData'), 'Crashpad');
      case 'temp': return tmpdir();
      case 'exe': case 'module': return process.execPath;
      case 'assets': return dirname(process.execPath);
      case 'desktop': return join(home, 'Desktop');
      case 'documents': return join(home, 'Documents');
      case 'downloads': return join(home, 'Downloads');
      case 'music': return join(home, 'Music');
      case 'pictures': return join(home, 'Pictures');
      case 'videos': return join(home, 'Videos');
      default: throw new Error(`Failed to get '${name}' path`); // 'recent' is Windows-only
    }
  }

  setPath(name: string, path: string): void {
    if (!isAbsolute(path)) throw new Error('Path must be absolute');
    if (!KNOWN_PATHS.has(name)) throw new Error('Failed to set path');
    if (!existsSync(path) || !statSync(path).isDirectory()) throw new Error(`Failed to set path: ${path} is not a directory`);
    this.overrides.set(name, path);
  }

  isReady(): boolean {
    return isAppReady();
  }
  whenReady(): Promise<void> {
    return this.ready;
  }

  getAppMetrics(): Electron.ProcessMetric[] {
    const self = { pid: process.pid, type: 'Browser' as const, creationTime: Date.now() - process.uptime() * 1000 };
    return [self, ...processes.values()].map((p) => ({
      ...p,
      cpu: { percentCPUUsage: 0, cumulativeCPUUsage: 0, idleWakeupsPerSecond: 0 },
      memory: { workingSetSize: 0, peakWorkingSetSize: 0 },
      sandboxed: p.type === 'Tab',
    }));
  }

  quit(): void {
    if (this.quitting) return;
    const event = makeEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    this.quitting = true;
    // Windows close after the current task, as Chromium posts their closing.
    setImmediate(() => this.closeWindowsThenQuit());
  }

  exit(exitCode = 0): void {
    for (const w of [...windows]) w.destroy();
    void this.terminate(exitCode);
  }

  /** Called by the fake main module after the main script's synchronous part. */
  markReady(): void {
    if (isAppReady()) return;
    this.emit('will-finish-launching');
    markAppReady();
    this.emit('ready', makeEvent(), {});
    this.resolveReady();
  }

  /** Called by a window when it closed: the last one ends the app unless someone listens. */
  windowClosed(): void {
    if (this.quitting || windows.size > 0) return;
    if (this.listenerCount('window-all-closed') > 0) this.emit('window-all-closed');
    else this.quit();
  }

  private closeWindowsThenQuit(): void {
    for (const w of [...windows]) {
      if (!w.closeForQuit()) {
        this.quitting = false;
        return;
      }
    }
    const willQuit = makeEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) {
      this.quitting = false;
      return;
    }
    this.emit('quit', makeEvent(), 0);
    void this.terminate(0);
  }

  private async terminate(code: number): Promise<void> {
    const bounded = (work: Promise<void> | void) =>
      Promise.race([Promise.resolve(work).catch(() => undefined), new Promise((ok) => setTimeout(ok, EXIT_WORK_MS).unref())]);
    await Promise.all(beforeExit.map((fn) => bounded(fn())));
    // What the app sent its parent (a test) must arrive before the exit: the channel is ordered, so once this
    // last message is written, so are the others.
    if (process.send && process.connected) await bounded(new Promise<void>((ok) => process.send!({ fakeElectron: 'exiting' }, () => ok())));
    process.exit(code);
  }
}

const KNOWN_PATHS = new Set<string>(['home', 'appData', 'assets', 'userData', 'sessionData', 'temp', 'exe', 'module', 'desktop', 'documents', 'downloads', 'music', 'pictures', 'videos', 'recent', 'logs', 'crashDumps']);

export const app = new FakeApp();
