import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BINARY_ENV } from '../ts/native/load';
import {
  assertBuildFresh,
  builtBinary,
  cleanEnv,
  copyTo,
  installMainPackage,
  installPlatformPackage,
  PLATFORM_PACKAGE,
  prebuildPath,
  scratch,
  TARGET,
  writeBroken,
} from './helpers/package-layout';

// Each case builds an installed-package layout in a temp directory and runs the compiled loader there in a
// child process, so the search sees only that layout and the environment the case sets.
assertBuildFresh();
const BINARY = builtBinary();

const PROBE = `
const dir = process.argv[1];
const load = require(dir + '/build/native/load.js');
try { load.loadNative(); console.log(JSON.stringify({ origin: load.nativeOrigin() })); }
catch (e) { console.log(JSON.stringify({ error: e.message })); }`;

interface Outcome {
  origin?: { step: string; path: string };
  error?: string;
}

function probe(t: ExecutionContext, pkgDir: string, env: Record<string, string> = {}): Outcome {
  const opts = { encoding: 'utf8', env: cleanEnv(env), timeout: 30_000 } as const;
  const r = spawnSync(process.execPath, ['-e', PROBE, pkgDir], opts);
  t.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Outcome;
}

/** A project with the main package in `<root>/<appDir>/node_modules`; returns that package's folder. */
function layout(t: ExecutionContext, appDir = 'app') {
  const { dir, cleanup } = scratch('sen-loader-');
  t.teardown(cleanup);
  const nodeModules = join(dir, appDir, 'node_modules');
  return { dir, nodeModules, pkgDir: installMainPackage(nodeModules) };
}

test('the override comes first, before the platform package and prebuilds/', (t) => {
  const { dir, nodeModules, pkgDir } = layout(t);
  installPlatformPackage(nodeModules, (dest) => copyTo(BINARY, dest));
  copyTo(BINARY, prebuildPath(pkgDir));
  const chosen = copyTo(BINARY, join(dir, 'elsewhere', 'mine.node'));
  t.deepEqual(probe(t, pkgDir, { [BINARY_ENV]: chosen }).origin, { step: 'override', path: chosen });
});

test('an override that cannot load is an error of its own, never a silent fallback', (t) => {
  const { nodeModules, pkgDir } = layout(t);
  installPlatformPackage(nodeModules, (dest) => copyTo(BINARY, dest));
  const { error } = probe(t, pkgDir, { [BINARY_ENV]: join(pkgDir, 'missing.node') });
  t.regex(error!, new RegExp(`${BINARY_ENV}=.*missing\\.node could not be loaded`));
  t.regex(error!, new RegExp(`unset ${BINARY_ENV}`));
});

test('the platform package comes before prebuilds/', (t) => {
  const { nodeModules, pkgDir } = layout(t);
  const file = installPlatformPackage(nodeModules, (dest) => copyTo(BINARY, dest));
  copyTo(BINARY, prebuildPath(pkgDir));
  t.deepEqual(probe(t, pkgDir).origin, { step: 'package', path: file });
});

test('prebuilds/ through node-gyp-build when the platform package is missing or does not load', (t) => {
  const { nodeModules, pkgDir } = layout(t);
  const prebuild = copyTo(BINARY, prebuildPath(pkgDir));
  t.deepEqual(probe(t, pkgDir).origin, { step: 'prebuilds', path: prebuild });
  installPlatformPackage(nodeModules, writeBroken);
  t.deepEqual(probe(t, pkgDir).origin, { step: 'prebuilds', path: prebuild });
});

test('with nothing loadable the error names the platform, lists the attempts in order and says how to fix it', (t) => {
  const { nodeModules, pkgDir } = layout(t);
  const { error } = probe(t, pkgDir);
  const libc = TARGET.endsWith('-gnu') ? ', libc glibc' : TARGET.endsWith('-musl') ? ', libc musl' : '';
  t.true(error!.includes(`for ${process.platform} ${process.arch}${libc} (target ${TARGET})`), error);
  const steps = [
    `${BINARY_ENV}: not set`,
    `${PLATFORM_PACKAGE}: not installed`,
    `prebuilds/ in ${pkgDir} via node-gyp-build: No native build`,
  ];
  const at = steps.map((s) => error!.indexOf(s));
  t.true(at.every((i, n) => i > 0 && (n === 0 || i > at[n - 1]!)), `attempts in order:\n${error}`);
  t.regex(error!, new RegExp(`Install ${PLATFORM_PACKAGE}@\\d+\\.\\d+\\.\\d+`));
  t.regex(error!, /--omit=optional/);
  t.regex(error!, new RegExp(`Or set ${BINARY_ENV}`));

  const file = installPlatformPackage(nodeModules, writeBroken);
  const broken = probe(t, pkgDir).error!;
  t.true(broken.includes(`. ${PLATFORM_PACKAGE}: ${file}`), broken);
  t.regex(broken, /Reinstall the package that holds the binary .* \(damaged, or built for another platform\)/);
});

test('through the public API the same failure is a MinidumpError ERR_NO_NATIVE_BINARY', (t) => {
  const { pkgDir } = layout(t);
  const code = `try { require(process.argv[1]).parseMinidumpSync(Buffer.alloc(8)) } catch (e) { console.log(e.code) }`;
  const r = spawnSync(process.execPath, ['-e', code, pkgDir], { encoding: 'utf8', env: cleanEnv(), timeout: 30_000 });
  t.is(r.stdout.trim(), 'ERR_NO_NATIVE_BINARY', r.stderr);
});

test('a target without a prebuilt package is told to build from source', (t) => {
  const { dir, cleanup } = scratch('sen-loader-');
  t.teardown(cleanup);
  const pkgDir = installMainPackage(join(dir, 'node_modules'), (pkg) => {
    pkg.optionalDependencies = {};
  });
  t.regex(probe(t, pkgDir).error!, new RegExp(`no prebuilt binary for ${TARGET}.*npm run build:native`));
});

test('inside app.asar the binaries load from app.asar.unpacked', (t) => {
  const { dir, pkgDir } = layout(t, join('resources', 'app.asar'));
  const unpacked = join(dir, 'resources', 'app.asar.unpacked', 'node_modules');
  // prebuilds/: only the unpacked copy exists, as electron-builder's asarUnpack leaves it.
  const prebuild = copyTo(BINARY, prebuildPath(join(unpacked, '@acme', 'sentry-electron-native')));
  t.deepEqual(probe(t, pkgDir).origin, { step: 'prebuilds', path: prebuild });
  // The platform package: require.resolve finds the archived copy, the loader takes its unpacked twin.
  installPlatformPackage(join(dir, 'resources', 'app.asar', 'node_modules'), writeBroken);
  const file = installPlatformPackage(unpacked, (dest) => copyTo(BINARY, dest));
  t.deepEqual(probe(t, pkgDir).origin, { step: 'package', path: file });
});

test('a binary left inside app.asar: the error says to unpack it', (t) => {
  const { nodeModules, pkgDir } = layout(t, join('resources', 'app.asar'));
  installPlatformPackage(nodeModules, writeBroken);
  const { error } = probe(t, pkgDir);
  t.regex(error!, /inside an asar archive \(.*app\.asar.*\) and did not load from there: unpack it/);
  t.regex(error!, /asarUnpack/);
});
