/**
 * Starts an app's main script in the fake Electron host, as `electron .` would: a Node process with the resolver
 * hook in the main role, the app's identity in its environment, and an IPC channel to the test (the script may
 * `process.send(x)`; the test reads it with `waitForMessage`).
 *
 * Nothing outlives a test: the app runs in its own process group (its renderers and utility processes with it),
 * killed with SIGKILL by `dispose()`, after `timeoutMs` (default 100 s, under ava's 2 min), and when the test
 * process exits, together with the crash handler the app started (which, like Crashpad's, has its own group and
 * would otherwise outlive a killed app by its 30 s idle time); the app also exits when the test process goes away
 * (IPC disconnect).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENV, hostExecArgv } from './host-env';

export interface LaunchOptions {
  /** The app's main script (.ts, .js, .cjs or .mjs). */
  main: string;
  /** `app.getName()` (default `FakeApp`). */
  name?: string;
  /** `app.getVersion()` (default `1.0.0`). */
  version?: string;
  /** `app.getPath('userData')`; default a fresh temp folder, removed by `dispose()`. Pass the same one to run
   * "the same app" again. */
  userData?: string;
  /** The Electron version played (default: the installed `electron` package's). */
  electronVersion?: string;
  /** How renderers are played (default `node`). */
  renderer?: 'node' | 'chromium';
  /** More environment for the app (FAKE_ELECTRON_* included, see ./host-env.ts). */
  env?: NodeJS.ProcessEnv;
  /** Arguments after the script (`process.argv.slice(2)`). */
  args?: string[];
  cwd?: string;
  /** The app is killed after this long (default 100000 ms). */
  timeoutMs?: number;
  /** Options for the app's Node (or V8), before the host's own (e.g. `--no-incremental-marking`). */
  nodeArgs?: string[];
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchedApp {
  readonly pid: number;
  readonly userData: string;
  /** Every message the app sent so far, in order. */
  readonly messages: readonly unknown[];
  /**
   * The first message not yet taken by an earlier wait that satisfies `predicate`, already received or to come;
   * it is then taken (a second wait for the same kind gets the next one). Rejects after `timeoutMs` (default
   * 20000) or when the app exits first, with the app's stderr in the message.
   */
  waitForMessage<T = any>(predicate: (message: any) => boolean, timeoutMs?: number): Promise<T>;
  /** Sends a message to the app's `process.on('message')`. */
  send(message: unknown): void;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<Exit>;
  /** A signal to the main process only (its children see main die, as in a real crash of the browser). */
  kill(signal?: NodeJS.Signals): void;
  /** Asks for `app.quit()` and waits for the exit (SIGKILL after `timeoutMs`, default 10000). */
  quit(timeoutMs?: number): Promise<Exit>;
  /** Kills the whole process group and removes the temp userData. */
  dispose(): Promise<void>;
}

const live = new Set<() => void>();
process.once('exit', () => live.forEach((kill) => kill()));

export function launchApp(options: LaunchOptions): LaunchedApp {
  const ownUserData = options.userData === undefined;
  const userData = options.userData ?? mkdtempSync(join(tmpdir(), 'fake-electron-app-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [ENV.role]: 'main',
    [ENV.appName]: options.name ?? 'FakeApp',
    [ENV.appVersion]: options.version ?? '1.0.0',
    [ENV.userData]: userData,
    [ENV.renderer]: options.renderer ?? 'node',
    ...(options.electronVersion ? { [ENV.version]: options.electronVersion } : {}),
    ...options.env,
  };
  const child: ChildProcess = fork(resolve(options.main), options.args ?? [], {
    execArgv: [...(options.nodeArgs ?? []), ...hostExecArgv()],
    env,
    cwd: options.cwd ?? process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
    detached: true,
  });
  const pid = child.pid!;
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));

  const messages: unknown[] = [];
  const taken = new Set<number>();
  const waiters = new Set<() => void>();
  const handlers = new Set<number>();
  child.on('message', (m: { fakeElectron?: unknown; pid?: number }) => {
    if (m?.fakeElectron === 'crash-handler' && m.pid) handlers.add(m.pid);
    if (m?.fakeElectron) return; // the host's own
    messages.push(m);
    waiters.forEach((wake) => wake());
  });
  const exited = new Promise<Exit>((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
  let exit: Exit | undefined;
  void exited.then((e) => {
    exit = e;
    waiters.forEach((wake) => wake());
  });

  const killGroup = (): void => {
    for (const target of [-pid, ...handlers]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  live.add(killGroup);
  const deadline = setTimeout(killGroup, options.timeoutMs ?? 100_000).unref();

  const app: LaunchedApp = {
    pid,
    userData,
    messages,
    waitForMessage<T>(predicate: (m: any) => boolean, timeoutMs = 20_000): Promise<T> {
      return new Promise<T>((ok, fail) => {
        const look = (): void => {
          const i = messages.findIndex((m, index) => !taken.has(index) && predicate(m));
          if (i >= 0) {
            taken.add(i);
            done();
            ok(messages[i] as T);
          } else if (exit) {
            done();
            fail(new Error(`the app exited (${JSON.stringify(exit)}) before the message came; stderr:\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          fail(new Error(`no such message from the app within ${timeoutMs} ms; received ${JSON.stringify(messages).slice(0, 2000)}; stderr:\n${err}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(look);
        };
        waiters.add(look);
        look();
      });
    },
    send(message) {
      if (child.connected) child.send(message as object);
    },
    stdout: () => out,
    stderr: () => err,
    exited,
    kill(signal = 'SIGTERM') {
      child.kill(signal);
    },
    async quit(timeoutMs = 10_000) {
      app.send({ fakeElectron: 'quit' });
      const timer = setTimeout(killGroup, timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    async dispose() {
      clearTimeout(deadline);
      killGroup();
      live.delete(killGroup);
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5000))]);
      // Main died without its quit byte, so its crash sender (own session, not in the group) now waits for a dump
      // that will not come, writing its log under userData: it goes too, before the folder does.
      killCrashSenders(userData);
      if (ownUserData) rmSync(userData, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
  return app;
}

/** SIGKILLs every crash sender started for `userData` (Linux: found by its command line in /proc). */
export function killCrashSenders(userData: string): void {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return; // no /proc: not Linux
  }
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes('sentry-electron-sender') && cmdline.includes(JSON.stringify(userData).slice(1, -1))) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
}
