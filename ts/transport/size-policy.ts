import { createEnvelope, forEachEnvelopeItem, type Envelope } from '@sentry/core';
import { MINIDUMP_ATTACHMENT_TYPE } from '../envelope/minidump-attachment';

/**
 * Sentry's documented ingestion limits (all configurable through the transport's `sizeLimits`):
 * - develop.sentry.dev/sdk/foundations/transport/envelopes/#size-limits ("Size Limits", from Relay's config):
 *   200 MiB for an envelope after decompression; 1 MiB for event and transaction items.
 * - docs.sentry.io/platforms/javascript/enriching-events/attachments/ and
 *   docs.sentry.io/concepts/data-management/size-limits/: "at most 20MB for a compressed request, and at most 100MB
 *   of uncompressed attachments per event, including the crash report file"; minidump uploads above 20 MB
 *   compressed or 100 MB decompressed are rejected with 413.
 * "Sentry's exact size limits may change over time" (same page): a 413 from the server takes the same downgrade
 * path as these checks, so a stricter server is handled too.
 */
export interface SizeLimits {
  /** Whole envelope, uncompressed. */
  maxEnvelopeBytes: number;
  /** Request body as sent (after gzip). */
  maxCompressedBytes: number;
  /** An `event` or `transaction` item. */
  maxEventItemBytes: number;
  /** All attachments of the envelope together (the minidump included), uncompressed. */
  maxAttachmentsBytes: number;
}

const MiB = 1024 * 1024;

export const SENTRY_SIZE_LIMITS: Readonly<SizeLimits> = Object.freeze({
  maxEnvelopeBytes: 200 * MiB,
  maxCompressedBytes: 20 * MiB,
  maxEventItemBytes: 1 * MiB,
  maxAttachmentsBytes: 100 * MiB,
});

/** Makes a minidump smaller by dropping the memory it captured (stacks and heap regions). */
export type MinidumpStripper = (minidump: Uint8Array) => Promise<Uint8Array>;

export { MINIDUMP_ATTACHMENT_TYPE };

/** A crash envelope carries a minidump attachment: it is the one kind the transport never gives up lightly. */
export function isCrashEnvelope(envelope: Envelope): boolean {
  let found = false;
  forEachEnvelopeItem(envelope, (item, type) => {
    if (type === 'attachment' && (item[0] as { attachment_type?: string }).attachment_type === MINIDUMP_ATTACHMENT_TYPE) {
      found = true;
      return true;
    }
    return false;
  });
  return found;
}

/** The byte length of an item's payload as serialised. */
export function payloadLength(payload: unknown): number {
  if (payload instanceof Uint8Array) return payload.length;
  if (typeof payload === 'string') return Buffer.byteLength(payload, 'utf8');
  return Buffer.byteLength(JSON.stringify(payload) ?? '', 'utf8');
}

/** Why an envelope breaks a limit before any request is made, or `undefined` when it fits. */
export function exceedsLimits(envelope: Envelope, limits: SizeLimits): string | undefined {
  let total = Buffer.byteLength(JSON.stringify(envelope[0]), 'utf8');
  let attachments = 0;
  let reason: string | undefined;
  forEachEnvelopeItem(envelope, (item, type) => {
    const len = payloadLength(item[1]);
    total += len + Buffer.byteLength(JSON.stringify(item[0]), 'utf8') + 2;
    if (type === 'attachment') attachments += len;
    if ((type === 'event' || type === 'transaction') && len > limits.maxEventItemBytes) {
      reason = `${type} item of ${len} bytes exceeds ${limits.maxEventItemBytes}`;
    }
  });
  if (reason) return reason;
  if (attachments > limits.maxAttachmentsBytes) {
    return `attachments of ${attachments} bytes exceed ${limits.maxAttachmentsBytes}`;
  }
  if (total > limits.maxEnvelopeBytes) return `envelope of ${total} bytes exceeds ${limits.maxEnvelopeBytes}`;
  return undefined;
}

/** Each step of the downgrade of a crash envelope that is too large, in order. */
export type DowngradeStep = 'stripped' | 'without-minidump';

/**
 * The smaller forms of a crash envelope, tried in order when it is too large: minidumps stripped of their memory
 * (when a stripper is at hand), then the event without its minidumps. Other attachments stay: they are small
 * next to a dump, and the event is what matters.
 */
export async function* downgrades(
  envelope: Envelope,
  strip: MinidumpStripper | undefined,
): AsyncGenerator<{ step: DowngradeStep; envelope: Envelope }> {
  if (strip) {
    const stripped = await mapMinidumps(envelope, async ([headers, payload]) => {
      const bytes = await strip(toBytes(payload));
      return [{ ...headers, length: bytes.length }, bytes];
    });
    if (stripped) yield { step: 'stripped', envelope: stripped };
  }
  const without = await mapMinidumps(envelope, async () => undefined);
  if (without) yield { step: 'without-minidump', envelope: without };
}

type Item = Envelope[1][number];

async function mapMinidumps(envelope: Envelope, map: (item: [Record<string, unknown>, unknown]) => Promise<Item | [Record<string, unknown>, unknown] | undefined>): Promise<Envelope | undefined> {
  const items: Item[] = [];
  let changed = false;
  for (const item of envelope[1] as Item[]) {
    const headers = item[0] as Record<string, unknown>;
    if (headers.type === 'attachment' && headers.attachment_type === MINIDUMP_ATTACHMENT_TYPE) {
      changed = true;
      const next = await map(item as unknown as [Record<string, unknown>, unknown]);
      if (next) items.push(next as Item);
    } else {
      items.push(item);
    }
  }
  return changed ? createEnvelope<Envelope>(envelope[0], items as Envelope[1]) : undefined;
}

function toBytes(payload: unknown): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  return Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8');
}
