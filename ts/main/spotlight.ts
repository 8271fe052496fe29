/**
 * The `spotlight` option: a copy of every envelope to a Spotlight sidecar on the developer's machine, so crashes
 * can be looked at locally without a Sentry project. Fire and forget: Spotlight being down costs nothing.
 */
import { promises as fs } from 'node:fs';
import { addItemToEnvelope, createAttachmentEnvelopeItem, createEventEnvelope, debug, serializeEnvelope, type Client, type Envelope, type Event } from '@sentry/core';
import { spotlightEnvelopeUrl } from '../transport/spotlight-url';
import { MINIDUMP_ATTACHMENT_TYPE } from '../envelope/minidump-attachment';

/** Copies envelopes the client sends to the sidecar at `option`'s URL (nothing when the option is off). */
export function installSpotlight(client: Client, option: boolean | string | undefined): ((event: Event, minidumpPath?: string) => void) | undefined {
  const url = spotlightEnvelopeUrl(option);
  if (!url) return undefined;
  client.on('beforeEnvelope', (envelope) => post(url, envelope));
  // Native crashes bypass `sendEnvelope` (their dump goes from disk into the queue), so they are copied here.
  return (event, minidumpPath) => {
    void (async () => {
      let envelope = createEventEnvelope(event, client.getDsn());
      if (minidumpPath) {
        const data = await fs.readFile(minidumpPath);
        envelope = addItemToEnvelope(envelope, createAttachmentEnvelopeItem({ filename: 'minidump.dmp', data, attachmentType: MINIDUMP_ATTACHMENT_TYPE as never }));
      }
      post(url, envelope);
    })().catch((e) => debug.log('[spotlight] could not copy a crash', e));
  };
}

function post(url: string, envelope: Envelope): void {
  try {
    const body = serializeEnvelope(envelope);
    const target = new URL(url);
    // Required here: node:http(s) cost main's start-up a few ms, and Spotlight is a development option.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const client = require(target.protocol === 'https:' ? 'node:https' : 'node:http') as typeof import('node:http');
    const req = client.request(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-sentry-envelope', 'Content-Length': Buffer.byteLength(body) },
      timeout: 5000,
    });
    req.on('error', (e) => debug.log('[spotlight] sidecar unreachable', e.message));
    req.on('timeout', () => req.destroy());
    req.on('response', (res) => res.resume());
    req.end(body);
  } catch (e) {
    debug.log('[spotlight] could not post', e);
  }
}
