/**
 * The one door to Electron's main-process API. Loaded at first use, so `@acme/sentry-electron-native/main` can be
 * imported (for types, or by a bundler) without Electron; everything that calls it runs inside `init()`.
 */
import type * as ElectronApi from 'electron';

export type Electron = typeof ElectronApi;

let cached: Electron | undefined;

/** Electron's main-process module. Throws outside Electron: callers are guarded by `init()`. */
export function electron(): Electron {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cached ??= require('electron') as Electron;
  return cached;
}

/** Electron's version as numbers, e.g. `[35, 1, 0]`; `[0, 0, 0]` when unknown. */
export function electronVersion(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = (process.versions.electron ?? '').split('.').map((n) => Number.parseInt(n, 10) || 0);
  return [a, b, c];
}
