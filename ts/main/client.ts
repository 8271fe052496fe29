/**
 * The client of Electron's main process: @sentry/core's server runtime client, plus the one path it lacks — a
 * native crash whose minidump goes from disk into the envelope (and the offline queue) without entering the JS
 * heap, reported as done only once it is sent or safely queued, so the dump can then be deleted.
 */
import { createEventEnvelope, type Event, type EventHint, type Scope } from '@sentry/core';
import { ServerRuntimeClient } from '@sentry/core/server';
import type { NativeTransport } from '../transport';
import { pause } from './native-crashes/pace';
import type { ElectronClientOptions, MinidumpPolicy } from './options';

/** How a native crash report ended: what the app decided, and what became of the envelope. */
export type NativeCrashOutcome =
  | { outcome: 'sent' | 'queued'; eventId: string; form: 'full' | 'stripped' | 'without-minidump' }
  | { outcome: 'dropped-by-app' }
  | { outcome: 'failed' };

/** The native crash a hint carries through the client pipeline (beforeSend sees `hint.data.minidumpPath`). */
interface CrashInFlight {
  minidumpPath: string | undefined;
  policy: MinidumpPolicy;
  done(outcome: NativeCrashOutcome): void;
}

const CRASH = Symbol.for('sentry-electron-native.crash');

type CrashHint = EventHint & { [CRASH]?: CrashInFlight };

export class ElectronMainClient extends ServerRuntimeClient<ElectronClientOptions> {
  /** Told of each native crash handed to the transport (the `spotlight` option copies it to the sidecar). */
  public onNativeCrashSent: ((event: Event, minidumpPath?: string) => void) | undefined;

  public constructor(options: ElectronClientOptions) {
    super({
      ...options,
      platform: 'node',
      runtime: { name: 'electron', ...(process.versions.electron ? { version: process.versions.electron } : {}) },
    });
  }

  /**
   * Runs a native crash event through the whole pipeline (scope, event processors, sampling, `beforeSend`) and
   * sends it with its minidump as the policy says. Resolves when the envelope is sent or queued, or when the app
   * dropped the event; never rejects.
   */
  public captureNativeCrash(
    event: Event,
    crash: { minidumpPath?: string; policy: MinidumpPolicy },
    scope: Scope,
    /** Replaces the isolation scope (a previous run's crash must not get this run's tags). */
    isolationScope?: Scope,
  ): Promise<NativeCrashOutcome> {
    return new Promise<NativeCrashOutcome>((resolve) => {
      let settled = false;
      const done = (o: NativeCrashOutcome): void => {
        if (!settled) (settled = true), resolve(o);
      };
      const hint: CrashHint = {
        event_id: event.event_id,
        data: { minidumpPath: crash.minidumpPath, minidumpPolicy: crash.policy },
        [CRASH]: { minidumpPath: crash.minidumpPath, policy: crash.policy, done },
      };
      this._process(
        () =>
          this._captureEvent(event, hint, scope, isolationScope).then(
            (id) => (id ? undefined : done({ outcome: 'dropped-by-app' })),
            () => done({ outcome: 'failed' }),
          ),
        'error',
      );
    });
  }

  public override sendEvent(event: Event, hint: EventHint = {}): void {
    const crash = (hint as CrashHint)[CRASH];
    if (!crash) return super.sendEvent(event, hint);
    this.emit('beforeSendEvent', event, hint);
    void this.sendCrash(event, crash).then(crash.done, () => crash.done({ outcome: 'failed' }));
  }

  private async sendCrash(event: Event, crash: CrashInFlight): Promise<NativeCrashOutcome> {
    const transport = this.getTransport() as NativeTransport | undefined;
    if (!this._isEnabled() || !transport) return { outcome: 'failed' };
    // The event pipeline and the queue write are two steps, each with main's thread to itself (native-crashes/pace.ts).
    await pause();
    if (crash.minidumpPath && crash.policy !== 'omit' && typeof transport.sendCrash === 'function') {
      const r = await transport.sendCrash({ event, minidumpPath: crash.minidumpPath });
      if (r.outcome !== 'dropped') this.onNativeCrashSent?.(event, crash.minidumpPath);
      this.emit('afterSendEvent', event, {});
      return r.outcome === 'dropped' ? { outcome: 'failed' } : { outcome: r.outcome, eventId: r.eventId, form: r.form };
    }
    // The event alone: an ordinary envelope, through the same transport (rate limits, queue, Spotlight).
    const envelope = createEventEnvelope(event, this.getDsn(), this._options._metadata, this._options.tunnel);
    await this.sendEnvelope(envelope);
    this.emit('afterSendEvent', event, {});
    return { outcome: 'sent', eventId: event.event_id ?? '', form: 'without-minidump' };
  }
}
