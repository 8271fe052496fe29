/**
 * StartupTracing: one `app.start` transaction, "Startup", from the process's start to the first page being ready,
 * with a zero-length span at each of Electron's start-up events (will-finish-launching, ready,
 * web-contents-created, dom-ready). When the renderer traces its page load (browserTracingIntegration), the first
 * pageload transaction that arrives within the timeout is copied in as an `electron.renderer` span with its spans,
 * so the transaction covers start to usable front-end. Needs `tracesSampleRate` (or a sampler) like any trace.
 */
import {
  defineIntegration,
  SEMANTIC_ATTRIBUTE_SENTRY_ORIGIN,
  setMeasurement,
  startInactiveSpan,
  timestampInSeconds,
  type Event,
  type Span,
  type SpanAttributes,
} from '@sentry/core';
import type { WebContents } from 'electron';
import { electron } from '../electron';
import { guarded, guardedSetup } from './shared';

export interface StartupTracingOptions {
  /** Longest the transaction waits for the first page and its pageload trace (default 10 s). */
  timeoutSeconds?: number;
}

const ORIGIN = { [SEMANTIC_ATTRIBUTE_SENTRY_ORIGIN]: 'auto.electron.startup' };

export const startupTracingIntegration = defineIntegration((options: StartupTracingOptions = {}) => {
  const timeoutMs = (options.timeoutSeconds || 10) * 1000;
  let root: Span | undefined;
  let ended = false;
  let awaitingPageload: ((event: Event) => void) | undefined;

  // The root is made at the first start-up event, not at setup: the sampler and the async context are ready then.
  const startRoot = (): Span => {
    root ??= startInactiveSpan({
      name: 'Startup',
      op: 'app.start',
      startTime: (Date.now() - process.uptime() * 1000) / 1000,
      forceTransaction: true,
      attributes: ORIGIN,
    });
    return root;
  };
  const mark = (name: string, op: string): void => {
    if (ended) return;
    const t = timestampInSeconds();
    startInactiveSpan({ name, op, parentSpan: startRoot(), startTime: t, attributes: ORIGIN }).end(t);
  };
  const end = (at: number, timedOut = false): void => {
    if (ended) return;
    ended = true;
    const span = startRoot();
    if (timedOut) span.setStatus({ code: 2, message: 'Timeout exceeded' });
    span.end(at);
  };

  return {
    name: 'StartupTracing',
    setup(): void {
      guardedSetup('StartupTracing', () => {
        const { app } = electron();
        const fallback = setTimeout(() => end(timestampInSeconds(), true), timeoutMs);
        fallback.unref?.();
        app.once('will-finish-launching', guarded('StartupTracing', () => mark('will-finish-launching', 'electron.will-finish-launching')));
        app.once('ready', guarded('StartupTracing', () => mark('ready', 'electron.ready')));
        app.once(
          'web-contents-created',
          guarded('StartupTracing', (_e: unknown, contents: WebContents) => {
            mark('web-contents-created', 'electron.web-contents.created');
            contents.once('dom-ready', guarded('StartupTracing', () => onDomReady(fallback)));
          }),
        );
      });
    },
    processEvent(event: Event): Event {
      if (awaitingPageload && event.type === 'transaction' && event.contexts?.trace?.op === 'pageload') awaitingPageload(event);
      return event;
    },
  };

  function onDomReady(fallback: NodeJS.Timeout): void {
    if (ended) return;
    clearTimeout(fallback);
    mark('dom-ready', 'electron.web-contents.dom-ready');
    const domReadyAt = timestampInSeconds();
    const wait = setTimeout(() => {
      awaitingPageload = undefined;
      end(domReadyAt);
    }, timeoutMs);
    wait.unref?.();
    awaitingPageload = (pageload) => {
      awaitingPageload = undefined;
      clearTimeout(wait);
      end(Math.max(domReadyAt, addPageload(startRoot(), pageload)));
    };
  }
});

/** Copies a renderer's pageload transaction under `parent`; returns when its last span ended. */
function addPageload(parent: Span, pageload: Event): number {
  const start = pageload.start_timestamp ?? pageload.timestamp ?? timestampInSeconds();
  let last = pageload.timestamp ?? start;
  const renderer = startInactiveSpan({ name: pageload.transaction || 'electron.renderer', op: 'electron.renderer', parentSpan: parent, startTime: start, attributes: ORIGIN });
  for (const child of pageload.spans ?? []) {
    const end = child.timestamp ?? child.start_timestamp;
    last = Math.max(last, end);
    startInactiveSpan({ name: child.description || 'electron.renderer', op: child.op, parentSpan: renderer, startTime: child.start_timestamp, attributes: child.data as SpanAttributes }).end(end);
  }
  renderer.end(last);
  for (const [name, m] of Object.entries(pageload.measurements ?? {})) setMeasurement(name, m.value, m.unit, parent);
  return last;
}
