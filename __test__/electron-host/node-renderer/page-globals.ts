/**
 * A browser-like world for a Node-mode renderer: a vm realm whose global has what page code and the Sentry browser
 * SDK use. `window` / `self` / `globalThis` / `top` are the global; `console` (forwarded to main as console
 * messages); timers with numeric ids, `queueMicrotask` and `requestAnimationFrame`, whose callbacks' errors become
 * the page's uncaught errors; `addEventListener` / `dispatchEvent` and `onerror` / `onunhandledrejection`; `fetch`
 * (given by the caller, which routes privileged schemes to main); `location`, `navigator` (Electron's user agent),
 * `document` (events, readyState, title, inert elements), `history`, local / session storage, `crypto`,
 * `performance`, `TextEncoder` (bytes of this realm), and the WHATWG classes Node has (URL, Request, Response,
 * Headers, Blob, AbortController, Event, …). No layout, no DOM tree, no XMLHttpRequest.
 */
import { format } from 'node:util';
import type { ConsoleMessage } from '../renderer-host';
import { dispatchUncaughtError, ErrorEvent, ListenerTarget, PromiseRejectionEvent, type ErrorSink } from './page-events';
import { createRealm, type Realm } from './realm';

export interface WorldOptions {
  name: string;
  url: string;
  fetch(input: unknown, init?: unknown): Promise<Response>;
  console(level: ConsoleMessage['level'], message: string, where: { sourceId: string; lineNumber: number }): void;
  /** More globals (a preload world's, or Node's for a page with nodeIntegration). */
  extraGlobals?: Record<string, unknown>;
}

export interface World extends ErrorSink {
  readonly realm: Realm;
  readonly document: FakeDocument;
  /** An error thrown by this world's code outside any caller: the page's uncaught error. */
  reportError(error: unknown): void;
}

class Storage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  key(i: number): string | null {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(k: string): string | null {
    return this.items.get(String(k)) ?? null;
  }
  setItem(k: string, v: unknown): void {
    this.items.set(String(k), String(v));
  }
  removeItem(k: string): void {
    this.items.delete(String(k));
  }
  clear(): void {
    this.items.clear();
  }
}

/** An element that accepts what scripts do to elements and does nothing. */
function inertElement(tagName: string): Record<string, unknown> {
  const children: unknown[] = [];
  return {
    tagName: tagName.toUpperCase(), style: {}, dataset: {}, children, childNodes: children, hidden: false,
    setAttribute() {}, getAttribute: () => null, removeAttribute() {}, hasAttribute: () => false,
    appendChild: (c: unknown) => (children.push(c), c),
    removeChild: (c: unknown) => (children.splice(children.indexOf(c), 1), c),
    addEventListener() {}, removeEventListener() {}, querySelector: () => null, querySelectorAll: () => [],
  };
}

export class FakeDocument extends ListenerTarget {
  readyState: 'loading' | 'interactive' | 'complete' = 'loading';
  title = '';
  readonly referrer = '';
  cookie = '';
  readonly visibilityState = 'visible';
  readonly hidden = false;
  readonly currentScript = null;
  readonly documentElement = inertElement('html');
  readonly head = inertElement('head');
  readonly body = inertElement('body');
  constructor(readonly URL: string, readonly location: unknown, onListenerError: (e: unknown, inError: boolean) => void) {
    super(onListenerError);
  }
  createElement(tag: string): Record<string, unknown> {
    return inertElement(tag);
  }
  getElementById(): null {
    return null;
  }
  querySelector(): null {
    return null;
  }
  querySelectorAll(): unknown[] {
    return [];
  }
  getElementsByTagName(): unknown[] {
    return [];
  }
}

function locationOf(href: string): Record<string, unknown> {
  const u = new URL(href);
  const origin = ['http:', 'https:'].includes(u.protocol) ? u.origin : u.protocol === 'file:' ? 'file://' : u.origin;
  const fields = { href: u.href, protocol: u.protocol, host: u.host, hostname: u.hostname, port: u.port, pathname: u.pathname, search: u.search, hash: u.hash, origin };
  return { ...fields, toString: () => u.href, assign() {}, replace() {}, reload() {} };
}

function userAgent(): string {
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${process.versions.chrome} Electron/${process.versions.electron} Safari/537.36`;
}

export function createWorld(options: WorldOptions): World {
  let world!: World;
  const where = (): { sourceId: string; lineNumber: number } => {
    const frame = (new Error().stack ?? '').split('\n').slice(1).find((l) => !l.includes(__dirname) && !l.includes('node:'));
    const m = frame && /\(?([^()\s]+):(\d+):\d+\)?$/.exec(frame);
    return m ? { sourceId: m[1]!, lineNumber: Number(m[2]) } : { sourceId: '', lineNumber: 0 };
  };
  const say = (level: ConsoleMessage['level']) => (...args: unknown[]) => options.console(level, format(...args), where());
  const onListenerError = (error: unknown, inErrorEvent: boolean): void => {
    if (inErrorEvent) options.console('error', `Uncaught ${String(error)}`, where());
    else world.reportError(error);
  };
  const events = new ListenerTarget(onListenerError);
  const location = locationOf(options.url);
  const document = new FakeDocument(options.url, location, onListenerError);

  const timers = new Map<number, NodeJS.Timeout>();
  let nextTimer = 1;
  const guarded = (fn: unknown, args: unknown[]) => () => {
    try {
      if (typeof fn === 'function') fn(...args);
    } catch (error) {
      world.reportError(error);
    }
  };
  const startTimer = (repeat: boolean) => (fn: unknown, ms?: number, ...args: unknown[]): number => {
    const id = nextTimer++;
    const run = guarded(fn, args);
    timers.set(id, repeat ? setInterval(run, ms ?? 0) : setTimeout(() => (timers.delete(id), run()), ms ?? 0));
    return id;
  };
  const stopTimer = (id: number): void => {
    clearTimeout(timers.get(id));
    timers.delete(id);
  };

  const realm = createRealm(options.name, {
    console: { log: say('info'), info: say('info'), warn: say('warning'), error: say('error'), debug: say('debug'), trace: say('debug'), dir: say('info'), table: say('info'), assert: (ok: unknown, ...a: unknown[]) => ok || say('error')('Assertion failed:', ...a), group() {}, groupEnd() {}, time() {}, timeEnd() {}, count() {} },
    setTimeout: startTimer(false), setInterval: startTimer(true), clearTimeout: stopTimer, clearInterval: stopTimer,
    requestAnimationFrame: (fn: (t: number) => void) => startTimer(false)(() => fn(performance.now()), 16), cancelAnimationFrame: stopTimer,
    queueMicrotask: (fn: () => void) => queueMicrotask(guarded(fn, [])),
    structuredClone, TextDecoder, URL, URLSearchParams, AbortController, AbortSignal, Event, EventTarget, CustomEvent, ErrorEvent, PromiseRejectionEvent,
    Headers, Request, Response, FormData, Blob, atob, btoa, crypto, performance, MessageChannel, BroadcastChannel,
    fetch: (input: unknown, init?: unknown) => options.fetch(input, init),
    addEventListener: events.addEventListener.bind(events), removeEventListener: events.removeEventListener.bind(events), dispatchEvent: events.dispatchEvent.bind(events),
    onerror: null, onunhandledrejection: null,
    location, document, origin: location.origin, isSecureContext: true,
    navigator: { userAgent: userAgent(), language: 'en-US', languages: ['en-US'], onLine: true, platform: 'Linux x86_64', vendor: 'Google Inc.', cookieEnabled: true, hardwareConcurrency: 4 },
    history: { length: 1, state: null, pushState() {}, replaceState() {}, back() {}, forward() {}, go() {} },
    localStorage: new Storage(), sessionStorage: new Storage(), screen: { width: 1280, height: 800 }, innerWidth: 1280, innerHeight: 800, devicePixelRatio: 1,
    __HostTextEncoder: TextEncoder,
    ...options.extraGlobals,
  });
  // The global names itself; TextEncoder makes this realm's Uint8Arrays (Node's would be the host realm's).
  realm.run(
    `globalThis.window = globalThis.self = globalThis.top = globalThis.parent = globalThis.frames = globalThis;
     globalThis.TextEncoder = ((Host) => class TextEncoder {
       get encoding() { return 'utf-8'; }
       encode(input = '') { const b = new Host().encode(String(input)); const out = new Uint8Array(b.length); out.set(b); return out; }
       encodeInto(input, dest) { return new Host().encodeInto(String(input), dest); }
     })(globalThis.__HostTextEncoder);
     delete globalThis.__HostTextEncoder;`,
    'realm:window',
  );
  const window = realm.run('globalThis', 'realm:window') as Record<string, any>;
  world = {
    realm,
    document,
    window,
    events,
    consoleError: (message, at) => options.console('error', message, at),
    reportError: (error) => dispatchUncaughtError(world, error),
  };
  return world;
}
