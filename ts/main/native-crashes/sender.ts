/**
 * The out-of-process sender (crates/crash-sender): a small native executable, shipped beside the addon, that
 * init() starts detached (its own session and process group, so main's crash and the OS's clean-up of main's
 * children leave it running). It sleeps on main's process handle, and when main dies of a native crash it reports
 * that crash at once, with the scope spooled in run-scope.json, instead of at the next launch. Main tells it of a
 * normal quit with one byte on its stdin (the control pipe). Missing or unstartable (a sandboxed build): one
 * debug message, and main's crashes go the next-launch way as before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { debug, type Client } from '@sentry/core';
import { addonFolders } from '../../native/load';
import { endpointFromDsn } from '../../transport/dsn';
import type { ElectronClientOptions } from '../options';

/** Set to the path of a sender executable to start that one (a local build). */
export const SENDER_ENV = 'SENTRY_ELECTRON_SENDER';
export const SENDER_NAME = process.platform === 'win32' ? 'sentry-electron-sender.exe' : 'sentry-electron-sender';

export interface SenderFacts {
  database: string;
  sentryDir: string;
  runStart: number;
  threads: 'all' | 'crashed';
}

/** The executable: the override, else the first beside the addon (its folders, in an asar app unpacked ones). */
export function senderPath(): string | undefined {
  const override = process.env[SENDER_ENV];
  if (override) return override;
  return addonFolders().map((dir) => path.join(dir, SENDER_NAME)).find((file) => existsSync(file));
}

export interface RunningSender {
  child: ChildProcess;
  /** Tells the sender that main quits normally: it exits at once. */
  quit(): void;
}

/** Starts the sender for this main process; `undefined` (with one debug message) when it cannot run. */
export function startSender(client: Client, facts: SenderFacts): RunningSender | undefined {
  const options = client.getOptions() as ElectronClientOptions;
  const file = senderPath();
  if (!file) {
    debug.warn(`[NativeCrashes] the crash sender (${SENDER_NAME}) is missing beside the addon: main's native crashes are reported at the next launch`);
    return undefined;
  }
  const endpoint = options.dsn ? endpointFromDsn(options.dsn, options.tunnel) : undefined;
  const config = {
    mainPid: process.pid,
    database: facts.database,
    sentryDir: facts.sentryDir,
    queueDir: (options.transportOptions as { queueDir?: string } | undefined)?.queueDir ?? path.join(facts.sentryDir, 'queue'),
    url: endpoint?.url ?? null,
    dsn: options.dsn ?? null,
    runStart: facts.runStart,
    release: options.release ?? null,
    environment: options.environment ?? null,
    dist: options.dist ?? null,
    policy: options.minidumpPolicy ?? 'attach',
    sendDefaultPii: Boolean(options.sendDefaultPii),
    home: os.homedir(),
    threadsCrashedOnly: facts.threads === 'crashed',
    symbolPaths: options.symbolPaths ?? [],
    sdkName: options._metadata?.sdk?.name ?? 'sentry.javascript.electron-native',
    sdkVersion: options._metadata?.sdk?.version ?? '0.0.0',
  };
  let child: ChildProcess;
  try {
    // Detached: a session and process group of its own (setsid), so it survives main's crash and its group's
    // clean-up. Its stdin is the control pipe; nothing of main waits for it (unref).
    child = spawn(file, ['--config', JSON.stringify(config)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], windowsHide: true });
  } catch (e) {
    debug.warn(`[NativeCrashes] the crash sender (${file}) could not start: main's native crashes are reported at the next launch`, e);
    return undefined;
  }
  child.once('error', (e) => debug.warn(`[NativeCrashes] the crash sender (${file}) could not start: main's native crashes are reported at the next launch`, e));
  child.stdin?.on('error', () => undefined); // a sender that already exited: nothing to tell it
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    child,
    quit() {
      if (child.exitCode !== null || !child.stdin?.writable) return;
      child.stdin.end('q');
    },
  };
}

/** The sender's note that it reported main's crash of the run started at `runStart` (crates/crash-sender, run.rs). */
export const SENDER_REPORT_FILE = 'sender-reported.json';

/** Whether the sender reported a main crash of the run that started at `runStart`; the note is removed. */
export async function takeSenderReport(sentryDir: string, runStart: number): Promise<boolean> {
  const file = path.join(sentryDir, SENDER_REPORT_FILE);
  try {
    const note = JSON.parse(await fs.readFile(file, 'utf8')) as { runStart?: unknown };
    await fs.rm(file, { force: true });
    return typeof note.runStart === 'number' && Math.abs(note.runStart - runStart) < 1;
  } catch {
    return false;
  }
}
