/**
 * `protocol` and `session.protocol`: custom schemes served by main.
 *
 * - `registerSchemesAsPrivileged(schemes)`: only before `ready` (after, it throws Electron's error); each call
 *   replaces the previous list, as Electron's does (the last call wins, silently: libraries that register a scheme
 *   must merge with the app's).
 * - `handle(scheme, handler)` per session: a second `handle` of a scheme throws `Failed to register protocol`,
 *   `unhandle` of an unhandled one `Failed to unhandle protocol`. The handler gets a WHATWG `Request` and returns a
 *   `Response` (or a promise of one); a thrown error or a non-Response fails the renderer's request.
 * - A page's `fetch('<scheme>://…')` reaches the handler only for schemes registered with `supportFetchAPI: true`
 *   (Chromium refuses to fetch other schemes); documents load through any handled scheme.
 * - The module-level `protocol`'s handle / unhandle / isProtocolHandled act on the default session, so they throw
 *   before `ready` like Electron's.
 * Not emulated: the deprecated register*Protocol / intercept* APIs, `registerSource`, intercepting http(s).
 */
import type * as Electron from 'electron';
import { isAppReady } from './registry';

type Handler = (request: Request) => Response | Promise<Response>;

/** A request as it crosses from a renderer, and the answer that goes back. */
export interface WireRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array;
}
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const BUILT_IN = new Set(['http', 'https', 'ws', 'wss', 'file', 'data', 'blob', 'about', 'javascript', 'filesystem', 'chrome', 'devtools']);
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*$/;

export class FakeProtocol {
  private readonly handlers = new Map<string, Handler>();

  handle(scheme: string, handler: Handler): void {
    if (!SCHEME.test(scheme) || this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.handlers.set(scheme, handler);
  }

  unhandle(scheme: string): void {
    if (!this.handlers.delete(scheme)) throw new Error(`Failed to unhandle protocol: ${scheme}`);
  }

  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme) || BUILT_IN.has(scheme);
  }

  /** Serves one request from a renderer; rejects (a network error in the page) when no handler answers. */
  async serve(req: WireRequest): Promise<WireResponse> {
    const scheme = req.url.slice(0, Math.max(0, req.url.indexOf(':')));
    const handler = this.handlers.get(scheme);
    if (!handler) throw new Error(`net::ERR_UNKNOWN_URL_SCHEME (${scheme})`);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(req.url, { method: req.method, headers: req.headers, body: hasBody ? new Uint8Array(req.body) : null });
    const response: unknown = await handler(request);
    if (!(response instanceof Response)) throw new Error('net::ERR_UNEXPECTED (the handler did not return a Response)');
    if (response.type === 'error') throw new Error('net::ERR_FAILED');
    return { status: response.status, headers: Object.fromEntries(response.headers), body: Buffer.from(await response.arrayBuffer()) };
  }
}

let privileged: Electron.CustomScheme[] = [];

/** Schemes a page may `fetch` (registered privileged with `supportFetchAPI`). */
export function fetchableSchemes(): string[] {
  return privileged.filter((s) => s.privileges?.supportFetchAPI).map((s) => s.scheme);
}

export function registerSchemesAsPrivileged(customSchemes: Electron.CustomScheme[]): void {
  if (isAppReady()) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
  if (!Array.isArray(customSchemes)) throw new TypeError('Argument must be an array of custom schemes.');
  for (const s of customSchemes) {
    if (typeof s?.scheme !== 'string' || !SCHEME.test(s.scheme)) throw new TypeError(`Invalid scheme: ${String(s?.scheme)}`);
  }
  privileged = customSchemes.map((s) => ({ scheme: s.scheme, privileges: { ...s.privileges } }));
}

/** The schemes registered so far, for tests (not an Electron API). */
export function privilegedSchemes(): Electron.CustomScheme[] {
  return privileged.map((s) => ({ ...s }));
}

/** The `protocol` module: scheme registration plus the default session's handlers. */
export function makeProtocolModule(defaultProtocol: () => FakeProtocol) {
  return {
    registerSchemesAsPrivileged,
    handle: (scheme: string, handler: Handler): void => defaultProtocol().handle(scheme, handler),
    unhandle: (scheme: string): void => defaultProtocol().unhandle(scheme),
    isProtocolHandled: (scheme: string): boolean => defaultProtocol().isProtocolHandled(scheme),
  };
}
