// What every bench script needs, in one place: command-line options, statistics, a seeded shuffle, number
// formats, the peers' tools, and bench/RESULTS.md, which the scripts share: each one owns one section, between
//   <!-- bench:NAME -->  and  <!-- /bench:NAME -->
// and replaces only that section when it runs (appending it when absent), leaving the others as they were.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository (bench/..) and the shared corpus of real dumps and their symbols beside it. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS = path.resolve(ROOT, '../shared/corpus');
export const DUMPS_DIR = path.join(CORPUS, 'dumps');
export const SYMBOLS_DIR = path.join(CORPUS, 'symbols');

// ---------------------------------------------------------------------------------------------------------------
// Command line.

/**
 * The options of `argv`: `opt(name, def, env)` is the value after `name`, else the environment variable `env`
 * when it is set, else `def`; `flag(name)` is whether `name` is there.
 */
export function cliOptions(argv = process.argv.slice(2)) {
  const opt = (name, def, env) => {
    const i = argv.indexOf(name);
    if (i >= 0 && argv[i + 1] !== undefined) return argv[i + 1];
    if (env && process.env[env]) return process.env[env];
    return def;
  };
  return { argv, opt, flag: (name) => argv.includes(name) };
}

/** Progress and notes go to stderr, so that stdout stays for results a caller may parse. */
export const log = (...a) => console.error(...a);

// ---------------------------------------------------------------------------------------------------------------
// Statistics.

const finiteSorted = (xs) => xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);

/** The median of the finite values of `xs` (the mean of the middle two for an even count); NaN when there are none. */
export function median(xs) {
  const s = finiteSorted(xs);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The `q` quantile of the finite values of `xs`, interpolated between the two nearest ranks; NaN when there are none. */
export function quantile(xs, q) {
  const s = finiteSorted(xs);
  if (!s.length) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
}

/** The `q` quantile of the finite values of `xs` as the nearest measured value (no interpolation); NaN when none. */
export function nearestRankQuantile(xs, q) {
  const s = finiteSorted(xs);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

/** A seeded random number generator in [0, 1) (mulberry32), so that a run's call order is reproducible. */
export function seededRandom(seed) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shuffled copy of `xs` (Fisher–Yates) drawing on `rand`. */
export function shuffled(xs, rand) {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// ---------------------------------------------------------------------------------------------------------------
// Number formats for the results tables.

/** Milliseconds: four decimals under 0.1, `midDigits` under 10, one above. */
export const fmtMs = (x, midDigits = 3) =>
  Number.isFinite(x) ? (x < 0.1 ? x.toFixed(4) : x < 10 ? x.toFixed(midDigits) : x.toFixed(1)) : 'n/a';
/** A ratio as `2.50x`. */
export const fmtX = (x) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)}x` : 'n/a');
/** Kilobytes as megabytes with one decimal. */
export const fmtMB = (kb) => (Number.isFinite(kb) ? (kb / 1024).toFixed(1) : 'n/a');
/** A target met (`yes`), missed (`**NO**`) or not measured (`—`). */
export const mark = (ok) => (ok === null || ok === undefined ? '—' : ok ? 'yes' : '**NO**');

// ---------------------------------------------------------------------------------------------------------------
// The peers' tools.

/** rust-minidump's `minidump-stackwalk` on PATH or in Cargo's bin, and whether it is `wantVersion`; null when absent. */
export function findRustStackwalk(wantVersion) {
  const candidates = [];
  for (const d of (process.env.PATH || '').split(':')) if (d) candidates.push(path.join(d, 'minidump-stackwalk'));
  candidates.push(path.join(process.env.CARGO_HOME || path.join(os.homedir(), '.cargo'), 'bin', 'minidump-stackwalk'));
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      const v = spawnSync(c, ['--version'], { encoding: 'utf8' });
      const version = (v.stdout || '').trim();
      return { bin: c, version, ok: version.includes(wantVersion) };
    } catch {
      /* next */
    }
  }
  return null;
}

/** The version of the `minidump` npm package (Breakpad's minidump_stackwalk) installed under `root`, or `?`. */
export function breakpadPackageVersion(root) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules/minidump/package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// bench/RESULTS.md.

const PREAMBLE =
  '<!-- Benchmark results. Each bench script (bench/*.mjs) rewrites only its own section, between its ' +
  '`bench:NAME` markers; do not edit inside a section by hand. -->\n';

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with the section `name` set to `body` (replaced in place, or appended). */
export function replaceSection(text, name, body) {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${body.replace(/\s+$/, '')}\n${close}`;
  const re = new RegExp(`${escapeRe(open)}[\\s\\S]*?${escapeRe(close)}`);
  // A function replacement, so `$` in the body is taken literally.
  if (re.test(text)) return text.replace(re, () => block);
  const base = text.trim() ? text.replace(/\s*$/, '\n\n') : PREAMBLE + '\n';
  return `${base}${block}\n`;
}

/** Rewrites section `name` of the results file `file` (atomically: a reader sees the old file or the new one). */
export function writeResultsSection(file, name, body) {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, replaceSection(text, name, body));
  fs.renameSync(tmp, file);
}

/** The machine, for the "Machine and command" lines of a section. */
export function machineInfo() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const mhz = /^cpu MHz\s*:\s*(.*)$/m.exec(cpuinfo)?.[1];
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1]);
  return {
    cpu: model + (mhz ? ` (${Number(mhz).toFixed(0)} MHz)` : ''),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memGiB: (memKb / 1024 / 1024).toFixed(1),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}
