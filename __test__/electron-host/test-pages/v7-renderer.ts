/**
 * A renderer of a typical @sentry/electron 7 app, written against their API, with only its import specifier
 * changed (`@sentry/electron/renderer` → ours; here by path, so that `npm run typecheck` checks it against the
 * source): tracing, replay, feedback, event-loop block detection, an app transport wrapping the renderer's, event
 * processors, `beforeSend`, spans, logs and metrics. Bundled and run by __test__/renderer-react.spec.ts.
 */
import * as Sentry from '../../../ts/renderer';
import type { ErrorEvent, EventHint } from '../../../ts/renderer';

const seenByAppTransport: string[] = [];

Sentry.init({
  ipcNamespace: 'sentry-ipc',
  tracesSampleRate: 1,
  replaysSessionSampleRate: 0,
  replaysOnErrorSampleRate: 1,
  integrations: [
    Sentry.browserTracingIntegration(),
    Sentry.replayIntegration({ maskAllText: true, blockAllMedia: true }),
    Sentry.feedbackIntegration({ colorScheme: 'system', autoInject: false }),
    Sentry.eventLoopBlockIntegration({ threshold: 1000 }),
    Sentry.extraErrorDataIntegration(),
  ],
  transport: (options) => {
    const toMain = Sentry.makeRendererTransport(options);
    return {
      send: (envelope) => {
        seenByAppTransport.push(String(envelope[1][0]?.[0].type));
        return toMain.send(envelope);
      },
      flush: (timeout) => toMain.flush(timeout),
    };
  },
  beforeSend(event: ErrorEvent, hint: EventHint) {
    if (hint.originalException instanceof Error && hint.originalException.message === 'ignore me') return null;
    return { ...event, tags: { ...event.tags, 'v7.before_send': 'yes' } };
  },
});

Sentry.addEventProcessor((event) => ({ ...event, extra: { ...event.extra, seenByAppTransport: [...seenByAppTransport] } }));
Sentry.setUser({ id: 'user-7' });
Sentry.setTag('window', 'settings');

Sentry.startSpan({ name: 'open settings', op: 'ui.action' }, (span) => {
  span.setAttribute('settings.tab', 'general');
  Sentry.logger.info('settings opened', { tab: 'general' });
  Sentry.metrics.count('settings.opened', 1);
});

Sentry.withScope((scope) => {
  scope.setLevel('warning');
  Sentry.captureException(new Error('ignore me'));
  Sentry.captureException(new Error('v7 renderer error'));
});
(globalThis as { v7Integrations?: string[] }).v7Integrations = Sentry.getClient()?.getOptions().integrations.map((i) => i.name);
