#!/usr/bin/env node
// Adds the per-platform optional packages that the registry mirror on our build machines lacks to
// package-lock.json, so that `npm ci` accepts the lock everywhere.
//
// Why: napi-rs tools (@napi-rs/lzma, tar, wasm-tools, pulled in by @napi-rs/cli) list one optional package per
// platform. The mirror here only carries the linux-x64-gnu ones, so `npm install` leaves the rest out of the
// lock, and `npm ci` then refuses the lock as out of sync. Each added entry names the version, marks it
// optional and states its os/cpu/libc from the napi-rs naming scheme, so npm skips it on other platforms
// without fetching, and resolves it from the public registry on the platform it is for.
// Run after `npm install` changes the lock: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages;

/** os/cpu/libc of a napi-rs platform package, from its name suffix (`darwin-arm64`, `linux-x64-musl`, …). */
function platformOf(name) {
  const m = /-(android|darwin|freebsd|linux|win32|wasm32)-([a-z0-9]+)(?:-(gnu|musl|msvc|gnueabihf|eabi))?$/.exec(name);
  if (!m) return null;
  const [, os, cpuRaw, abi] = m;
  if (os === 'wasm32') return { cpu: ['wasm32'] };
  // A universal (fat) binary runs on every CPU of its OS: no cpu field, as napi-rs writes it.
  if (cpuRaw === 'universal') return { os: [os] };
  const cpu = cpuRaw === 'arm' ? 'arm' : cpuRaw;
  const entry = { os: [os], cpu: [cpu] };
  if (os === 'linux' && (abi === 'gnu' || abi === 'gnueabihf')) entry.libc = ['glibc'];
  if (os === 'linux' && abi === 'musl') entry.libc = ['musl'];
  return entry;
}

let added = 0;
for (const [path, pkg] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(pkg.optionalDependencies ?? {})) {
    const installedAt = `node_modules/${dep}`;
    const nested = `${path}/node_modules/${dep}`;
    if (packages[installedAt] || packages[nested]) continue;
    const platform = platformOf(dep);
    if (!platform || !/^\d+\.\d+\.\d+$/.test(range)) continue;
    packages[installedAt] = { version: range, ...(pkg.dev ? { dev: true } : {}), optional: true, ...platform };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
