/**
 * What a Node-mode page loads and fetches, as Chromium inside Electron behaves for it.
 *
 * `fetch` of a scheme main registered privileged with `supportFetchAPI` goes to main's `protocol.handle` (request
 * bytes, method and headers as sent; the handler's status, headers and bytes back); `http(s):`, `data:` and `blob:`
 * are fetched for real; anything else (`file:`, unknown schemes) and any network failure reject with
 * `TypeError: Failed to fetch`, made in the page's realm. Relative URLs resolve against the document's URL.
 *
 * The document: `file:` from disk, `http(s):` for real, any other scheme through main's handlers (a navigation may
 * use any handled scheme); failures carry Chromium's net error code. A URL whose path ends in `.js` (or that is
 * served as JavaScript) is the page's one script, e.g. a bundled IIFE: `win.loadFile('page.js')`. Anything else is
 * read as HTML: its `<title>`, then its classic `<script>` elements in document order, `src` ones loaded relative
 * to the document (through the same routes), inline ones as they are (named by the document's URL, as in
 * Chromium). Module scripts and the rest of the HTML are ignored: there is no DOM.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ProtocolRequest, ProtocolResponse } from '../renderer-host';

export type ViaMain = (req: ProtocolRequest) => Promise<ProtocolResponse>;

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

export function makePageFetch(opts: { baseUrl: string; schemes: string[]; viaMain: ViaMain; makeTypeError: (message: string) => Error }) {
  const failed = (): Error => opts.makeTypeError('Failed to fetch');
  return async (input: unknown, init?: unknown): Promise<Response> => {
    let request: Request;
    try {
      const target = input instanceof Request ? input : new URL(String(input), opts.baseUrl).href;
      request = new Request(target, init as RequestInit | undefined);
    } catch (e) {
      throw opts.makeTypeError(`Failed to execute 'fetch': ${(e as Error).message}`);
    }
    const scheme = request.url.slice(0, request.url.indexOf(':'));
    if (opts.schemes.includes(scheme)) {
      const body = new Uint8Array(await request.arrayBuffer());
      let res: ProtocolResponse;
      try {
        res = await opts.viaMain({ url: request.url, method: request.method, headers: Object.fromEntries(request.headers), body });
      } catch {
        throw failed();
      }
      if (res.status < 200 || res.status > 599) throw failed();
      const resBody = typeof res.body === 'string' ? res.body : res.body ? new Uint8Array(res.body) : null;
      return new Response(NULL_BODY.has(res.status) ? null : resBody, { status: res.status, headers: res.headers ?? {} });
    }
    if (!['http', 'https', 'data', 'blob'].includes(scheme)) throw failed();
    try {
      return await fetch(request);
    } catch {
      throw failed();
    }
  };
}

export class LoadError extends Error {
  constructor(readonly errorCode: number, description: string) {
    super(description);
  }
}

/** A document or script by URL: its text and content type. */
async function loadResource(url: string, viaMain: ViaMain): Promise<{ text: string; type: string }> {
  const scheme = url.slice(0, url.indexOf(':'));
  if (scheme === 'file') {
    try {
      return { text: await readFile(fileURLToPath(url), 'utf8'), type: '' };
    } catch {
      throw new LoadError(-6, 'ERR_FILE_NOT_FOUND');
    }
  }
  if (scheme === 'http' || scheme === 'https') {
    try {
      const res = await fetch(url);
      return { text: await res.text(), type: res.headers.get('content-type') ?? '' };
    } catch {
      throw new LoadError(-102, 'ERR_CONNECTION_REFUSED');
    }
  }
  let res: ProtocolResponse;
  try {
    res = await viaMain({ url, method: 'GET', headers: {}, body: new Uint8Array() });
  } catch {
    throw new LoadError(-302, 'ERR_UNKNOWN_URL_SCHEME');
  }
  const text = typeof res.body === 'string' ? res.body : Buffer.from(res.body ?? new Uint8Array()).toString('utf8');
  return { text, type: res.headers?.['content-type'] ?? '' };
}

export interface PageScript {
  url: string;
  source: string;
}

export interface PageDocument {
  title: string;
  scripts: PageScript[];
}

const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;

export async function loadDocument(url: string, viaMain: ViaMain): Promise<PageDocument> {
  const { text, type } = await loadResource(url, viaMain);
  if (/\.m?js$/.test(new URL(url).pathname) || /javascript/.test(type)) return { title: '', scripts: [{ url, source: text }] };
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1]?.trim() ?? '';
  const scripts: PageScript[] = [];
  for (const m of text.matchAll(SCRIPT)) {
    const attrs = m[1] ?? '';
    if (/\btype\s*=\s*["']?module/i.test(attrs)) continue;
    const src = /\bsrc\s*=\s*["']([^"']+)["']/i.exec(attrs)?.[1];
    if (src) {
      const scriptUrl = new URL(src, url).href;
      scripts.push({ url: scriptUrl, source: (await loadResource(scriptUrl, viaMain)).text });
    } else {
      scripts.push({ url, source: m[2] ?? '' });
    }
  }
  return { title, scripts };
}
