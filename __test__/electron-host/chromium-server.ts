/**
 * The 127.0.0.1 HTTP server Chromium mode loads pages from. Chromium cannot load a page from a custom scheme it was
 * never told about, and a `file:` page could not `fetch` the fake's routes, so every document comes over HTTP:
 *
 * - `/path`: a route registered with `serve` (tests that build their own pages);
 * - `file:` URL: the file's folder, under `/fs/<n>/` (an `.html` file as it is; a `.js` file inside a generated
 *   page, the fake host's other way to give a renderer its code);
 * - `<scheme>://host/path` (a document main serves with `protocol.handle`): `/proto/<renderer>/<scheme>/host/path`,
 *   each request answered by that renderer's protocol handler with the original URL, so relative links resolve.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { basename, dirname, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProtocolHandler } from './renderer-host';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json', '.json': 'application/json', '.css': 'text/css' };

const typeOf = (path: string): string => TYPES[extname(path)] ?? 'application/octet-stream';

/** A renderer's protocol handler: the one registered now, and one that waits (boundedly) for main to register it. */
export interface Proxy {
  current(): ProtocolHandler | undefined;
  wait(): Promise<ProtocolHandler | undefined>;
}

/** Where Chromium should navigate for a spec's URL; `errorCode` when Electron would fail the load (-6: no file). */
export interface PageTarget {
  url: string;
  errorCode?: number;
}

export class PageServer {
  private readonly routes = new Map<string, { body: Buffer; type: string }>();
  private readonly roots: string[] = [];
  private readonly proxies = new Map<number, Proxy>();
  private pages = 0;

  private constructor(private readonly server: Server, readonly baseUrl: string) {}

  static async start(): Promise<PageServer> {
    let self: PageServer | undefined;
    const server = createServer((req, res) => void self?.answer(req, res));
    await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('page server has no port');
    self = new PageServer(server, `http://127.0.0.1:${address.port}`);
    return self;
  }

  serve(path: string, body: string | Buffer, type?: string): string {
    this.routes.set(path, { body: Buffer.from(body), type: type ?? typeOf(path) });
    return this.baseUrl + path;
  }

  /**
   * Routes custom-scheme requests of renderer `id` to that renderer's protocol handler, as long as it lives.
   * `handler` resolves (boundedly) once main registered one: main does that only after `launch`, which waits for
   * the document to commit, so a document request gets its headers at once and its body when main answers.
   */
  proxy(id: number, handler: Proxy): () => void {
    this.proxies.set(id, handler);
    return () => this.proxies.delete(id);
  }

  target(url: string, rendererId: number): PageTarget {
    if (/^https?:/i.test(url)) return { url };
    if (url.startsWith('/')) return { url: this.baseUrl + url };
    if (url.startsWith('file:')) {
      const file = fileURLToPath(url);
      if (!existsSync(file)) return { url: 'about:blank', errorCode: -6 };
      const dir = this.root(dirname(file));
      if (extname(file) !== '.html') {
        const page = `/page-${++this.pages}.html`;
        this.serve(page, `<!doctype html><html><head><meta charset="utf-8"><title>${basename(file)}</title></head><body><script src="${dir}${encodeURIComponent(basename(file))}"></script></body></html>`);
        return { url: this.baseUrl + page };
      }
      return { url: `${this.baseUrl}${dir}${encodeURIComponent(basename(file))}` };
    }
    const parsed = new URL(url);
    const scheme = parsed.protocol.slice(0, -1);
    return { url: `${this.baseUrl}/proto/${rendererId}/${scheme}/${parsed.host}${parsed.pathname}${parsed.search}` };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((ok) => this.server.close(() => ok()));
  }

  private root(dir: string): string {
    let index = this.roots.indexOf(dir);
    if (index < 0) index = this.roots.push(dir) - 1;
    return `/fs/${index}/`;
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1');
      const route = this.routes.get(path.pathname);
      if (route) return void res.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' }).end(route.body);
      const fs = /^\/fs\/(\d+)\/(.+)$/.exec(path.pathname);
      const root = fs ? this.roots[Number(fs[1])] : undefined;
      if (fs && root) {
        const file = resolve(root, decodeURIComponent(fs[2]!));
        if (!file.startsWith(root + sep) || !existsSync(file)) return void res.writeHead(404).end();
        return void res.writeHead(200, { 'content-type': typeOf(file), 'cache-control': 'no-store' }).end(readFileSync(file));
      }
      const proto = /^\/proto\/(\d+)\/([^/]+)\/([^/]*)(\/.*)?$/.exec(path.pathname);
      const proxy = proto ? this.proxies.get(Number(proto[1])) : undefined;
      if (!proto || !proxy) return void res.writeHead(404).end();
      const request = { url: `${proto[2]}://${proto[3]}${proto[4] ?? '/'}${path.search}`, method: req.method ?? 'GET', headers: {}, body: new Uint8Array() };
      const type = typeOf(proto[4] && extname(proto[4]) ? proto[4] : '/index.html');
      let handler = proxy.current();
      if (!handler) {
        // Headers now, so that the navigation commits and `launch` returns; the body once main answers.
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        res.flushHeaders();
        handler = await proxy.wait();
        const answer = handler ? await handler(request) : undefined;
        return void res.end(answer && answer.status < 400 && answer.body !== undefined ? Buffer.from(answer.body) : undefined);
      }
      const answer = await handler(request);
      const headers = { 'content-type': type, ...answer.headers, 'cache-control': 'no-store' };
      res.writeHead(answer.status, headers).end(answer.body === undefined ? undefined : Buffer.from(answer.body));
    } catch {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    }
  }
}
