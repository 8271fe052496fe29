import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BINARY_ENV, loadNative, nativeOrigin, targetName } from '../../ts/native/load';

export const REPO = join(__dirname, '..', '..');
export const PACKAGE = '@acme/sentry-electron-native';
export const TARGET = targetName();
export const PLATFORM_PACKAGE = `${PACKAGE}-${TARGET}`;

/** The addon this checkout loads (built by `npm run build`): the file every layout copies. */
export function builtBinary(): string {
  loadNative();
  return nativeOrigin()!.path;
}

/**
 * The compiled loader is what ships, so the layouts use build/; a build older than ts/native/load.ts would
 * test yesterday's loader.
 */
export function assertBuildFresh(): void {
  const built = join(REPO, 'build', 'native', 'load.js');
  if (statSync(built).mtimeMs < statSync(join(REPO, 'ts', 'native', 'load.ts')).mtimeMs) {
    throw new Error(`${built} is older than ts/native/load.ts: run \`npm run build:ts\``);
  }
}

/**
 * A scratch directory, removed by `cleanup()`. Its real path (macOS's /var is /private/var, Windows may give
 * 8.3 names), because require() reports resolved paths.
 */
export function scratch(prefix: string): { dir: string; cleanup(): void } {
  const dir = realpathSync.native(mkdtempSync(join(tmpdir(), prefix)));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A file that is not a loadable binary: dlopen fails on it the way it fails on a wrong-platform file. */
export function writeBroken(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'not a native module\n');
  return path;
}

export function copyTo(src: string, dest: string): string {
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(src, dest);
  return dest;
}

/** `<nodeModules>/@acme/sentry-electron-native` as npm installs it (build/ + package.json) plus node-gyp-build. */
export function installMainPackage(nodeModules: string, edit?: (pkg: Record<string, unknown>) => void): string {
  const dir = join(nodeModules, PACKAGE);
  cpSync(join(REPO, 'build'), join(dir, 'build'), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  edit?.(pkg);
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  cpSync(join(REPO, 'node_modules', 'node-gyp-build'), join(nodeModules, 'node-gyp-build'), { recursive: true });
  return dir;
}

/** The platform package for this machine, with `binary` as its `.node` file. */
export function installPlatformPackage(nodeModules: string, binary: (dest: string) => string): string {
  const dir = join(nodeModules, PLATFORM_PACKAGE);
  copyTo(join(REPO, 'npm', TARGET, 'package.json'), join(dir, 'package.json'));
  return binary(join(dir, `sentry-electron-native.${TARGET}.node`));
}

/** Where node-gyp-build looks for this machine's prebuild inside the package at `pkgDir`. */
export function prebuildPath(pkgDir: string): string {
  const libc = TARGET.endsWith('-musl') ? 'musl.' : TARGET.endsWith('-gnu') ? 'glibc.' : '';
  return join(pkgDir, 'prebuilds', `${process.platform}-${process.arch}`, `node.napi.${libc}node`);
}

/** An environment without inherited loader settings, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!(BINARY_ENV in extra)) delete env[BINARY_ENV];
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  return env;
}
