import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  debug,
  envelopeContainsItemType,
  type BaseTransportOptions,
  type DataCategory,
  type Envelope,
  type Transport,
  type TransportMakeRequestResponse,
} from '@sentry/core';
import type { BodyEncodingOptions } from './body';
import { sendCrash, type CrashSendResult, type NativeCrash } from './crash-send';
import { Deliverer } from './deliver';
import { isElectronMain, makeElectronNetRequest } from './electron-net-request';
import { makeNodeRequest } from './lazy-node-request';
import { loadNativeEnvelope, nativeEntryWriter, nativeMinidumpStripper } from './native-queue-writer';
import { DurableQueue } from './queue';
import { writeEntryJs, type EntryWriter } from './queue-entry';
import { RateLimiter } from './rate-limits';
import { Replayer } from './replay';
import type { RequestFn, RequestOptions } from './request';
import { SENTRY_SIZE_LIMITS, type MinidumpStripper, type SizeLimits } from './size-policy';

export interface NativeTransportOptions extends BaseTransportOptions, RequestOptions, BodyEncodingOptions {
  /** Folder of the durable queue (e.g. under `app.getPath('userData')`); without it, failed envelopes are lost. */
  queueDir?: string;
  /** Cap of the queue in bytes of gzipped entries (default 64 MiB). */
  maxQueueBytes?: number;
  /** Cap of the queue by age (default 30 days). */
  maxQueueAgeMs?: number;
  /** Replay the queue right after start-up (default true). */
  flushAtStartup?: boolean;
  /** Pause between queued sends (default 100 ms). */
  replayGapMs?: number;
  /** First back-off after a failure (default 5 s; doubles up to `maxRetryBackoffMs`, default 1 h). */
  retryBackoffMs?: number;
  maxRetryBackoffMs?: number;
  /** Overrides of Sentry's documented size limits (see `SENTRY_SIZE_LIMITS`). */
  sizeLimits?: Partial<SizeLimits>;
  /** Minidump memory stripper for the 413 downgrade (default: the native one when built); `false` for none. */
  stripMinidump?: MinidumpStripper | false;
  /** How queue entries are written (default: natively when the addon can, else gzip in JS). */
  queueWriter?: EntryWriter;
  /** The request function (default: Electron's `net` in Electron's main process, else Node's http/https). */
  request?: RequestFn;
  /** Where failures are reported (default: @sentry/core's debug logger). */
  log?: (message: string, error?: unknown) => void;
  /**
   * Awaited between the steps of the queue's file work: after an entry is written and before the queue's upkeep
   * (caps, eviction), after a crash entry is written and before it is sent, after a drain claims its first entry
   * and before sending it. Each step is a dozen file operations; the Electron SDK passes a short pause, so that
   * main's thread gets them in small slices (default: none).
   */
  pace?: () => Promise<void>;
}

/** The transport plus what an SDK needs around it: replaying the queue on demand and shutting down. */
export interface NativeTransport extends Transport {
  /** Sends what the queue holds now (also runs at start-up and when delivery recovers). Never rejects. */
  drain(): Promise<void>;
  /** Stops the replay timers (the queue stays on disk for the next start). */
  close(): void;
  readonly queue: DurableQueue | undefined;
  /**
   * Sends a native crash without the minidump ever entering the JS heap: the envelope is written natively into
   * the queue and streamed from there (see `crash-send.ts`). Never rejects; needs the native addon (without it
   * resolves `dropped`).
   */
  sendCrash(crash: NativeCrash): Promise<CrashSendResult>;
}

/**
 * A Sentry transport on @sentry/core's `createTransport`: HTTP(S) with keep-alive and proxies (or Electron's `net`),
 * gzip when it pays, per-category rate limits, size limits with the crash downgrade (stripped minidump, then none),
 * and a durable, cross-process offline queue for 5xx and network failures. `send` never rejects.
 */
/** Writes the deadlines atomically, one write at a time (the latest wins); a failure costs only the sender's view. */
function persistLimits(queueDir: string): (limits: Record<string, number>) => void {
  let chain: Promise<unknown> = Promise.resolve();
  const file = path.join(queueDir, 'rate-limits.json');
  return (limits) => {
    const tmp = `${file}.${process.pid}.tmp`;
    chain = chain
      .then(() => fs.mkdir(queueDir, { recursive: true }))
      .then(() => fs.writeFile(tmp, JSON.stringify(limits)))
      .then(() => fs.rename(tmp, file))
      .catch(() => undefined);
  };
}

export function makeNativeTransport(options: NativeTransportOptions): NativeTransport {
  const log = options.log ?? ((message: string, error?: unknown) => debug.warn(`[transport] ${message}`, error ?? ''));
  const native = loadNativeEnvelope();
  // The deadlines go to `<queue>/rate-limits.json` as well: the crash sender (crates/crash-sender) honours them.
  const limiter = new RateLimiter(Date.now, options.queueDir ? persistLimits(options.queueDir) : undefined);
  const strip = options.stripMinidump === false ? undefined : (options.stripMinidump ?? (native && nativeMinidumpStripper(native)));
  const deliverer = new Deliverer({
    ...options,
    request: options.request ?? defaultRequest(options),
    limiter,
    sizeLimits: { ...SENTRY_SIZE_LIMITS, ...options.sizeLimits },
    stripMinidump: strip || undefined,
    log,
  });
  const countEntry = (categories: string[], reason: 'queue_overflow' | 'network_error' | 'internal_sdk_error') => {
    for (const c of categories) options.recordDroppedEvent(reason, c as DataCategory, 1);
  };
  const queue = options.queueDir
    ? new DurableQueue({
        dir: options.queueDir,
        ...(options.maxQueueBytes !== undefined ? { maxBytes: options.maxQueueBytes } : {}),
        ...(options.maxQueueAgeMs !== undefined ? { maxAgeMs: options.maxQueueAgeMs } : {}),
        writer: options.queueWriter ?? (native ? nativeEntryWriter(native, writeEntryJs) : writeEntryJs),
        ...(options.pace ? { pace: options.pace } : {}),
        onDrop: (entry, why) => {
          log(`queue ${why === 'full' ? 'full' : 'entry expired'}: dropped ${entry.name}`);
          countEntry(entry.categories, 'queue_overflow');
        },
      })
    : undefined;
  const replayer = queue
    ? new Replayer(queue, deliverer, limiter, {
        ...(options.replayGapMs !== undefined ? { gapMs: options.replayGapMs } : {}),
        ...(options.retryBackoffMs !== undefined ? { backoffMs: options.retryBackoffMs } : {}),
        ...(options.maxRetryBackoffMs !== undefined ? { maxBackoffMs: options.maxRetryBackoffMs } : {}),
        log,
        onCorrupt: () => options.recordDroppedEvent('internal_sdk_error', 'default', 1),
        // A replayed crash entry refused as too large is downgraded file to file, natively (never in the JS heap).
        // (A custom `stripMinidump` function keeps the JS path, which calls it.)
        ...(native?.downgradeEnvelopeFile && typeof options.stripMinidump !== 'function'
          ? {
              downgradeFile: (src: string, dst: string, mode: 'strip-minidump-memory' | 'drop-minidump') =>
                native.downgradeEnvelopeFile!(src, dst, mode),
              canStrip: options.stripMinidump !== false,
            }
          : {}),
        onMinidumpDropped: () => options.recordDroppedEvent('send_error', 'attachment', 1),
        ...(options.pace ? { pace: options.pace } : {}),
      })
    : undefined;
  const pending = new Set<Promise<unknown>>();
  const sizeLimits = { ...SENTRY_SIZE_LIMITS, ...options.sizeLimits };

  async function crash(report: NativeCrash): Promise<CrashSendResult> {
    const eventId = report.event.event_id ?? '';
    if (!native) {
      log('sendCrash needs the native addon: crash dropped');
      options.recordDroppedEvent('internal_sdk_error', 'error', 1);
      return { eventId, outcome: 'dropped', form: 'full' };
    }
    try {
      return await sendCrash(
        {
          native: {
            writeEnvelope: async (spec, file) => native.writeEnvelope(spec as never, file),
            stripMinidumpMemory: async (src, dst) => native.stripMinidumpMemory(src, dst),
          },
          deliverer,
          queue,
          canStrip: options.stripMinidump !== false,
          sizeLimits,
          header: {},
          onRetry: () => replayer?.failed(),
          onSent: () => void queue?.list().then((l) => (l.length > 0 ? replayer?.drain() : undefined)),
          isBacklogged: () => replayer?.backlogged ?? false,
          ...(options.pace ? { pace: options.pace } : {}),
          log,
          recordDroppedEvent: (reason, category) => options.recordDroppedEvent(reason, category, 1),
        },
        report,
      );
    } catch (e) {
      log('sendCrash failed', e);
      options.recordDroppedEvent('internal_sdk_error', 'error', 1);
      return { eventId, outcome: 'dropped', form: 'full' };
    }
  }

  async function store(envelope: Envelope): Promise<void> {
    // Client reports are not worth a disk write: the next one carries the counts again.
    if (!queue || !replayer || envelopeContainsItemType(envelope, ['client_report'])) {
      deliverer.record(envelope, 'network_error');
      return;
    }
    try {
      await queue.push(envelope);
      replayer.failed();
    } catch (e) {
      log('could not queue an envelope (it is lost)', e);
      deliverer.record(envelope, 'network_error');
    }
  }

  async function send(envelope: Envelope): Promise<TransportMakeRequestResponse> {
    try {
      // While a backlog waits, fresh envelopes queue behind it so the server sees them in order.
      if (replayer?.backlogged && !envelopeContainsItemType(envelope, ['client_report'])) {
        await store(envelope);
        return {};
      }
      const outcome = await deliverer.deliver(envelope);
      if (outcome === 'retry') await store(envelope);
      else if (outcome === 'sent' && replayer && (await queue!.list()).length > 0) void replayer.drain();
    } catch (e) {
      log('send failed', e);
    }
    return {};
  }

  const transport: NativeTransport = {
    send(envelope) {
      const p = send(envelope);
      pending.add(p);
      void p.finally(() => pending.delete(p));
      return p;
    },
    async flush(timeout) {
      const all = Promise.all([...pending]).then(() => deliverer.flush(timeout));
      if (timeout === undefined) return all;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeout)));
      try {
        return await Promise.race([all, expired]);
      } finally {
        clearTimeout(timer);
      }
    },
    sendCrash(report) {
      const p = crash(report);
      pending.add(p);
      void p.finally(() => pending.delete(p));
      return p;
    },
    drain: () => replayer?.drain() ?? Promise.resolve(),
    close: () => replayer?.close(),
    queue,
  };
  if (replayer && options.flushAtStartup !== false) replayer.schedule(0);
  return transport;
}

function defaultRequest(options: RequestOptions): RequestFn {
  if (isElectronMain()) {
    return makeElectronNetRequest(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
  }
  return makeNodeRequest(options);
}
