/**
 * Screenshots: with `attachScreenshot: true`, each JavaScript error event carries a PNG of every visible window
 * (`screenshot.png`, `screenshot-2.png`, …). Opt-in, because windows show what the user sees. Not for transactions,
 * nor for native crashes: a crashed renderer has no page left to capture.
 */
import { debug, defineIntegration, type Client, type Event, type EventHint } from '@sentry/core';
import { electron } from '../electron';
import { safe } from './shared';

export const screenshotsIntegration = defineIntegration(() => {
  let saidMissing = false;
  return {
    name: 'Screenshots',
    async processEvent(event: Event, hint: EventHint, client: Client): Promise<Event> {
      if (!(client.getOptions() as { attachScreenshot?: boolean }).attachScreenshot) return event;
      if (event.type === 'transaction' || event.platform === 'native') return event;
      const windows = safe(() => electron().BrowserWindow.getAllWindows()) ?? [];
      let n = 0;
      for (const window of windows) {
        try {
          if (window.isDestroyed() || !window.isVisible()) continue;
          if (typeof window.capturePage !== 'function') {
            // An environment without capture (a headless host, a test double): said once, events go on without.
            if (!saidMissing) debug.log('[Screenshots] BrowserWindow.capturePage is not available here; events are sent without screenshots.');
            saidMissing = true;
            continue;
          }
          const image = await window.capturePage();
          n += 1;
          (hint.attachments ??= []).push({ filename: n === 1 ? 'screenshot.png' : `screenshot-${n}.png`, data: image.toPNG(), contentType: 'image/png' });
        } catch (e) {
          // A window closing during the capture is no reason to lose the event.
          debug.warn('[Screenshots] a window could not be captured', e);
        }
      }
      return event;
    },
  };
});
