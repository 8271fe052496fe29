import { DEFAULT_TIMEOUT_MS, headerValue, pipeBody, type HttpRequest, type HttpResponse, type RequestFn } from './request';

/**
 * The parts of Electron's `net` module this uses, typed here so the package compiles without Electron's types.
 * `net` goes through Chromium's network stack: the system proxy settings (PAC files too), the OS certificate
 * store and the app's session, which is why an app inside Electron prefers it to Node's `https`.
 */
interface ElectronNet {
  request(options: { method: string; url: string; redirect?: 'follow' | 'error' | 'manual' }): ElectronClientRequest;
}
interface ElectronClientRequest {
  chunkedEncoding: boolean;
  setHeader(name: string, value: string): void;
  write(chunk: Uint8Array): void;
  end(): void;
  abort(): void;
  on(event: 'response', cb: (res: ElectronIncomingMessage) => void): void;
  on(event: 'error', cb: (e: Error) => void): void;
}
interface ElectronIncomingMessage {
  statusCode: number;
  headers: Record<string, string | string[]>;
  on(event: 'data' | 'end' | 'error', cb: (arg?: unknown) => void): void;
}

/** True inside an Electron main process, where `electron.net` is available. */
export function isElectronMain(): boolean {
  return Boolean(process.versions.electron) && (process as { type?: string }).type === 'browser';
}

/**
 * The same `RequestFn` on Electron's `net.request`. Selected by the transport when `process.versions.electron`
 * is set and the code runs in the main process.
 *
 * Not exercised by any test here (Electron cannot run in this environment): it is checked by the type checker
 * against the interface above, which follows Electron's documented `ClientRequest` / `IncomingMessage` API.
 * `Content-Length` is set by Electron itself from the bytes written; streamed bodies use `chunkedEncoding`.
 * Proxies are Chromium's business (`session.setProxy`, system settings), so `https_proxy` is not read here.
 */
export function makeElectronNetRequest(options: { timeoutMs?: number } = {}): RequestFn {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Loaded lazily: `electron` only resolves inside Electron.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { net } = require('electron') as { net: ElectronNet };
  return (request: HttpRequest) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const req = net.request({ method: 'POST', url: request.url, redirect: 'error' });
      const timer = setTimeout(() => {
        req.abort();
        reject(new Error(`request timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      for (const [name, value] of Object.entries({ ...request.headers, ...request.body.headers })) {
        // Electron computes these itself and rejects them when set by hand.
        if (name === 'content-length' || name === 'transfer-encoding') continue;
        req.setHeader(name, value);
      }
      if (request.body.kind === 'stream') req.chunkedEncoding = true;
      req.on('response', (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            statusCode: res.statusCode,
            headers: {
              'x-sentry-rate-limits': headerValue(res.headers['x-sentry-rate-limits']),
              'retry-after': headerValue(res.headers['retry-after']),
            },
          });
        });
      });
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      pipeBody(request.body, req, (e) => {
        req.abort();
        reject(e);
      });
    });
}
