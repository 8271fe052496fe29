/**
 * The page's half of renderer event-loop block detection, under @sentry/electron's name and integration name
 * (`EventLoopBlockRenderer`). A blocked page cannot report itself, so it only proves that it is alive: a heartbeat
 * every `pollInterval` ms (half the threshold by default) and a message whenever its visibility changes, since
 * Chromium throttles a hidden page's timers and main must not take that for a block. Main's
 * `rendererEventLoopBlockIntegration` watches the heartbeats and, when they stop for longer than `threshold`,
 * captures the page's stack through the debugger and reports "Application Not Responding".
 */
import { defineIntegration, type Client } from '@sentry/core';
import { DEFAULT_NAMESPACE } from '../common/ipc';
import type { RendererStatus } from '../common/renderer-status';
import { linkToMain } from './link';
import { pageState } from './state';

interface EventLoopBlockOptions {
  /** How long, in milliseconds, the page's event loop may be blocked before main reports it. Default 1000. */
  threshold: number;
  /** How often the page says it is alive, in milliseconds. Default: half the threshold. */
  pollInterval?: number;
  /** Whether main captures the page's stack when it reports a block. Default true. */
  captureStackTrace?: boolean;
}

const DEFAULT_THRESHOLD_MS = 1000;

export const eventLoopBlockIntegration = defineIntegration((options?: EventLoopBlockOptions) => {
  const anrThreshold = options?.threshold ?? DEFAULT_THRESHOLD_MS;
  const config: RendererStatus['config'] = {
    anrThreshold,
    pollInterval: options?.pollInterval || anrThreshold / 2,
    captureStackTrace: options?.captureStackTrace ?? true,
  };
  return {
    name: 'EventLoopBlockRenderer',
    setup(client: Client) {
      const namespace = (client.getOptions() as { ipcNamespace?: string }).ipcNamespace ?? pageState()?.namespace ?? DEFAULT_NAMESPACE;
      const link = linkToMain(namespace);
      const send = (status: RendererStatus['status']): void => {
        const message: RendererStatus = { status, config };
        void link.send('status', JSON.stringify(message));
      };
      const doc = (globalThis as { document?: { visibilityState?: string; addEventListener?: (type: string, listener: () => void) => void } }).document;
      const visibility = (): RendererStatus['status'] => (doc?.visibilityState === 'hidden' ? 'hidden' : 'visible');
      send(visibility());
      doc?.addEventListener?.('visibilitychange', () => send(visibility()));
      const timer = setInterval(() => send('alive'), config.pollInterval);
      client.on('close', () => clearInterval(timer));
    },
  };
});
