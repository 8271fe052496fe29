/**
 * BrowserWindowSession: release-health sessions that follow the user's attention rather than the process — one
 * starts when a window of the app gains focus (or is shown focused) and ends once no window has had focus for
 * `backgroundTimeoutSeconds`; the session open at quit is ended by the SDK's shutdown. Added by the app, it
 * replaces MainProcessSession (`init()` removes that one), as in @sentry/electron. Unlike MainProcessSession it
 * keeps nothing on disk: a session open when the app dies unannounced is not reported at the next start.
 */
import { defineIntegration, endSession, getIsolationScope, startSession, type Client } from '@sentry/core';
import type { BrowserWindow } from 'electron';
import { electron } from '../electron';
import { onShutdown } from '../shutdown';
import { guarded, guardedSetup, safe } from './shared';

export interface BrowserWindowSessionOptions {
  /** Seconds without a focused window before the session ends (default 30). */
  backgroundTimeoutSeconds?: number;
}

type State = { name: 'inactive' } | { name: 'active' } | { name: 'timeout'; timer: NodeJS.Timeout };

function anyWindowFocused(): boolean {
  const windows = safe(() => electron().BrowserWindow.getAllWindows()) ?? [];
  return windows.some((w) => safe(() => !w.isDestroyed() && w.isFocused() && w.isVisible()) === true);
}

export const browserWindowSessionIntegration = defineIntegration((options: BrowserWindowSessionOptions = {}) => {
  let state: State = { name: 'inactive' };
  // @sentry/core's endSession closes the isolation scope's session and sends it.
  const sendEnd = (): void => {
    if (getIsolationScope().getSession()) endSession();
  };
  const changed = (client: Client): void => {
    if (anyWindowFocused()) {
      if (state.name === 'inactive') {
        startSession();
        const session = getIsolationScope().getSession();
        if (session) client.captureSession(session);
      } else if (state.name === 'timeout') clearTimeout(state.timer);
      state = { name: 'active' };
    } else if (state.name === 'active') {
      const timer = setTimeout(() => {
        state = { name: 'inactive' };
        sendEnd();
      }, (options.backgroundTimeoutSeconds ?? 30) * 1000);
      timer.unref?.();
      state = { name: 'timeout', timer };
    }
  };
  return {
    name: 'BrowserWindowSession',
    setup(client: Client): void {
      guardedSetup('BrowserWindowSession', () => {
        const onChange = guarded('BrowserWindowSession', () => changed(client));
        electron().app.on('browser-window-created', (_event: unknown, window: BrowserWindow) => {
          const events = ['focus', 'blur', 'show', 'hide'] as const;
          for (const e of events) window.on(e as 'focus', onChange);
          window.once('closed', () => {
            for (const e of events) window.removeListener(e as 'focus', onChange);
            onChange();
          });
        });
        onShutdown(client, async () => {
          if (state.name === 'timeout') clearTimeout(state.timer);
          if (state.name !== 'inactive') sendEnd();
          state = { name: 'inactive' };
        });
      });
    },
  };
});
