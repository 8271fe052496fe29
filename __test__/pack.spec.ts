import test from 'ava';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fixtureDump, fixtureManifest, FIXTURE_SYMBOLS } from './helpers/fixtures';
import { cleanEnv, PACKAGE, REPO, scratch, TARGET } from './helpers/package-layout';

// What a user gets from `npm install` on a machine without Rust: the main package and this platform's
// package, packed as they would be published and installed into a fresh project with no registry at all.
// The release workflow runs this on every target (PACK_TEST_TARGET=darwin-universal for the fat binary).
const target = process.env.PACK_TEST_TARGET || TARGET;
const platformDir = join(REPO, 'npm', target);
const binaryName = `sentry-electron-native.${target}.node`;
const SENDER_NAME = target.startsWith('win32') ? 'sentry-electron-sender.exe' : 'sentry-electron-sender';
// The budget for one architecture's release build; a universal binary holds two.
const SIZE_BUDGET = (target.endsWith('-universal') ? 2 : 1) * 6_000_000;

/** PATH without any directory that holds cargo: the install must not need (or find) a Rust toolchain. */
function envWithoutCargo(): NodeJS.ProcessEnv {
  const env = cleanEnv();
  const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
  const hasCargo = (dir: string) => ['cargo', 'cargo.exe'].some((f) => existsSync(join(dir, f)));
  env[key] = (env[key] ?? '').split(delimiter).filter((d) => d && !hasCargo(d)).join(delimiter);
  return env;
}

function run(cmd: string, args: string[], opts: SpawnSyncOptions) {
  // npm is npm.cmd on Windows, which Node only starts through a shell.
  const shell = process.platform === 'win32' && cmd === 'npm';
  const quoted = shell ? args.map((a) => (/[\s"]/.test(a) ? `"${a}"` : a)) : args;
  const r = spawnSync(cmd, quoted, { encoding: 'utf8', timeout: 120_000, shell, ...opts });
  if (r.status !== 0) {
    const why = r.status ?? r.signal ?? r.error?.message;
    throw new Error(`${cmd} ${args.join(' ')} failed (${why}):\n${r.stdout}\n${r.stderr}`);
  }
  return { stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Where Node would find package `name` from `fromDir`: the nearest `node_modules/<name>` up the tree. */
function installedDir(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`${name} is not installed (needed by ${fromDir})`);
  }
}

/** Folders of the installed runtime dependencies of this package, transitively (each once). */
function runtimeDependencyDirs(): string[] {
  const dirs = new Set<string>();
  const visit = (fromDir: string) => {
    const deps = Object.keys(JSON.parse(readFileSync(join(fromDir, 'package.json'), 'utf8')).dependencies ?? {});
    for (const name of deps) {
      const dir = installedDir(name, fromDir);
      if (!dirs.has(dir)) {
        dirs.add(dir);
        visit(dir);
      }
    }
  };
  visit(join(__dirname, '..'));
  return [...dirs];
}

/** `npm pack <what>` into `dest`; returns the tarball's path and the files it holds. */
function pack(what: string, dest: string, env: NodeJS.ProcessEnv): { tarball: string; files: string[] } {
  const args = ['pack', what, '--json', '--ignore-scripts', '--pack-destination', dest];
  const { stdout } = run('npm', args, { cwd: REPO, env });
  const [info] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  return { tarball: join(dest, info.filename), files: info.files.map((f) => f.path) };
}

test(`the ${target} release binary stays within ${SIZE_BUDGET / 1e6} MB`, (t) => {
  const binary = join(platformDir, binaryName);
  t.true(existsSync(binary), `${binary} is missing: run \`npm run build\``);
  const size = statSync(binary).size;
  t.log(`${binaryName}: ${(size / 1e6).toFixed(2)} MB`);
  t.true(size <= SIZE_BUDGET, `${size} bytes > ${SIZE_BUDGET} (is it a release build?)`);
});

test(`packed tarballs install with no Rust and no registry, then parse a real dump and run the CLI`, (t) => {
  const { dir, cleanup } = scratch('sen-pack-');
  t.teardown(cleanup);
  const env = envWithoutCargo();
  t.truthy(spawnSync('cargo', ['--version'], { env }).error, 'cargo must not be on PATH');

  const main = pack('.', dir, env);
  t.false(main.files.some((f) => f.endsWith('.node')), 'the main package carries no binary');
  const platform = pack(`./npm/${target}`, dir, env);
  t.deepEqual(platform.files.sort(), ['package.json', binaryName, SENDER_NAME].sort(), 'the addon and the crash sender beside it');
  // The runtime dependencies (and theirs), packed from the copies already installed here.
  const dependencies = runtimeDependencyDirs().map((d) => pack(d, dir, env).tarball);

  // A fresh project; an empty cache, --offline and an unreachable registry make any download fail, so the
  // other platforms' optional packages are skipped, as npm skips optional packages it cannot get.
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-smoke', version: '1.0.0', private: true }));
  const offline = ['--offline', '--no-audit', '--no-fund', '--ignore-scripts'];
  offline.push('--cache', join(dir, 'cache'), '--registry', 'http://127.0.0.1:9/');
  run('npm', ['install', ...offline, main.tarball, platform.tarball, ...dependencies], { cwd: app, env });

  const dump = fixtureDump(fixtureManifest().kinds.null_write!);
  const installed = join(app, 'node_modules', ...PACKAGE.split('/'));
  const probe = `
    const options = { symbols: [${JSON.stringify(FIXTURE_SYMBOLS)}] };
    const r = require(${JSON.stringify(PACKAGE)}).parseMinidumpSync(${JSON.stringify(dump)}, options);
    const origin = require(${JSON.stringify(join(installed, 'build', 'native', 'load.js'))}).nativeOrigin();
    console.log(JSON.stringify({ reason: r.crash.reason, top: r.crashingThread.frames[0].function, origin }));`;
  const result = JSON.parse(run(process.execPath, ['-e', probe], { cwd: app, env }).stdout);
  t.regex(result.reason, /^SIGSEGV/);
  t.is(result.top, 'crash_null_write');
  t.is(result.origin.step, 'package');
  t.is(result.origin.path, join(app, 'node_modules', '@acme', `sentry-electron-native-${target}`, binaryName));

  const bin = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).bin['sentry-electron-native'];
  const cliArgs = [join(installed, bin), 'stackwalk', dump, '--symbols', FIXTURE_SYMBOLS];
  const cli = run(process.execPath, cliArgs, { cwd: app, env });
  t.regex(cli.stdout, /Crash reason: +SIGSEGV/);
  t.regex(cli.stdout, /crash-fixture!crash_null_write/);
});
