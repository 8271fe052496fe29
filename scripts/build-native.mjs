#!/usr/bin/env node
// Builds the addon for this machine with napi-rs and puts it where the loader (ts/native/load.ts) looks:
// the platform package folder npm/<target>/ (what gets published) and prebuilds/<platform>-<arch>/
// (what node-gyp-build finds in a checkout or a vendored install).
// `--debug` skips the optimised build for quicker iterations.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { platform, arch } = process;
const libc = platform === 'linux' ? (process.report.getReport().header.glibcVersionRuntime ? 'gnu' : 'musl') : '';
const target = [platform, arch, libc].filter(Boolean).join('-');
const outDir = join('npm', target);
const release = !process.argv.includes('--debug');

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
  ],
  { cwd: root, stdio: 'inherit' },
);

const built = join(root, outDir, `sentry-electron-native.${target}.node`);
const prebuildDir = join(root, 'prebuilds', `${platform}-${arch}`);
mkdirSync(prebuildDir, { recursive: true });
const tag = libc === 'musl' ? 'musl' : libc === 'gnu' ? 'glibc' : '';
copyFileSync(built, join(prebuildDir, ['node', 'napi', tag, 'node'].filter(Boolean).join('.')));
console.log(`addon ready: ${built}`);
