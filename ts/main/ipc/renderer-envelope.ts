/**
 * An envelope from a renderer, replayed through main's client: its events get main's scope beneath the renderer's
 * own (the renderer SDK already applied its scope; an event's own values win over main's), Electron's facts about
 * the sender, and main's event processors, sampling and `beforeSend`; then one transport sends them. Items main
 * owns (sessions: release health is per app run) are dropped; the rest is forwarded as it came.
 */
import {
  createEnvelope,
  debug,
  getCurrentScope,
  parseEnvelope,
  type Attachment,
  type Client,
  type Envelope,
  type EnvelopeItem,
  type Event,
  type Profile,
} from '@sentry/core';
import { originOf } from '../../event/url-origin';
import { electron } from '../electron';
import { rendererProfileFromIpc, rendererProfilingActive } from '../integrations/renderer-profiling';
import { appRendererName, safe } from '../integrations/shared';
import { mainEnvelopeHeader, withMainIdentity } from './renderer-forward';

/** Who sent an envelope, as main knows it (never as the renderer claims it). */
export interface RendererIdentity {
  webContentsId: number | undefined;
  url: string | undefined;
}

/** Hint data on events that came from a renderer: main's own processors leave them alone. */
export const FROM_RENDERER = 'sentryElectronFromRenderer';

// Sentry JS v11's renderer also sends metrics (`trace_metric`), continuous-profiling chunks (`profile_chunk`) and
// streamed spans (`span`); each stands alone, so it goes on as it came.
const FORWARDED_TYPES = new Set(['client_report', 'feedback', 'log', 'trace_metric', 'replay_event', 'replay_recording', 'profile', 'profile_chunk', 'span', 'statsd', 'check_in']);

export function handleRendererEnvelope(client: Client, payload: string | Uint8Array, from: RendererIdentity, sendDefaultPii: boolean): void {
  let envelope: Envelope;
  try {
    envelope = parseEnvelope(payload);
  } catch (e) {
    debug.warn('[RendererIpc] a renderer sent an envelope that does not parse: dropped', e);
    return;
  }
  const [, items] = envelope;
  let event: Event | undefined;
  const attachments: Attachment[] = [];
  const forward: EnvelopeItem[] = [];
  const profiles: Profile[] = [];
  for (const item of items as EnvelopeItem[]) {
    const [header, body] = item as [{ type: string; filename?: string; content_type?: string; attachment_type?: string }, unknown];
    if ((header.type === 'event' || header.type === 'transaction') && isObject(body)) {
      event ??= body as Event;
    } else if (header.type === 'attachment' && (typeof body === 'string' || body instanceof Uint8Array)) {
      attachments.push({
        filename: String(header.filename ?? 'attachment'),
        data: body,
        ...(header.content_type ? { contentType: header.content_type } : {}),
        ...(header.attachment_type ? { attachmentType: header.attachment_type as Attachment['attachmentType'] } : {}),
      });
    } else if (header.type === 'profile' && rendererProfilingActive() && isObject(body)) {
      // Goes back into its transaction's envelope (RendererProfiling), once that transaction went through main.
      profiles.push(body as unknown as Profile);
    } else if (FORWARDED_TYPES.has(header.type)) {
      forward.push(item);
    }
  }

  if (event) {
    if (!sendDefaultPii) withoutCookiesOrBodies(event);
    // The page's client fills in its default environment ('production'), which would hide main's; main's applies.
    delete event.environment;
    event.tags = { ...event.tags, 'event.process': rendererName(client, from.webContentsId) };
    event.contexts = {
      ...event.contexts,
      electron: {
        ...(event.contexts?.electron as object | undefined),
        process_type: 'renderer',
        ...(from.webContentsId !== undefined ? { web_contents_id: from.webContentsId } : {}),
        ...(from.url ? { url: sendDefaultPii ? from.url : originOf(from.url) } : {}),
      },
    };
    if (event.type === 'transaction') for (const profile of profiles) rendererProfileFromIpc(event, profile);
    client.captureEvent(event, { attachments, data: { [FROM_RENDERER]: true } }, getCurrentScope());
  }
  if (forward.length > 0) {
    void client.sendEnvelope(createEnvelope(mainEnvelopeHeader(client, envelope[0]), forward.map((item) => withMainIdentity(client, item)) as never));
  }
}

/** The app's name for a renderer (`getRendererName` option, as in @sentry/electron), else `renderer`. */
function rendererName(client: Client, webContentsId: number | undefined): string {
  if (webContentsId === undefined) return 'renderer';
  return appRendererName(client, safe(() => electron().webContents.fromId(webContentsId))) ?? 'renderer';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Request headers that carry cookies or credentials. */
const PRIVATE_HEADERS = new Set(['cookie', 'set-cookie', 'authorization', 'proxy-authorization']);

/**
 * Sentry's data-handling defaults, enforced in main for every renderer event, whatever the page's SDK was told
 * (a renderer is untrusted, and its `init` may have `sendDefaultPii` on): without `sendDefaultPii` in main, no
 * cookies, no request bodies and no credential headers leave the app.
 */
function withoutCookiesOrBodies(event: Event): void {
  const request = event.request as Record<string, unknown> | undefined;
  if (!isObject(request)) return;
  delete request.cookies;
  delete request.data;
  if (isObject(request.headers)) {
    request.headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !PRIVATE_HEADERS.has(name.toLowerCase())));
  }
}
