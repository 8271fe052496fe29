/**
 * NativeCrashes: every dump Crashpad finishes becomes one rich crash event, sent once, with the scope of the process
 * that crashed. Dumps are found by a start-up scan, file watching and Electron's gone-events; handled one at a
 * time off the JS thread (completeness check, parse and envelope are native, on libuv's pool); deleted only once
 * the envelope is sent or safely queued, or the app's `beforeSend` dropped it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { debug, defineIntegration, getCurrentScope, getIsolationScope, Scope, type Client, type Event } from '@sentry/core';
import { checkMinidump } from '../../native/complete';
import { stripMinidumpMemory } from '../../envelope/native-envelope';
import { parseMinidump } from '../../native/parse';
import type { ElectronMainClient, NativeCrashOutcome } from '../client';
import { electron } from '../electron';
import { settlePreviousSession } from '../integrations/main-process-session';
import { goneProcessesOf } from '../gone-processes';
import { rendererScopesOf } from '../ipc/renderer-scopes';
import { DEFAULTS, type ElectronClientOptions } from '../options';
import { onShutdown } from '../shutdown';
import { nativeCrashEvent } from '../../event/native-crash-event';
import { DUMP_PAUSE_MS, pause } from './pace';
import { deleteReport, listDumps, watchDatabase, type DumpFile } from './database';
import { DumpLedger } from './ledger';
import { RunScopeStore, scopeFromRun, type RunScope } from './run-scope';
import { mergedRendererScope } from './scope-merge';
import { markCrashed } from './session-link';

export interface NativeCrashesOptions {
  /** Start Electron's `crashReporter` (uploads off) unless the app already did (default true). */
  startCrashReporter?: boolean;
}

/** A dump that fails the structural check is re-checked this many times (a copy may still be arriving) before it is reported as unreadable. */
const INCOMPLETE_RETRIES = 5;
const RETRY_DELAY_MS = 2000;
export const nativeCrashesIntegration = defineIntegration((integrationOptions: NativeCrashesOptions = {}) => ({
  name: 'NativeCrashes',
  setup(client: Client) {
    try {
      new NativeCrashWatcher(client as ElectronMainClient, integrationOptions).start();
    } catch (e) {
      debug.warn('[NativeCrashes] could not start: native crashes will not be reported', e);
    }
  },
}));

/** Never contacted (uploads stay off); `.invalid` cannot resolve, should an app turn uploads on. */
const PLACEHOLDER_SUBMIT_URL = 'https://crashpad-uploads-disabled.invalid/';

class NativeCrashWatcher {
  private readonly options: ElectronClientOptions;
  private readonly sentryDir: string;
  private readonly database: string;
  private readonly ledger: DumpLedger;
  private readonly runScope: RunScopeStore;
  /** When this process started: a dump written before it comes from an earlier run. */
  private readonly runStart = Date.now() - process.uptime() * 1000;
  private previousRun: RunScope | undefined;
  private readonly seen = new Set<string>();
  private readonly attempts = new Map<string, number>();
  private reported = 0;
  private chain: Promise<void> = Promise.resolve();
  private scanning: Promise<void> | undefined;
  private rescan = false;

  public constructor(
    private readonly client: ElectronMainClient,
    private readonly integrationOptions: NativeCrashesOptions,
  ) {
    const { app } = electron();
    this.options = client.getOptions();
    this.sentryDir = path.join(app.getPath('userData'), 'sentry');
    this.database = app.getPath('crashDumps');
    this.ledger = new DumpLedger(this.sentryDir);
    this.runScope = new RunScopeStore(this.sentryDir, client, this.runStart);
  }

  public start(): void {
    const { app } = electron();
    if (this.integrationOptions.startCrashReporter !== false) this.startCrashReporter();
    const ready = this.runScope.readPrevious().then(async (previous) => {
      this.previousRun = previous;
      await this.runScope.flush();
      const schedule = (): void => this.runScope.schedule();
      getCurrentScope().addScopeListener(schedule);
      getIsolationScope().addScopeListener(schedule);
      // Sending needs the app ready (Electron's net); parsing does not, but one order keeps it simple.
      await app.whenReady();
    });
    void ready.then(async () => {
      await this.scan();
      // The start-up scan is done: the previous run's session can now be sent (crashed, if a dump of its main was found).
      void this.chain.then(() => settlePreviousSession(this.client));
      watchDatabase(this.database, () => this.scan(), { ignore: (file) => file.endsWith('.dmp') && this.seen.has(file.slice(0, -4)) });
      const burst = (): void => {
        for (const ms of [250, 1000, 3000, 8000]) setTimeout(() => this.scan(), ms).unref?.();
      };
      app.on('render-process-gone', burst);
      app.on('child-process-gone', burst);
    }).catch((e) => debug.warn('[NativeCrashes] start-up failed', e));
    onShutdown(this.client, () => Promise.all([this.chain, this.runScope.flush()]));
  }

  /**
   * Starts Electron's crashReporter, as late as it can still watch every process: at `will-finish-launching` (just
   * before `ready`, before any window), or at once when the app is ready already. An app that starts it itself in
   * its first tick, before or after `init()`, keeps its own settings (Electron ignores a second `start()`); its
   * dumps are found all the same, in `completed/` or, without a submitURL, in `pending/`.
   *
   * The submitURL is a placeholder that can never resolve (`.invalid`, RFC 2606) and is never used, uploads being
   * off: with no URL at all, Linux's handler leaves every report in `pending/` and never finishes it.
   */
  private startCrashReporter(): void {
    const { app } = electron();
    if (app.isReady()) this.startCrashReporterNow();
    else app.once('will-finish-launching', () => this.startCrashReporterNow());
  }

  private startCrashReporterNow(): void {
    const { app, crashReporter } = electron();
    try {
      crashReporter.start({
        submitURL: PLACEHOLDER_SUBMIT_URL,
        uploadToServer: false,
        ignoreSystemCrashHandler: true,
        productName: app.getName(),
        compress: true,
      });
    } catch (e) {
      debug.warn('[NativeCrashes] crashReporter.start() failed: native crashes will not be recorded', e);
    }
    try {
      if (crashReporter.getUploadToServer()) {
        console.warn('[sentry-electron-native] crashReporter uploads to its own server too: each native crash may be reported twice.');
      }
    } catch {
      // getUploadToServer is main-process only and always there; ignore the impossible
    }
  }

  /**
   * Queues every finished dump not seen yet, one at a time with a pause before each. Never rejects. One scan at a
   * time: a scan asked for meanwhile (the watcher, a gone-event) runs once after it, not beside it.
   */
  private scan(): Promise<void> {
    if (this.scanning) {
      this.rescan = true;
      return this.scanning;
    }
    this.scanning = this.scanOnce().finally(() => {
      this.scanning = undefined;
      if (this.rescan) {
        this.rescan = false;
        void this.scan();
      }
    });
    return this.scanning;
  }

  private scanOnce(): Promise<void> {
    return listDumps(this.database, { skip: (name) => this.seen.has(name), pause: () => pause(DUMP_PAUSE_MS) })
      .then((dumps) => {
        for (const dump of dumps) {
          if (this.seen.has(dump.name)) continue;
          this.seen.add(dump.name);
          this.chain = this.chain
            .then(() => pause(DUMP_PAUSE_MS))
            .then(() => this.handle(dump))
            .catch((e) => debug.warn('[NativeCrashes] a dump could not be handled', e));
        }
      })
      .catch((e) => debug.warn('[NativeCrashes] scanning the crash database failed', e));
  }

  private async handle(dump: DumpFile): Promise<void> {
    if (Date.now() - dump.mtimeMs > (this.options.maxDumpAgeMs ?? DEFAULTS.maxDumpAgeMs)) {
      return void (await this.discard(dump, 'older than maxDumpAgeMs'));
    }
    // Over the cap nothing about the dump matters: it is deleted unread (a crash loop's hundreds of dumps cost
    // no structural check, no parse and no ledger entry each).
    const cap = this.options.maxNativeCrashesPerSession ?? DEFAULTS.maxNativeCrashesPerSession;
    if (this.reported >= cap) {
      if (await this.discard(dump, `over the cap of ${cap} native crashes this session`)) this.client.recordDroppedEvent('ratelimit_backoff', 'error');
      return;
    }
    const check = await checkMinidump(dump.path).catch(() => undefined);
    if (!check) return; // gone meanwhile (another instance, or Crashpad's own cleanup)
    if (!check.complete) {
      const n = (this.attempts.get(dump.name) ?? 0) + 1;
      this.attempts.set(dump.name, n);
      if (n < INCOMPLETE_RETRIES) {
        this.seen.delete(dump.name);
        setTimeout(() => this.scan(), RETRY_DELAY_MS).unref?.();
        return;
      }
      debug.warn(`[NativeCrashes] ${dump.name}.dmp stays incomplete (${check.reason}): reported as unreadable, with the file`);
    }
    await pause(); // after the structural check
    if (!(await this.ledger.claim(dump.name))) return; // another instance of the app has it
    try {
      if (await this.ledger.handled(dump.name)) return void (await this.delete(dump));
      // Discarded by another instance between our check and our claim (discards leave no ledger entry).
      if (!(await exists(dump.path))) return;
      await this.report(dump);
    } finally {
      await this.ledger.release(dump.name).catch(() => undefined);
    }
  }

  private async report(dump: DumpFile): Promise<void> {
    await pause(); // after the check and the claim
    const report = await parseMinidump(dump.path, { ...(this.options.symbolPaths ? { symbols: this.options.symbolPaths } : {}) }).catch((e) => {
      debug.warn(`[NativeCrashes] ${dump.name}.dmp could not be parsed`, e);
      return undefined;
    });
    await pause();
    const policy = this.options.minidumpPolicy ?? DEFAULTS.minidumpPolicy;
    const sendDefaultPii = Boolean(this.options.sendDefaultPii);
    let event: Event;
    let scope: Scope = getCurrentScope();
    let isolation: Scope | undefined;
    let fromPreviousRun = false;
    if (report) {
      const dumpTime = Date.parse(report.dumpTime) || dump.mtimeMs;
      const previous = this.previousRun;
      fromPreviousRun = dumpTime < this.runStart;
      const gone = fromPreviousRun ? undefined : goneProcessesOf(this.client).claim({ pid: report.processId, processType: report.processType });
      const scopes = rendererScopesOf(this.client);
      const webContentsId = fromPreviousRun ? undefined : ((report.processId ? scopes.findByPid(report.processId) : undefined) ?? gone?.webContentsId);
      event = nativeCrashEvent({ report, policy, gone, webContentsId, url: webContentsId !== undefined ? scopes.urlOf(webContentsId) : undefined, sendDefaultPii });
      if (fromPreviousRun && previous && dumpTime >= previous.startedAt) {
        // The run that crashed: its release and scope, not this run's.
        Object.assign(event, pick(previous, ['release', 'environment', 'dist']));
        scope = scopeFromRun(previous);
        isolation = new Scope();
      } else if (fromPreviousRun) {
        event.tags = { ...event.tags, 'crash.run': 'unknown' };
        isolation = new Scope();
        scope = new Scope();
      } else if (webContentsId !== undefined) {
        scope = mergedRendererScope(getCurrentScope(), scopes.scopeOf(webContentsId));
      }
    } else {
      event = unreadableDumpEvent(dump);
    }
    await pause();

    let minidumpPath: string | undefined = policy === 'omit' ? undefined : dump.path;
    let stripped: string | undefined;
    if (policy === 'strip') {
      stripped = path.join(this.sentryDir, 'tmp', `${dump.name}.stripped.dmp`);
      await fs.mkdir(path.dirname(stripped), { recursive: true });
      minidumpPath = await stripMinidumpMemory(dump.path, stripped).then(
        () => stripped,
        (e) => (debug.warn('[NativeCrashes] stripping the dump failed: sending the event alone', e), undefined),
      );
    }
    let outcome: NativeCrashOutcome;
    try {
      outcome = await this.client.captureNativeCrash(event, { ...(minidumpPath ? { minidumpPath } : {}), policy: minidumpPath ? policy : 'omit' }, scope, isolation);
    } finally {
      // The stripped copy only feeds the send (a queued crash holds its own bytes): it goes before the dump does,
      // so that a handled dump never leaves a copy behind.
      if (stripped) await fs.rm(stripped, { force: true }).catch(() => undefined);
    }
    if (outcome.outcome === 'failed') {
      debug.warn(`[NativeCrashes] ${dump.name}.dmp could not be sent or queued: kept for the next start`);
      return;
    }
    await pause(); // after the queue write and the send
    if (outcome.outcome !== 'dropped-by-app') {
      this.reported += 1;
      markCrashed(this.client, fromPreviousRun && (report?.processType ?? 'browser') === 'browser' ? 'previous' : 'current');
      await pause(); // after the session update
    }
    await this.ledger.record(dump.name);
    await this.delete(dump);
    await pause(); // after the bookkeeping, before the next dump
  }

  /** Deletes a handled report (gone already is fine: another instance, or Crashpad's own clean-up). */
  private delete(dump: DumpFile): Promise<void> {
    return deleteReport(this.database, dump).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  /**
   * Deletes a dump that will not be reported, under its claim. Only a dump that cannot be deleted goes into the
   * ledger (so that no instance reports it later); one deleted is gone for every instance. Resolves to whether this
   * call deleted it.
   */
  private async discard(dump: DumpFile, why: string): Promise<boolean> {
    if (!(await this.ledger.claim(dump.name))) return false;
    try {
      await deleteReport(this.database, dump);
      debug.log(`[NativeCrashes] ${dump.name}.dmp discarded: ${why}`);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false; // handled by another instance meanwhile
      debug.warn(`[NativeCrashes] ${dump.name}.dmp could not be deleted (${why}): remembered as handled`, e);
      await this.ledger.record(dump.name);
      return false;
    } finally {
      await this.ledger.release(dump.name).catch(() => undefined);
    }
  }
}

const exists = (file: string): Promise<boolean> => fs.access(file).then(() => true, () => false);

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** A dump that cannot be read is still a crash: report it with the file, so nothing is lost. */
function unreadableDumpEvent(dump: DumpFile): Event {
  return {
    level: 'fatal',
    platform: 'native',
    message: `Native crash (the minidump ${dump.name}.dmp could not be read on the client)`,
    tags: { 'event.environment': 'native', 'minidump.readable': 'no' },
  };
}
