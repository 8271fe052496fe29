/**
 * @sentry/electron 7's transport factories, on ours: Electron's `net`, Sentry's rate limits and size limits, and —
 * for the offline one — the durable queue on disk (`<userData>/sentry/queue`), shared with native crash reports.
 */
import * as path from 'node:path';
import { debug, makeOfflineTransport, type BaseTransportOptions, type OfflineTransportOptions, type Transport } from '@sentry/core';
import { makeNativeTransport, type NativeTransportOptions } from '../transport';
import { electron } from './electron';
import { safe } from './integrations/shared';

/** Options of makeElectronTransport: the transport's own plus extra request headers. */
export interface ElectronNetTransportOptions extends BaseTransportOptions {
  headers?: Record<string, string>;
}

/** Options of the offline transport: @sentry/electron 7's names (`maxAgeDays`, `maxQueueSize`) and ours. */
export type ElectronOfflineTransportOptions = ElectronNetTransportOptions &
  Partial<OfflineTransportOptions> &
  Partial<NativeTransportOptions> & {
    /** Where the queue lives (default `<userData>/sentry/queue`). */
    queuePath?: string;
    /** Queued envelopes older than this are dropped (default 30). */
    maxAgeDays?: number;
    /** @sentry/electron 7 capped the queue by count; ours caps it by bytes (`maxQueueBytes`): ignored. */
    maxQueueSize?: number;
  };

/** Sends through Electron's `net` without a queue: what cannot be sent now is lost. */
export function makeElectronTransport(options: ElectronNetTransportOptions): Transport {
  return makeNativeTransport({ ...(options as NativeTransportOptions), queueDir: undefined });
}

/**
 * Sends through Electron's `net`, and keeps what fails (network down, 5xx) in the durable queue, replayed at the
 * next start and when delivery recovers. A custom base transport gets @sentry/core's offline wrapper instead
 * (its `createStore` option then says where envelopes wait).
 */
export function makeElectronOfflineTransport<T extends BaseTransportOptions>(
  baseTransport?: (options: T & ElectronOfflineTransportOptions) => Transport,
): (options: T & ElectronOfflineTransportOptions) => Transport {
  if (baseTransport && baseTransport !== (makeElectronTransport as unknown)) {
    return makeOfflineTransport(baseTransport) as (options: T & ElectronOfflineTransportOptions) => Transport;
  }
  return (options) => {
    const queueDir = options.queuePath ?? options.queueDir ?? safe(() => path.join(electron().app.getPath('userData'), 'sentry', 'queue'));
    if (!queueDir) debug.warn('[transport] no userData folder: envelopes that fail are not kept');
    return makeNativeTransport({
      ...(options as NativeTransportOptions),
      queueDir,
      ...(options.maxAgeDays !== undefined ? { maxQueueAgeMs: options.maxAgeDays * 24 * 3600 * 1000 } : {}),
    });
  };
}
