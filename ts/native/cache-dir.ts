import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

/** Where this package keeps its data inside the user's cache folder. */
const SUBDIR = ['sentry-electron-native', 'symbols'];

/**
 * The default on-disk symbol cache: the user's cache folder (Linux `$XDG_CACHE_HOME` or `~/.cache`, macOS
 * `~/Library/Caches`, Windows `%LOCALAPPDATA%`) + `sentry-electron-native/symbols`. The arguments exist for
 * tests; callers pass none.
 */
export function defaultSymbolCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    // LOCALAPPDATA, not APPDATA: a cache must not roam with the user's profile.
    const local = env.LOCALAPPDATA && win32.isAbsolute(env.LOCALAPPDATA) ? env.LOCALAPPDATA : win32.join(home, 'AppData', 'Local');
    return win32.join(local, ...SUBDIR);
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Caches', ...SUBDIR);
  // The XDG spec says a relative $XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME && posix.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : posix.join(home, '.cache');
  return posix.join(xdg, ...SUBDIR);
}
