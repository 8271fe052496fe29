#!/usr/bin/env node
// Builds the addon with napi-rs and puts it where the loader (ts/native/load.ts) looks: the platform package
// folder npm/<target>/ (what gets published) and, for this machine's own target, prebuilds/<platform>-<arch>/
// (what node-gyp-build finds in a checkout or a vendored install); the crash sender executable goes beside it.
//
//   node scripts/build-native.mjs [--debug] [--target <rust triple>] [other `napi build` flags]
//
// `--debug` skips the optimised build for quicker iterations. `--target` cross-builds (release workflow);
// flags such as `--use-napi-cross` or `-x` go through to `napi build`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeTriple } from './platform-packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const release = !args.includes('--debug');
const passThrough = args.filter((a) => a !== '--debug');
const hostTriple = /^host: (\S+)$/m.exec(execFileSync('rustc', ['-vV'], { encoding: 'utf8' }))[1];
const targetAt = passThrough.indexOf('--target');
const triple = targetAt >= 0 ? passThrough[targetAt + 1] : hostTriple;
const target = describeTriple(triple);
const outDir = join('npm', target.name);

execFileSync(
  process.execPath,
  [
    join(root, 'node_modules/@napi-rs/cli/dist/cli.js'),
    'build',
    '--platform',
    '--no-js',
    '--output-dir', outDir,
    // The generated declarations describe the raw binding; ts/native/ imports them as types only.
    '--dts', join('..', '..', 'ts', 'native', 'binding.generated.d.ts'),
    ...(release ? ['--release'] : []),
    ...passThrough,
  ],
  { cwd: root, stdio: 'inherit' },
);

const built = join(root, outDir, `sentry-electron-native.${target.name}.node`);
console.log(`addon ready: ${built}`);

// The crash sender (crates/crash-sender), an executable shipped beside the addon: ts/main/native-crashes/sender.ts
// looks for it in the addon's folder. Cross builds go through cargo-zigbuild, as napi's `-x` does.
const senderName = target.os === 'win32' ? 'sentry-electron-sender.exe' : 'sentry-electron-sender';
const cross = passThrough.includes('-x') || passThrough.includes('--cross-compile');
execFileSync(
  'cargo',
  [cross ? 'zigbuild' : 'build', '-p', 'crash-sender', '--bin', 'sentry-electron-sender', '--target', triple, ...(release ? ['--release'] : [])],
  { cwd: root, stdio: 'inherit' },
);
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const sender = join(outDir, senderName);
copyFileSync(join(targetDir, triple, release ? 'release' : 'debug', senderName), join(root, sender));
console.log(`crash sender ready: ${join(root, sender)}`);
if (triple !== hostTriple) process.exit(0);

const prebuildDir = join(root, 'prebuilds', `${target.os}-${target.cpu}`);
mkdirSync(prebuildDir, { recursive: true });
const tag = { glibc: 'glibc', musl: 'musl' }[target.libc] ?? '';
copyFileSync(built, join(prebuildDir, ['node', 'napi', tag, 'node'].filter(Boolean).join('.')));
copyFileSync(join(root, sender), join(prebuildDir, senderName));

// In this checkout the platform package is npm/<target>/ itself, linked the way a workspace would be (npm
// refuses workspaces whose os/cpu differ from the host's). It replaces whatever `npm ci` fetched under that
// name, so the tests load the binary just built, through the loader's platform-package step.
const link = join(root, 'node_modules', `@acme/sentry-electron-native-${target.name}`);
mkdirSync(dirname(link), { recursive: true });
const existing = lstatSync(link, { throwIfNoEntry: false });
if (existing?.isSymbolicLink()) unlinkSync(link);
else if (existing) rmSync(link, { recursive: true });
symlinkSync(join(root, outDir), link, 'junction');
