/**
 * DOM-style events of a Node-mode page: a listener registry for `window` and `document`, the two error events a
 * browser fires (ErrorEvent, PromiseRejectionEvent), and the dispatch of an uncaught error or rejection the way
 * Chromium does it: `window.onerror(message, source, lineno, colno, error)` (returning true handles it), then the
 * `error` listeners (`preventDefault()` handles it), then, unhandled, an `Uncaught …` error on the console;
 * likewise `onunhandledrejection` / `unhandledrejection` and `Uncaught (in promise) …`.
 *
 * A listener that throws is itself reported as an uncaught error, except from inside an error event (reported to
 * the console only, so an error handler that throws cannot loop).
 */
type Listener = ((event: Event) => unknown) | { handleEvent(event: Event): unknown };

export class ListenerTarget {
  private readonly listeners = new Map<string, Array<{ listener: Listener; once: boolean }>>();

  constructor(private readonly onListenerError: (error: unknown, inErrorEvent: boolean) => void) {}

  addEventListener(type: string, listener: Listener | null, options?: boolean | { once?: boolean }): void {
    if (!listener) return;
    const list = this.listeners.get(type) ?? [];
    if (list.some((l) => l.listener === listener)) return;
    list.push({ listener, once: typeof options === 'object' && options.once === true });
    this.listeners.set(type, list);
  }

  removeEventListener(type: string, listener: Listener | null): void {
    const list = this.listeners.get(type);
    if (list) this.listeners.set(type, list.filter((l) => l.listener !== listener));
  }

  dispatchEvent(event: Event): boolean {
    const inErrorEvent = event.type === 'error' || event.type === 'unhandledrejection';
    for (const entry of [...(this.listeners.get(event.type) ?? [])]) {
      if (entry.once) this.removeEventListener(event.type, entry.listener);
      try {
        if (typeof entry.listener === 'function') entry.listener.call(this, event);
        else entry.listener.handleEvent(event);
      } catch (error) {
        this.onListenerError(error, inErrorEvent);
      }
    }
    return !event.defaultPrevented;
  }
}

export class ErrorEvent extends Event {
  readonly message: string;
  readonly filename: string;
  readonly lineno: number;
  readonly colno: number;
  readonly error: unknown;
  constructor(type: string, init: EventInit & { message?: string; filename?: string; lineno?: number; colno?: number; error?: unknown } = {}) {
    super(type, init);
    this.message = init.message ?? '';
    this.filename = init.filename ?? '';
    this.lineno = init.lineno ?? 0;
    this.colno = init.colno ?? 0;
    this.error = init.error;
  }
}

export class PromiseRejectionEvent extends Event {
  readonly promise: Promise<unknown>;
  readonly reason: unknown;
  constructor(type: string, init: EventInit & { promise: Promise<unknown>; reason?: unknown }) {
    super(type, init);
    this.promise = init.promise;
    this.reason = init.reason;
  }
}

/** What the dispatch needs of a world. */
export interface ErrorSink {
  /** The world's global as its code sees it (`this` of onerror). */
  readonly window: Record<string, any>;
  readonly events: ListenerTarget;
  consoleError(message: string, where: { sourceId: string; lineNumber: number }): void;
}

/** Where an error was thrown, from the first frame of its stack. */
export function errorLocation(error: unknown): { filename: string; lineno: number; colno: number } {
  const stack = typeof (error as { stack?: unknown })?.stack === 'string' ? (error as { stack: string }).stack : '';
  const m = /\n\s+at (?:.*? \()?(.+?):(\d+):(\d+)\)?/.exec(stack);
  return m ? { filename: m[1]!, lineno: Number(m[2]), colno: Number(m[3]) } : { filename: '', lineno: 0, colno: 0 };
}

function describe(value: unknown): string {
  try {
    if (value && typeof value === 'object' && 'message' in value) return `${(value as Error).name ?? 'Error'}: ${(value as Error).message}`;
    return String(value);
  } catch {
    return '[object]';
  }
}

export function dispatchUncaughtError(sink: ErrorSink, error: unknown, at = errorLocation(error)): void {
  const message = `Uncaught ${describe(error)}`;
  let handled = false;
  const onerror = sink.window.onerror;
  if (typeof onerror === 'function') {
    try {
      handled = onerror.call(sink.window, message, at.filename, at.lineno, at.colno, error) === true;
    } catch (e) {
      sink.consoleError(`Uncaught ${describe(e)}`, { sourceId: at.filename, lineNumber: at.lineno });
    }
  }
  const event = new ErrorEvent('error', { ...at, message, error, cancelable: true });
  sink.events.dispatchEvent(event);
  if (!handled && !event.defaultPrevented) sink.consoleError(message, { sourceId: at.filename, lineNumber: at.lineno });
}

export function dispatchUnhandledRejection(sink: ErrorSink, reason: unknown, promise: Promise<unknown>): void {
  const event = new PromiseRejectionEvent('unhandledrejection', { promise, reason, cancelable: true });
  const handler = sink.window.onunhandledrejection;
  if (typeof handler === 'function') {
    try {
      if (handler.call(sink.window, event) === false) event.preventDefault();
    } catch (e) {
      sink.consoleError(`Uncaught ${describe(e)}`, { sourceId: '', lineNumber: 0 });
    }
  }
  sink.events.dispatchEvent(event);
  const at = errorLocation(reason);
  if (!event.defaultPrevented) sink.consoleError(`Uncaught (in promise) ${describe(reason)}`, { sourceId: at.filename, lineNumber: at.lineno });
}
