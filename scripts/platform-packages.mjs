#!/usr/bin/env node
// The per-platform packages come from ONE list: package.json's `napi.targets` (Rust target triples).
// From it this script writes npm/<target>/package.json, the root package's `optionalDependencies` (pinned to
// its version, the napi-rs way) and those packages' entries in package-lock.json, so that `npm ci` accepts
// the lock although the packages are not on any registry our machines reach (npm skips an optional package
// it cannot fetch, but `npm ci` refuses a lock that does not list it).
//
//   node scripts/platform-packages.mjs          write everything
//   node scripts/platform-packages.mjs --check  exit 1 if anything is out of sync (CI)
//
// Other scripts import `platformTargets()` so the triple → package-name mapping exists only here.
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CPU = { x86_64: 'x64', aarch64: 'arm64', universal: undefined };
const OS = { linux: 'linux', windows: 'win32', darwin: 'darwin' };
const LIBC = { gnu: 'glibc', musl: 'musl' };

/**
 * `x86_64-unknown-linux-musl` → { name: 'linux-x64-musl', os: 'linux', cpu: 'x64', libc: 'musl' }.
 * `universal-apple-darwin` has no cpu: npm installs it on every Mac, as napi-rs does.
 */
export function describeTriple(triple) {
  const [arch, , sys, abi] = triple.split('-');
  if (!(arch in CPU) || !(sys in OS)) throw new Error(`napi.targets: unsupported target ${triple}`);
  const os = OS[sys];
  const name = [os, arch === 'universal' ? 'universal' : CPU[arch], abi].filter(Boolean).join('-');
  return { triple, name, os, cpu: CPU[arch], libc: os === 'linux' ? LIBC[abi] : undefined };
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

/** Every target of package.json with its npm package name: `@acme/sentry-electron-native-<name>`. */
export function platformTargets(pkg = readJson(join(ROOT, 'package.json'))) {
  return pkg.napi.targets.map((triple) => {
    const t = describeTriple(triple);
    return { ...t, packageName: `${pkg.name}-${t.name}` };
  });
}

/** The crash sender executable (crates/crash-sender) each platform package ships beside its addon. */
export const senderFile = (t) => (t.os === 'win32' ? 'sentry-electron-sender.exe' : 'sentry-electron-sender');

/** npm/<name>/package.json: the binaries and the platform fields npm installs them by. */
function platformManifest(pkg, t) {
  const file = `${pkg.napi.binaryName}.${t.name}.node`;
  return {
    name: t.packageName,
    version: pkg.version,
    description: `The ${t.name} binary of ${pkg.name}.`,
    license: pkg.license,
    // npm publish --provenance checks that repository.url names the repository the workflow runs in.
    ...(pkg.repository ? { repository: pkg.repository } : {}),
    main: file,
    files: [file, senderFile(t)],
    os: [t.os],
    ...(t.cpu ? { cpu: [t.cpu] } : {}),
    ...(t.libc ? { libc: [t.libc] } : {}),
    engines: pkg.engines,
  };
}

/** `obj` with `key` set, placed right after `after` when it is new (stable, reviewable diffs). */
function withKey(obj, key, value, after) {
  if (key in obj) return { ...obj, [key]: value };
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k] = v;
    if (k === after) out[key] = value;
  }
  if (!(key in out)) out[key] = value;
  return out;
}

/** Every file this script owns, as { path: expected text }. */
function expectedFiles() {
  const pkgPath = join(ROOT, 'package.json');
  const lockPath = join(ROOT, 'package-lock.json');
  const pkg = readJson(pkgPath);
  const targets = platformTargets(pkg);
  const byName = ([a], [b]) => a.localeCompare(b);
  const optional = Object.fromEntries(targets.map((t) => [t.packageName, pkg.version]).sort(byName));
  const files = { [pkgPath]: json(withKey(pkg, 'optionalDependencies', optional, 'dependencies')) };
  for (const t of targets) files[join(ROOT, 'npm', t.name, 'package.json')] = json(platformManifest(pkg, t));

  const lock = readJson(lockPath);
  const root = withKey(lock.packages[''], 'optionalDependencies', optional, 'dependencies');
  const packages = { ...lock.packages, '': root };
  for (const key of Object.keys(packages)) if (key.startsWith(`node_modules/${pkg.name}-`)) delete packages[key];
  for (const t of targets) {
    packages[`node_modules/${t.packageName}`] = {
      version: pkg.version,
      optional: true,
      os: [t.os],
      ...(t.cpu ? { cpu: [t.cpu] } : {}),
      ...(t.libc ? { libc: [t.libc] } : {}),
    };
  }
  // The same order scripts/complete-lockfile.mjs writes: root first, then by path.
  const rootFirst = ([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b));
  lock.packages = Object.fromEntries(Object.entries(packages).sort(rootFirst));
  files[lockPath] = json(lock);
  return { files, targets };
}

function main() {
  const check = process.argv.includes('--check');
  const { files, targets } = expectedFiles();
  const names = new Set(targets.map((t) => t.name));
  const stale = readdirSync(join(ROOT, 'npm')).filter(
    (d) => !names.has(d) && existsSync(join(ROOT, 'npm', d, 'package.json')),
  );
  const differ = Object.entries(files).filter(
    ([path, text]) => !existsSync(path) || readFileSync(path, 'utf8') !== text,
  );
  if (check) {
    const problems = [
      ...differ.map(([p]) => `out of date: ${p.slice(ROOT.length + 1)}`),
      ...stale.map((d) => `not in napi.targets: npm/${d}`),
    ];
    if (problems.length === 0) return console.log(`platform-packages: ${targets.length} targets in sync`);
    console.error(`platform-packages: out of sync with napi.targets:\n  ${problems.join('\n  ')}`);
    console.error('Run `node scripts/platform-packages.mjs` (and delete stale npm/ folders).');
    process.exit(1);
  }
  for (const [path, text] of differ) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  console.log(`platform-packages: ${targets.length} targets, ${differ.length} files written`);
  if (stale.length) console.warn(`platform-packages: not in napi.targets, delete: ${stale.map((d) => `npm/${d}`)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
