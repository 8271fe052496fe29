/**
 * Crashpad for the fake Electron host: real native crashes of its Node.js processes, dumped by a real
 * out-of-process handler into a folder laid out like Crashpad's database. Both pieces come from
 * `npm run fixtures` (scripts/make-fixtures.sh):
 *
 * - the handler, `crash-fixture crashpad-handler` (crates/crash-fixture/src/crashpad.rs): a minidumper server
 *   for any number of clients. A crashing client's dump goes to `<database>/new/<uuid>.dmp`, then `pending/`, then
 *   (uploads being disabled) `completed/<uuid>.dmp` with a `<uuid>.meta` beside it. The dump carries Crashpad's
 *   info stream: report id = `<uuid>`, the database's client id (`settings.dat`), and the client's annotations as
 *   its simple annotations (`ptype` says the process type). The handler exits by itself after its idle time
 *   without clients (default 30 s), so it may outlive whoever started it, as Electron's does;
 * - `crash-addon.node` (crates/crash-addon), which makes this process a client and crashes it.
 *
 * ```ts
 * const handler = await startCrashpadHandler(app.getPath('crashDumps'));     // main: crashReporter.start()
 * connectCrashHandler(handler.socketName, { ptype: 'renderer', prod: 'Electron', ver: '35.0.0' }); // any process
 * crashNatively('null_write');                                                // process.crash(): never returns
 * const dump = await waitForCompletedDump(database, 10_000);                  // the test
 * ```
 *
 * A process connects once; connecting again to the same socket replaces its annotations (another socket throws).
 * The dump's process id is the crashing process's pid. Linux only, like the handler.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/fixtures';

export type CrashKind = 'null_write' | 'abort';

/** What crash-addon.node's crashes look like in a dump, per kind (from manifest.json). */
export interface AddonCrashKind {
  signal: string;
  crashingFunction: string;
  file: string;
  line: number;
}

/** The fake Crashpad's files as make-fixtures.sh made them (absolute paths), and what its crashes show. */
export interface CrashpadFixtures {
  /** The crash-fixture executable, whose `crashpad-handler` role is the handler. */
  handler: string;
  addon: string;
  /** The symbol store holding the addon's `.sym`. */
  symbols: string;
  addonModule: { debugFile: string; debugId: string; sym: string };
  kinds: Record<CrashKind, AddonCrashKind>;
}

/** The fixtures, or a sentence saying why they are missing (for a test's skip message). */
export function crashpadFixtures(): CrashpadFixtures | string {
  const manifestPath = join(FIXTURES, 'manifest.json');
  const rerun = 'run `npm run fixtures` (scripts/make-fixtures.sh)';
  if (!existsSync(manifestPath)) return `${manifestPath} is missing: ${rerun}`;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    crashpad?: Omit<CrashpadFixtures, 'symbols'>;
    symbolsDir: string;
  };
  const crashpad = manifest.crashpad;
  if (!crashpad) return `${manifestPath} has no fake Crashpad (made by an older make-fixtures.sh): ${rerun}`;
  const found = { ...crashpad, handler: join(FIXTURES, crashpad.handler), addon: join(FIXTURES, crashpad.addon) };
  for (const file of [found.handler, found.addon]) if (!existsSync(file)) return `${file} is missing: ${rerun}`;
  return { ...found, symbols: join(FIXTURES, manifest.symbolsDir) };
}

function fixtures(): CrashpadFixtures {
  const found = crashpadFixtures();
  if (typeof found === 'string') throw new Error(found);
  return found;
}

export interface CrashpadHandler {
  /** Abstract socket name the handler listens on: what `connectCrashHandler` takes. */
  socketName: string;
  pid: number;
  database: string;
  /** Settles when the handler process ends (never rejects). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the handler wrote to stderr so far (one line per dump, errors). */
  log(): string;
  /** Ends the handler (SIGTERM, then SIGKILL after 5 s); resolves once it is gone. Harmless when it already is. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The handler exits after this many seconds without any client (default 30). */
  idleExitSecs?: number;
  /** How long to wait for the handler to listen (default 15000 ms). */
  readyTimeoutMs?: number;
}

/**
 * Starts a handler writing into `database` (created if needed, Crashpad's layout) and resolves once it listens.
 * It does not keep this process alive, and survives it until idle: a test should still `stop()` it.
 */
export async function startCrashpadHandler(database: string, options: StartOptions = {}): Promise<CrashpadHandler> {
  const { handler: exe } = fixtures();
  const socketName = `fake-crashpad-${process.pid}-${randomBytes(6).toString('hex')}`;
  const args = ['crashpad-handler', '--database', database, '--socket', socketName];
  args.push('--idle-exit-secs', String(options.idleExitSecs ?? 30));
  // Its own process group, like a daemon: a signal meant for this process's group leaves it be.
  const child = spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  let gone = false;
  void exited.then(() => (gone = true));

  const stop = async (): Promise<void> => {
    if (gone) return;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(kill);
  };

  return new Promise((resolve, reject) => {
    const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
    let stdout = '';
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop();
      reject(new Error(`crashpad handler ${why}${stderr ? `; its stderr:\n${stderr}` : ''}`));
    };
    const timer = setTimeout(() => fail(`did not listen within ${readyTimeoutMs} ms`), readyTimeoutMs);
    child.once('error', (err) => fail(`could not start: ${err.message}`));
    void exited.then(({ code, signal }) => fail(`ended before listening (code ${code}, signal ${signal})`));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (settled || !stdout.includes('\n')) return;
      if (stdout.split('\n')[0] !== 'ready') return fail(`said ${JSON.stringify(stdout)} instead of "ready"`);
      settled = true;
      clearTimeout(timer);
      // Nothing more comes on stdout; neither the process nor its stderr may keep this process's loop alive.
      child.stdout.destroy();
      child.unref();
      (child.stderr as unknown as { unref(): void }).unref();
      resolve({ socketName, pid: child.pid!, database, exited, log: () => stderr, stop });
    });
  });
}

interface CrashAddon {
  connectCrashHandler(socketName: string, annotations: Record<string, string>): void;
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

/**
 * Makes this process a client of the handler on `socketName`: installs the native crash handler (over Node's own
 * SIGSEGV handler) and sends the annotations. Again with the same socket: the annotations replace the previous ones.
 */
export function connectCrashHandler(socketName: string, annotations: Record<string, string>): void {
  crashAddon().connectCrashHandler(socketName, annotations);
}

/**
 * Crashes this process natively: `null_write` (SIGSEGV in the addon's `crash_addon_null_write`) or `abort` (SIGABRT
 * from `crash_addon_abort`). When connected, the handler has written the dump before the process dies.
 */
export function crashNatively(kind: CrashKind = 'null_write'): never {
  crashAddon().crash(kind);
  throw new Error(`crashNatively(${kind}) returned`);
}

/** The `.dmp` files of the database in each of Crashpad's report states (absolute paths, sorted). */
export function crashpadReports(database: string): Record<'new' | 'pending' | 'completed', string[]> {
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
 * Resolves to the path of a dump in `<database>/completed/` that is not in `seen` (e.g. the ones found before),
 * waiting up to `timeoutMs`. A dump there is whole: the handler moves it in when done.
 */
export async function waitForCompletedDump(database: string, timeoutMs: number, seen: Iterable<string> = []): Promise<string> {
  const known = new Set(seen);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reports = crashpadReports(database);
    const dump = reports.completed.find((path) => !known.has(path));
    if (dump) return dump;
    if (Date.now() >= deadline) {
      throw new Error(`no new completed dump in ${database} within ${timeoutMs} ms: ${JSON.stringify(reports)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
