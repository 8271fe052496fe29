/**
 * NormalizePaths: the app's own files named `app:///…` in stack frames, the request URL, the transaction and span
 * names, wherever the app is installed (`C:\Users\…\resources\app.asar\main.js`, `/Applications/X.app/…`), so that
 * source maps uploaded for `app:///` match and the same bug groups as one issue on every machine. Runs last, after
 * every integration that adds frames. Native crash events are left alone: their modules are matched by debug id.
 */
import { defineIntegration, normalizeUrlToBase, type Event, type StackFrame } from '@sentry/core';
import { electron } from '../electron';
import { safe } from './shared';

function normalizeFrames(frames: StackFrame[] | undefined, base: string): void {
  for (const frame of frames ?? []) {
    if (frame.filename) frame.filename = normalizeUrlToBase(frame.filename, base);
    if (frame.abs_path) frame.abs_path = normalizeUrlToBase(frame.abs_path, base);
  }
}

/** normalizeUrlToBase, or the path unchanged if it cannot be rewritten. */
export function normalizeUrlToBaseSafe(url: string, base: string): string {
  try {
    return normalizeUrlToBase(url, base);
  } catch {
    return url;
  }
}

/** Rewrites the app's paths in `event` to `app:///` (exported for the renderer path and the tests). */
export function normalizeEventPaths(event: Event, base: string): Event {
  for (const exception of event.exception?.values ?? []) normalizeFrames(exception.stacktrace?.frames, base);
  for (const thread of (event.threads?.values ?? []) as Array<{ stacktrace?: { frames?: StackFrame[] } }>) normalizeFrames(thread.stacktrace?.frames, base);
  if (event.request?.url) event.request.url = normalizeUrlToBase(event.request.url, base);
  if (event.transaction) event.transaction = normalizeUrlToBase(event.transaction, base);
  for (const span of event.spans ?? []) if (span.description) span.description = normalizeUrlToBase(span.description, base);
  return event;
}

export const normalizePathsIntegration = defineIntegration(() => {
  let base: string | undefined;
  return {
    name: 'NormalizePaths',
    processEvent(event: Event): Event {
      if (event.platform === 'native') return event;
      base ??= safe(() => electron().app.getAppPath());
      return base ? normalizeEventPaths(event, base) : event;
    },
  };
});
