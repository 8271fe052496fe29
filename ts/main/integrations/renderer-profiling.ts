/**
 * RendererProfiling (`enableRendererProfiling: true`): renderers may run the JS Self-Profiling API, which Chromium
 * allows only for documents served with `Document-Policy: js-profiling`, so that header is added to the responses of
 * every session from `getSessions`; and a profile that a renderer sends with its transaction (rendererProfileFromIpc,
 * called by the renderer IPC) is put back into that transaction's envelope, where Sentry expects it.
 */
import { debug, defineIntegration, forEachEnvelopeItem, LRUMap, type Client, type Event, type Profile } from '@sentry/core';
import type { Session } from 'electron';
import { electron } from '../electron';
import { normalizeUrlToBaseSafe } from './normalize-paths';
import { guarded, guardedSetup, safe } from './shared';

/** Profiles waiting for their transaction's envelope, by profile id (a few: one per pageload in flight). */
let waiting: LRUMap<string, Profile> | undefined;

/** Keeps a renderer's profile until its transaction is sent, and links the transaction to it. */
export function rendererProfileFromIpc(event: Event, profile: Profile): void {
  if (!waiting) return;
  const profileId = profile.event_id;
  waiting.set(profileId, profile);
  if (event) event.contexts = { ...event.contexts, profile: { profile_id: profileId } };
}

/** Whether renderer profiles are being collected (RendererProfiling set up with `enableRendererProfiling`). */
export const rendererProfilingActive = (): boolean => waiting !== undefined;

function addDocumentPolicy(session: Session): void {
  const webRequest = safe(() => session.webRequest);
  if (!webRequest || typeof webRequest.onHeadersReceived !== 'function') {
    debug.log('[RendererProfiling] this session has no webRequest.onHeadersReceived; pages are served without the js-profiling policy.');
    return;
  }
  webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Document-Policy': ['js-profiling'] } });
  });
}

export const rendererProfilingIntegration = defineIntegration(() => ({
  name: 'RendererProfiling',
  setup(client: Client): void {
    const options = client.getOptions() as { enableRendererProfiling?: boolean; getSessions?: () => Session[]; release?: string; environment?: string };
    if (!options.enableRendererProfiling) return;
    waiting = new LRUMap(10);
    guardedSetup('RendererProfiling', () => {
      const { app, session } = electron();
      void app.whenReady().then(guarded('RendererProfiling', () => (options.getSessions?.() ?? [session.defaultSession]).forEach(addDocumentPolicy)));
    });
    client.on('beforeEnvelope', (envelope) => {
      let profileId: string | undefined;
      forEachEnvelopeItem(envelope, (item, type) => {
        if (type !== 'transaction') return;
        const event = item[1] as Event;
        const id = event.contexts?.profile?.profile_id;
        if (typeof id === 'string') {
          profileId = id;
          delete event.contexts!.profile;
        }
      });
      const profile = profileId ? waiting?.remove(profileId) : undefined;
      if (!profile) return;
      const base = safe(() => electron().app.getAppPath());
      if (base) for (const frame of profile.profile?.frames ?? []) if (frame.abs_path) frame.abs_path = normalizeUrlToBaseSafe(frame.abs_path, base);
      profile.release = options.release ?? profile.release;
      profile.environment = options.environment ?? profile.environment;
      (envelope[1] as unknown[]).push([{ type: 'profile' }, profile]);
    });
  },
}));
