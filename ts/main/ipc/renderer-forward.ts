/**
 * Envelope items that main forwards from a renderer as they came (logs, metrics, streamed spans, replays, …), given
 * main's identity where the renderer could only give its own: the page's client has a placeholder DSN and none of
 * main's release or environment. Without this, the envelope's trace header would name the placeholder's public key
 * (so Sentry could not sample the trace with main's project), and logs, metrics and streamed spans would have no
 * release and the renderer's default environment.
 */
import { DEFAULT_ENVIRONMENT, type Client, type EnvelopeItem } from '@sentry/core';

type Header = Record<string, unknown> & { trace?: Record<string, unknown> };

/** The renderer envelope's header with main's public key, release and environment in its trace context. */
export function mainEnvelopeHeader(client: Client, header: Header): Header {
  if (!header.trace) return header;
  const { release, environment } = client.getOptions();
  const publicKey = client.getDsn()?.publicKey;
  return {
    ...header,
    trace: {
      ...header.trace,
      ...(publicKey ? { public_key: publicKey } : {}),
      ...(release ? { release } : {}),
      environment: environment ?? DEFAULT_ENVIRONMENT,
    },
  };
}

type SpanAttributes = Record<string, { value: unknown; type: string }>;

/** The item types whose payload is `{ items: [{ attributes }] }`, with release and environment as attributes. */
const WITH_ATTRIBUTES = new Set(['span', 'log', 'trace_metric']);

/** The item types whose payload is an event of its own (forwarded as it is, not replayed through main's client). */
const EVENT_LIKE = new Set(['feedback', 'replay_event']);

/**
 * A log, metric or streamed-span item with main's release and environment on each entry, a feedback or replay event
 * with them on itself (a release the page set stays); other items unchanged.
 */
export function withMainIdentity(client: Client, item: EnvelopeItem): EnvelopeItem {
  const [header, payload] = item as unknown as [{ type: string }, { items?: Array<{ attributes?: SpanAttributes }>; release?: string; environment?: string }];
  const { release, environment } = client.getOptions();
  if (EVENT_LIKE.has(header.type) && typeof payload === 'object' && payload !== null) {
    payload.release ??= release;
    payload.environment = environment ?? DEFAULT_ENVIRONMENT;
    return item;
  }
  if (!WITH_ATTRIBUTES.has(header.type) || !Array.isArray(payload?.items)) return item;
  for (const span of payload.items) {
    const attributes = (span.attributes ??= {});
    if (release) attributes['sentry.release'] = { value: release, type: 'string' };
    attributes['sentry.environment'] = { value: environment ?? DEFAULT_ENVIRONMENT, type: 'string' };
  }
  return item;
}
