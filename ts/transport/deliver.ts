import { createReadStream, promises as fs } from 'node:fs';
import {
  createEnvelope,
  createTransport,
  envelopeItemTypeToDataCategory,
  forEachEnvelopeItem,
  parseEnvelope,
  serializeEnvelope,
  type DataCategory,
  type Envelope,
  type EventDropReason,
  type InternalBaseTransportOptions,
  type Transport,
  type TransportMakeRequestResponse,
  type TransportRequest,
} from '@sentry/core';
import { encodeBody, type BodyEncodingOptions } from './body';
import { envelopeCategories, type RateLimiter } from './rate-limits';
import type { RequestFn } from './request';
import { downgrades, exceedsLimits, isCrashEnvelope, type MinidumpStripper, type SizeLimits } from './size-policy';

/** How one attempt ended: delivered, given up (counted in a client report), or worth keeping for later. */
export type Outcome = 'sent' | 'dropped' | 'retry';

/** How a streamed file ended: an `Outcome`, or too large for the server (the caller writes a smaller one). */
export type FileOutcome = Outcome | 'too-large';

export interface DelivererOptions extends InternalBaseTransportOptions, BodyEncodingOptions {
  url: string;
  headers?: Record<string, string>;
  request: RequestFn;
  limiter: RateLimiter;
  sizeLimits: SizeLimits;
  stripMinidump?: MinidumpStripper;
  log: (message: string, error?: unknown) => void;
}

/**
 * One delivery attempt of one envelope, on @sentry/core's `createTransport` (its promise buffer, its rate-limit
 * filter, its client-report bookkeeping), with what core leaves out: the later deadline wins when limits overlap
 * (the `RateLimiter` filters first), a crash envelope that is too large is sent again smaller (pre-send, or after a
 * 413), 5xx and network errors come back as `retry` rather than lost, and rate-limited crash envelopes wait.
 */
export class Deliverer {
  private readonly core: Transport;
  /** Responses that stand for a network error: core must not count them as lost, since they get queued. */
  private readonly failed = new WeakSet<object>();

  constructor(private readonly options: DelivererOptions) {
    this.core = createTransport(options, (req) => this.makeRequest(req));
  }

  async deliver(original: Envelope): Promise<Outcome> {
    const { limiter } = this.options;
    const crash = isCrashEnvelope(original);
    if (crash && envelopeCategories(original).some((c) => limiter.isLimited(c))) return 'retry';
    const envelope = crash ? original : this.withoutLimitedItems(original);
    if (!envelope) return 'dropped';
    const fitting = await this.fitLimits(envelope, crash);
    if (!fitting) return 'dropped';
    const response = await this.core.send(fitting);
    if (this.failed.has(response)) return 'retry';
    const status = response.statusCode;
    if (status === undefined) return 'dropped'; // core dropped it (buffer full, rate limit) and counted it
    if (status >= 200 && status < 300) return 'sent';
    if (status >= 500) return 'retry';
    // 413 is counted by core; a 429 is counted by the server itself (develop.sentry.dev "Offline Caching").
    if (status !== 413 && status !== 429) this.record(fitting, 'send_error');
    return 'dropped';
  }

  /**
   * One attempt at a gzipped envelope file (a queue entry), streamed from disk as the body with its length, so a
   * 50 MB crash never becomes a 50 MB buffer on the JS thread. Outside core's `createTransport` (which only takes
   * whole envelopes), so rate limits and lost-item counts are applied here: limited crash entries wait ('retry').
   */
  async deliverFile(file: string, categories: string[]): Promise<FileOutcome> {
    const { limiter, request, sizeLimits } = this.options;
    if (categories.some((c) => limiter.isLimited(c))) return 'retry';
    const { size } = await fs.stat(file);
    if (size > sizeLimits.maxCompressedBytes) return 'too-large';
    let response;
    try {
      response = await request({
        url: this.options.url,
        headers: { 'content-type': 'application/x-sentry-envelope', ...this.options.headers },
        body: { kind: 'stream', stream: createReadStream(file), headers: { 'content-encoding': 'gzip', 'content-length': String(size) } },
      });
    } catch (error) {
      this.log('envelope file not delivered (network)', error);
      return 'retry';
    }
    limiter.update(response);
    const status = response.statusCode;
    if (status >= 200 && status < 300) return 'sent';
    if (status === 413) return 'too-large';
    if (status >= 500 || status === 429) return 'retry'; // a 429 sets the limiter: the entry waits for its deadline
    this.log(`envelope file refused with ${status}: dropped`);
    for (const c of categories) this.options.recordDroppedEvent('send_error', c as DataCategory, 1);
    return 'dropped';
  }

  flush(timeout?: number): PromiseLike<boolean> {
    return this.core.flush(timeout);
  }

  /** Counts every item of an envelope as lost, for the client report. */
  record(envelope: Envelope, reason: EventDropReason): void {
    forEachEnvelopeItem(envelope, (item, type) => {
      const count = (item[0] as { item_count?: unknown }).item_count;
      this.options.recordDroppedEvent(reason, envelopeItemTypeToDataCategory(type), typeof count === 'number' ? count : 1);
    });
  }

  private withoutLimitedItems(envelope: Envelope): Envelope | undefined {
    const kept: Array<Envelope[1][number]> = [];
    forEachEnvelopeItem(envelope, (item, type) => {
      const category = envelopeItemTypeToDataCategory(type);
      if (this.options.limiter.isLimited(category)) this.options.recordDroppedEvent('ratelimit_backoff', category, 1);
      else kept.push(item);
    });
    return kept.length ? createEnvelope<Envelope>(envelope[0], kept as Envelope[1]) : undefined;
  }

  /** The pre-send size check: the same downgrade as after a 413, without the round trip. */
  private async fitLimits(envelope: Envelope, crash: boolean): Promise<Envelope | undefined> {
    const why = exceedsLimits(envelope, this.options.sizeLimits);
    if (!why) return envelope;
    if (crash) {
      for await (const smaller of downgrades(envelope, this.options.stripMinidump)) {
        if (!exceedsLimits(smaller.envelope, this.options.sizeLimits)) {
          this.log(`crash envelope over Sentry's size limits (${why}): sending it ${smaller.step}`);
          if (smaller.step === 'without-minidump') this.options.recordDroppedEvent('send_error', 'attachment', 1);
          return smaller.envelope;
        }
      }
    }
    this.log(`envelope dropped before sending: ${why}`);
    this.record(envelope, 'send_error');
    return undefined;
  }

  /** core's request executor: encode, send, and walk a crash envelope down its downgrades on 413. */
  private async makeRequest(req: TransportRequest): Promise<TransportMakeRequestResponse> {
    const first = await this.post(req.body);
    if (first.statusCode !== 413 || this.failed.has(first)) return first;
    const envelope = parseEnvelope(req.body);
    if (!isCrashEnvelope(envelope)) {
      this.log('Sentry answered 413 Content Too Large: envelope dropped');
      return first;
    }
    let last = first;
    for await (const smaller of downgrades(envelope, this.options.stripMinidump)) {
      this.log(`crash envelope too large (413): sending it again ${smaller.step}`);
      last = await this.post(serializeEnvelope(smaller.envelope));
      if (last.statusCode !== 413 || this.failed.has(last)) {
        if (smaller.step === 'without-minidump' && !this.failed.has(last)) {
          this.options.recordDroppedEvent('send_error', 'attachment', 1);
        }
        return last;
      }
    }
    return last;
  }

  /** One POST; a body over the compressed-size limit is answered 413 locally, a network error by a marker. */
  private async post(body: string | Uint8Array): Promise<TransportMakeRequestResponse> {
    const { sizeLimits, request, limiter } = this.options;
    try {
      const encoded = await encodeBody(body, this.options);
      if (encoded.kind === 'bytes' && encoded.bytes.length > sizeLimits.maxCompressedBytes) {
        return { statusCode: 413 };
      }
      const response = await request({
        url: this.options.url,
        headers: { 'content-type': 'application/x-sentry-envelope', ...this.options.headers },
        body: encoded,
      });
      limiter.update(response);
      return response;
    } catch (error) {
      this.log('envelope not delivered (network)', error);
      const marker: TransportMakeRequestResponse = {};
      this.failed.add(marker);
      return marker;
    }
  }

  private log(message: string, error?: unknown): void {
    this.options.log(message, error);
  }
}
