/**
 * "Application Not Responding" events: a JavaScript thread whose event loop stopped turning for longer than a
 * threshold, with the stack it was stuck in. Built here from the inspector's call frames (the Chrome DevTools
 * Protocol's `Debugger.CallFrame`), the same shape for main's watchdog (ts/event-loop-block/) and for renderers
 * (ts/main/integrations/renderer-event-loop-block.ts), so that Sentry groups and shows them as it does
 * @sentry/electron 7's (exception type and value, mechanism `ANR`, the blocked thread).
 */
import { normalizeUrlToBase, stripSentryFramesAndReverse, type Event, type StackFrame } from '@sentry/core';
import { filenameIsInApp } from '@sentry/core/server';

/** The part of a CDP `Debugger.CallFrame` that a stack frame needs. */
export interface InspectorCallFrame {
  functionName: string;
  /** Deprecated in the protocol but still filled by V8; the script's URL is the fallback. */
  url?: string;
  location: { scriptId: string; lineNumber: number; columnNumber?: number };
}

/** A file URL becomes a path (Sentry's in-app rules and source maps match paths); other URLs stay as they are. */
function filenameOf(url: string): string {
  if (!url.startsWith('file://')) return url;
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return url.slice('file://'.length);
  }
}

/**
 * Sentry stack frames, outermost first, from the inspector's call frames (innermost first). `urlOfScript` maps a
 * script id to its URL (from `Debugger.scriptParsed`); `appRootPath` makes paths relative (`app:///…`), as
 * @sentry/electron's normalizePaths does, so that uploaded source maps match.
 */
export function framesFromCallFrames(
  callFrames: readonly InspectorCallFrame[],
  urlOfScript: (scriptId: string) => string | undefined,
  appRootPath?: string,
): StackFrame[] {
  const frames: StackFrame[] = callFrames.map((cf) => {
    const url = cf.url || urlOfScript(cf.location.scriptId);
    const frame: StackFrame = {
      function: cf.functionName || '?',
      lineno: cf.location.lineNumber + 1,
      colno: (cf.location.columnNumber ?? 0) + 1,
    };
    if (url) {
      const filename = filenameOf(url);
      frame.filename = filename;
      frame.abs_path = filename;
      frame.in_app = filenameIsInApp(filename);
      if (appRootPath) frame.filename = normalizeUrlToBase(filename, appRootPath);
    }
    return frame;
  });
  return stripSentryFramesAndReverse(frames);
}

export interface BlockedThread {
  /** Exception type and value as the incumbent words them (main: `EventLoopBlocked`, renderers: `ApplicationNotResponding`). */
  type: string;
  value: string;
  frames: StackFrame[] | undefined;
  /** The thread that was blocked, for `threads` (main: `'0'`, named `main`). */
  threadId?: string;
  threadName?: string;
}

/** The exception (and, with a thread id, the thread list) of an ANR event; the caller adds scope and contexts. */
export function anrEventBody(blocked: BlockedThread): Event {
  const event: Event = {
    level: 'error',
    exception: {
      values: [
        {
          type: blocked.type,
          value: blocked.value,
          ...(blocked.frames && blocked.frames.length > 0 ? { stacktrace: { frames: blocked.frames } } : {}),
          // `ANR` keeps Sentry from saying "crashed in": the app was stuck, not dead.
          mechanism: { type: 'ANR' },
          ...(blocked.threadId !== undefined ? { thread_id: blocked.threadId } : {}),
        },
      ],
    },
  };
  if (blocked.threadId !== undefined) {
    event.threads = {
      values: [
        {
          id: blocked.threadId,
          name: blocked.threadName ?? 'main',
          crashed: true,
          current: true,
          main: blocked.threadId === '0',
        },
      ],
    };
  }
  return event;
}
