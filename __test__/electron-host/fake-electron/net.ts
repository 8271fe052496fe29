/**
 * `net`: Electron's HTTP client (Chromium's network stack), played over Node's http / https.
 *
 * ClientRequest as Electron documents it: headers only before the first write (`setHeader` after it throws);
 * Chromium's restricted headers (Content-Length, Host, Trailer, TE, Upgrade, Cookie2, Keep-Alive,
 * Transfer-Encoding, `Connection: upgrade`) fail the request with `net::ERR_INVALID_ARGUMENT`; the body is buffered
 * and sent with a Content-Length at `end()` unless `chunkedEncoding` was set before the first write (then streamed);
 * `redirect`: `follow` (default, up to 20), `error` (fails), `manual` (`redirect` event, `followRedirect()` within
 * it); events response, finish, error (Chromium's net error names for Node's socket errors), abort, close.
 * IncomingMessage is a Readable with statusCode, statusMessage, headers (lowercased, Node's duplicate rules, which are
 * Electron's), rawHeaders and httpVersion. `net.fetch` serves custom schemes from the default session's handlers,
 * anything else with Node's fetch.
 * Not emulated: proxies, the system certificate store, sessions' cookies, `login`, upload progress (zeros).
 */
import type * as Electron from 'electron';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { session } from './session';

const RESTRICTED = new Set(['content-length', 'host', 'trailer', 'te', 'upgrade', 'cookie2', 'keep-alive', 'transfer-encoding']);
const NET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'net::ERR_CONNECTION_REFUSED',
  ECONNRESET: 'net::ERR_CONNECTION_RESET',
  ENOTFOUND: 'net::ERR_NAME_NOT_RESOLVED',
  EAI_AGAIN: 'net::ERR_NAME_NOT_RESOLVED',
  ETIMEDOUT: 'net::ERR_TIMED_OUT',
  EHOSTUNREACH: 'net::ERR_ADDRESS_UNREACHABLE',
};
const MAX_REDIRECTS = 20;

export class FakeIncomingMessage extends Readable {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly headers: Record<string, string | string[]>;
  readonly rawHeaders: string[];
  readonly httpVersion: string;
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;

  constructor(res: http.IncomingMessage) {
    super({ read: () => res.resume() });
    this.statusCode = res.statusCode ?? 0;
    this.statusMessage = res.statusMessage ?? '';
    this.headers = Object.fromEntries(Object.entries(res.headers).filter((e): e is [string, string | string[]] => e[1] !== undefined));
    this.rawHeaders = res.rawHeaders;
    this.httpVersion = res.httpVersion;
    this.httpVersionMajor = res.httpVersionMajor;
    this.httpVersionMinor = res.httpVersionMinor;
    res.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) res.pause();
    });
    res.on('end', () => this.push(null));
    res.on('error', (e) => this.destroy(e));
  }
}

export class FakeClientRequest extends EventEmitter {
  private readonly headers = new Map<string, { name: string; value: string }>();
  private readonly body: Buffer[] = [];
  private readonly method: string;
  private readonly redirectMode: 'follow' | 'error' | 'manual';
  private url: URL;
  private chunked = false;
  private written = false;
  private ended = false;
  private closed = false;
  private redirects = 0;
  private wire: http.ClientRequest | undefined;
  private response: FakeIncomingMessage | undefined;
  private redirectFollowed = false;

  constructor(options: Electron.ClientRequestConstructorOptions | string) {
    super();
    const o = typeof options === 'string' ? { url: options } : options;
    const url = o.url ?? `${o.protocol ?? 'http:'}//${o.hostname ?? o.host ?? 'localhost'}${o.port ? `:${o.port}` : ''}${o.path ?? '/'}`;
    this.url = new URL(url);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') throw new Error(`Protocol "${this.url.protocol}" not supported`);
    this.method = (o.method ?? 'GET').toUpperCase();
    this.redirectMode = o.redirect ?? 'follow';
    for (const [name, value] of Object.entries(o.headers ?? {})) this.setHeader(name, Array.isArray(value) ? value.join(', ') : value);
  }

  get chunkedEncoding(): boolean {
    return this.chunked;
  }
  set chunkedEncoding(value: boolean) {
    if (this.written) throw new Error('chunkedEncoding can only be set before the first write');
    this.chunked = value;
  }

  setHeader(name: string, value: string): void {
    if (this.written) throw new Error("Can't set headers after they are sent");
    if (value == null) throw new Error(`\`value\` required in setHeader("${name}", value)`);
    this.headers.set(name.toLowerCase(), { name, value: String(value) });
  }
  getHeader(name: string): string {
    return this.headers.get(name.toLowerCase())?.value as string;
  }
  removeHeader(name: string): void {
    if (this.written) throw new Error("Can't remove headers after they are sent");
    this.headers.delete(name.toLowerCase());
  }
  getUploadProgress(): Electron.UploadProgress {
    return { active: !this.closed, started: this.written, current: 0, total: 0 };
  }

  write(chunk: string | Buffer, encoding?: string, callback?: () => void): boolean {
    if (this.ended) throw new Error('Write after end');
    this.written = true;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, (encoding as BufferEncoding) ?? 'utf8') : Buffer.from(chunk);
    if (this.chunked) (this.wire ??= this.open()).write(bytes);
    else this.body.push(bytes);
    if (callback) process.nextTick(callback);
    return true;
  }

  end(chunk?: string | Buffer, encoding?: string, callback?: () => void): this {
    if (this.ended) return this;
    if (chunk !== undefined) this.write(chunk, encoding);
    this.ended = true;
    this.written = true;
    const wire = (this.wire ??= this.open());
    wire.end(this.chunked ? undefined : Buffer.concat(this.body), () => {
      this.emit('finish');
      callback?.();
    });
    return this;
  }

  abort(): void {
    if (this.closed) return;
    this.wire?.destroy();
    this.response?.emit('aborted');
    this.emit('abort');
    this.close();
  }

  followRedirect(): void {
    this.redirectFollowed = true;
  }

  private open(): http.ClientRequest {
    const headers: Record<string, string> = {};
    for (const { name, value } of this.headers.values()) headers[name] = value;
    const bad = [...this.headers].some(([key, { value }]) => RESTRICTED.has(key) || (key === 'connection' && /upgrade/i.test(value)));
    if (!this.chunked && this.ended) headers['Content-Length'] = String(Buffer.concat(this.body).length);
    const transport = this.url.protocol === 'https:' ? https : http;
    // No connection pool: Chromium retries a request whose kept-alive connection the server had closed; Node does not.
    const req = transport.request(this.url, { method: this.method, headers, agent: false });
    if (bad) {
      req.on('error', () => undefined).destroy();
      process.nextTick(() => this.fail(new Error('net::ERR_INVALID_ARGUMENT')));
      return req;
    }
    req.on('response', (res) => this.onResponse(res));
    req.on('error', (e: NodeJS.ErrnoException) => this.fail(new Error(NET_ERRORS[e.code ?? ''] ?? `net::ERR_FAILED (${e.message})`)));
    return req;
  }

  private onResponse(res: http.IncomingMessage): void {
    const location = res.headers.location;
    if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location) {
      res.resume();
      const next = new URL(location, this.url);
      if (this.redirectMode === 'error' || this.redirects >= MAX_REDIRECTS) return this.fail(new Error('Redirect was cancelled'));
      if (this.redirectMode === 'manual') {
        this.redirectFollowed = false;
        const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v : [String(v)]]));
        this.emit('redirect', res.statusCode, this.method, next.href, headers);
        if (!this.redirectFollowed) return this.fail(new Error('Redirect was cancelled'));
      }
      this.redirects += 1;
      this.url = next;
      const wire = (this.wire = this.open());
      wire.end(this.chunked ? undefined : Buffer.concat(this.body));
      return;
    }
    this.response = new FakeIncomingMessage(res);
    this.response.on('end', () => this.close());
    this.emit('response', this.response);
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.emit('error', error);
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}

export const net = {
  request(options: Electron.ClientRequestConstructorOptions | string): FakeClientRequest {
    return new FakeClientRequest(options);
  },
  async fetch(input: string | Request, init?: RequestInit & { bypassCustomProtocolHandlers?: boolean }): Promise<Response> {
    const request = new Request(input, init);
    const scheme = new URL(request.url).protocol.slice(0, -1);
    const protocol = session.defaultSession.protocol;
    if (init?.bypassCustomProtocolHandlers || scheme === 'http' || scheme === 'https' || !protocol.isProtocolHandled(scheme)) return fetch(request);
    const body = new Uint8Array(await request.arrayBuffer());
    const res = await protocol.serve({ url: request.url, method: request.method, headers: Object.fromEntries(request.headers), body });
    return new Response([101, 204, 205, 304].includes(res.status) ? null : new Uint8Array(res.body), { status: res.status, headers: res.headers });
  },
  isOnline(): boolean {
    return true;
  },
  get online(): boolean {
    return true;
  },
};
