/**
 * NativeCrashes: every dump Crashpad finishes becomes one rich crash event, sent once, with the scope of the process
 * that crashed. Dumps are found by a start-up scan, file watching and Electron's gone-events; handled one at a
 * time off the JS thread (completeness check, parse and envelope are native, on libuv's pool); deleted only once
 * the envelope is sent or safely queued, or the app's `beforeSend` dropped it. This file wires the steps; each
 * lives in its own file, named for what it does.
 */
import * as path from 'node:path';
import { debug, defineIntegration, getCurrentScope, getIsolationScope, type Client } from '@sentry/core';
import type { ElectronMainClient, NativeCrashOutcome } from '../client';
import { electron } from '../electron';
import { settlePreviousSession } from '../integrations/main-process-session';
import { DEFAULTS, type ElectronClientOptions } from '../options';
import { onShutdown } from '../shutdown';
import { CrashBookkeeping } from './crash-bookkeeping';
import { startCrashReporter } from './crash-reporter';
import { assembleCrash, type CrashRuns } from './crash-scope';
import type { DumpFile } from './database';
import { DumpClaims } from './dump-claims';
import { DumpScanner } from './dump-scanner';
import { DumpLedger } from './ledger';
import { minidumpToSend } from './minidump-for-send';
import { pause } from './pace';
import { readReport } from './read-report';
import { markCrashed } from './session-link';
import { RunScopeStore, SENDER_WRITE_DEBOUNCE_MS } from './run-scope';
import { startSender, takeSenderReport, type RunningSender } from './sender';

export interface NativeCrashesOptions {
  /** Start Electron's `crashReporter` (uploads off) unless the app already did (default true). */
  startCrashReporter?: boolean;
  /** `'all'` (default): every thread's stack in the event, walked natively; `'crashed'`: the crash's only. */
  threads?: 'all' | 'crashed';
}

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

class NativeCrashWatcher {
  private readonly options: ElectronClientOptions;
  private readonly sentryDir: string;
  private readonly runScope: RunScopeStore;
  private readonly runs: CrashRuns;
  private readonly scanner: DumpScanner;
  private readonly bookkeeping: CrashBookkeeping;
  private readonly database: string;
  private readonly useSender: boolean;
  private sender: RunningSender | undefined;

  public constructor(
    private readonly client: ElectronMainClient,
    private readonly integrationOptions: NativeCrashesOptions,
  ) {
    const { app } = electron();
    this.options = client.getOptions();
    this.sentryDir = path.join(app.getPath('userData'), 'sentry');
    const database = app.getPath('crashDumps');
    this.database = database;
    const ledger = new DumpLedger(this.sentryDir);
    this.runs = { runStart: Date.now() - process.uptime() * 1000, previousRun: undefined };
    this.useSender = this.options.mainCrashSender !== false;
    this.runScope = new RunScopeStore(this.sentryDir, client, this.runs.runStart, this.useSender ? SENDER_WRITE_DEBOUNCE_MS : undefined);
    this.bookkeeping = new CrashBookkeeping(client, ledger, database);
    const claims = new DumpClaims({
      client,
      options: this.options,
      database,
      ledger,
      reported: () => this.bookkeeping.reported,
      forget: (name) => this.scanner.forget(name),
      scan: () => void this.scanner.scan(),
    });
    this.scanner = new DumpScanner(database, (dump) => claims.handle(dump, (claimed) => this.report(claimed)));
  }

  public start(): void {
    const { app } = electron();
    if (this.integrationOptions.startCrashReporter !== false) startCrashReporter();
    if (this.useSender) {
      this.sender = startSender(this.client, {
        database: this.database,
        sentryDir: this.sentryDir,
        runStart: this.runs.runStart,
        threads: this.integrationOptions.threads ?? 'all',
      });
    }
    const ready = this.runScope.readPrevious().then(async (previous) => {
      this.runs.previousRun = previous;
      // Listening from here, before the first write: a change made while it is under way is written after it.
      const schedule = (): void => this.runScope.schedule();
      getCurrentScope().addScopeListener(schedule);
      getIsolationScope().addScopeListener(schedule);
      // The previous run's main crash was reported by its sender: that run's session ended crashed.
      if (previous && (await takeSenderReport(this.sentryDir, previous.startedAt))) markCrashed(this.client, 'previous');
      await this.runScope.flush();
      // Sending needs the app ready (Electron's net); parsing does not, but one order keeps it simple.
      await app.whenReady();
    });
    void ready.then(async () => {
      await this.scanner.scan();
      // The start-up scan is done: the previous run's session can now be sent (crashed, if a dump of its main was found).
      void this.scanner.idle().then(() => settlePreviousSession(this.client));
      this.scanner.watch();
      const burst = (): void => this.scanner.scanBurst();
      app.on('render-process-gone', burst);
      app.on('child-process-gone', burst);
    }).catch((e) => debug.warn('[NativeCrashes] start-up failed', e));
    onShutdown(this.client, () => {
      // A normal quit: the sender exits at once, there is nothing for it to report.
      this.sender?.quit();
      return Promise.all([this.scanner.idle(), this.runScope.flush()]);
    });
  }

  /** One claimed dump: parse, event and scopes, attachment, send or queue, then the bookkeeping. */
  private async report(dump: DumpFile): Promise<void> {
    await pause(); // after the check and the claim
    const report = await readReport(dump, this.options.symbolPaths, this.integrationOptions.threads);
    await pause();
    const policy = this.options.minidumpPolicy ?? DEFAULTS.minidumpPolicy;
    const crash = assembleCrash(this.client, dump, report, this.runs, { policy, sendDefaultPii: Boolean(this.options.sendDefaultPii) });
    await pause();

    const minidump = await minidumpToSend(dump, policy, this.sentryDir);
    let outcome: NativeCrashOutcome;
    try {
      const attachment = minidump.path ? { minidumpPath: minidump.path, policy } : { policy: 'omit' as const };
      outcome = await this.client.captureNativeCrash(crash.event, attachment, crash.scope, crash.isolation);
    } finally {
      // The stripped copy only feeds the send (a queued crash holds its own bytes): it goes before the dump does,
      // so that a handled dump never leaves a copy behind.
      await minidump.cleanup();
    }
    if (outcome.outcome === 'failed') {
      debug.warn(`[NativeCrashes] ${dump.name}.dmp could not be sent or queued: kept for the next start`);
      return;
    }
    await this.bookkeeping.settle(dump, outcome, crash.session);
  }
}
