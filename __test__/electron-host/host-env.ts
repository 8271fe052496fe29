/**
 * What every process of the fake Electron host reads from its environment, in one place: the role, the Electron
 * version played, the app's identity, and how to start another process of the host (renderer, utility) with the
 * same resolver hook. Set by launchApp (./launch.ts) for main, by main for the processes it starts.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The variables; tests may set any of them through `launchApp({ env })`. */
export const ENV = {
  /** `main` | `renderer` | `utility`: which fake `electron` module ./hook.cjs serves. */
  role: 'FAKE_ELECTRON_ROLE',
  /** The Electron version played, e.g. `34.1.0` (decides which APIs exist). Default: the installed package's. */
  version: 'FAKE_ELECTRON_VERSION',
  /** `app.getName()`, `app.getVersion()`, `app.getPath('userData')`. */
  appName: 'FAKE_ELECTRON_APP_NAME',
  appVersion: 'FAKE_ELECTRON_APP_VERSION',
  userData: 'FAKE_ELECTRON_USER_DATA',
  /** `app.isPackaged` when `1`. */
  packaged: 'FAKE_ELECTRON_PACKAGED',
  /** `node` (default) or `chromium`: how renderers are played. */
  renderer: 'FAKE_ELECTRON_RENDERER',
  /** Milliseconds without an answer before a window is `unresponsive` (Chromium: 15 s). */
  hangMs: 'FAKE_ELECTRON_HANG_MS',
  /** `1`: renderers' console output also goes to stderr. */
  log: 'FAKE_ELECTRON_LOG',
} as const;

export const HOST_DIR = __dirname;
export const HOOK_PATH = join(__dirname, 'hook.cjs');

/** The Electron version this process plays (set by the hook before any app code). */
export function electronVersion(): string {
  return process.versions.electron ?? '0.0.0';
}

/** The major of the Electron version played. */
export function electronMajor(): number {
  return Number.parseInt(electronVersion(), 10) || 0;
}

/** Node flags that make a child process a process of this host: the resolver hook, then tsx. */
export function hostExecArgv(): string[] {
  return ['--require', HOOK_PATH, '--import', pathToFileURL(require.resolve('tsx')).href];
}

/** The environment of a child process of the given role, inheriting this one's. */
export function childEnv(role: 'main' | 'renderer' | 'utility', extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, [ENV.role]: role, [ENV.version]: process.env[ENV.version] ?? electronVersion() };
}

export function envNumber(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
