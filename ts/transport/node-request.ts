import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import { connectTunnel, proxyAuthHeader, proxyFor } from './proxy';
import {
  DEFAULT_TIMEOUT_MS,
  headerValue,
  pipeBody,
  type HttpRequest,
  type HttpResponse,
  type RequestFn,
  type RequestOptions,
} from './request';

/**
 * Node's `http`/`https` under the transport: one keep-alive agent per protocol (envelopes often come in bursts,
 * a queue replay especially), `https_proxy`/`no_proxy` honoured, `CONNECT` tunnelling for HTTPS through an HTTP
 * proxy, and two timeouts that turn a hung server into a network error (which sends the envelope to the queue):
 * the socket idle for `timeoutMs`, and the whole answer not in within `timeoutMs` of the body's last byte. The
 * second catches a server that trickles its answer a byte at a time, which keeps the socket from ever being idle.
 */
export function makeNodeRequest(options: RequestOptions = {}): RequestFn {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 8 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 8, ...(options.caCerts ? { ca: options.caCerts } : {}) }),
  };

  return async (request: HttpRequest): Promise<HttpResponse> => {
    const target = new URL(request.url);
    const proxy = proxyFor(target, options.proxy);
    const headers = { ...request.headers };
    let open: Opener;
    if (proxy && target.protocol === 'https:') {
      // TLS inside a CONNECT tunnel: a fresh tunnel per request, so no keep-alive through a proxy.
      const socket = await connectTunnel(proxy, target, timeoutMs);
      const host = target.hostname.replace(/^\[|\]$/g, '');
      const secure = tls.connect({
        socket,
        // SNI takes a host name only (RFC 6066): an IP target is checked against the certificate's IP SANs.
        ...(isIP(host) ? { host } : { servername: host }),
        ...(options.caCerts ? { ca: options.caCerts } : {}),
      });
      open = (h, cb) => https.request(target, { method: 'POST', headers: h, createConnection: () => secure }, cb);
    } else if (proxy) {
      // Plain HTTP through a proxy: the absolute URL goes in the request line.
      Object.assign(headers, proxyAuthHeader(proxy), { host: target.host });
      const host = proxy.hostname.replace(/^\[|\]$/g, '');
      const port = proxy.port || 80;
      open = (h, cb) =>
        http.request({ host, port, path: target.href, method: 'POST', headers: h, agent: agents['http:'] }, cb);
    } else {
      const mod = target.protocol === 'https:' ? https : http;
      const agent = agents[target.protocol === 'https:' ? 'https:' : 'http:'];
      open = (h, cb) => mod.request(target, { method: 'POST', headers: h, agent }, cb);
    }
    return send(open, headers, request, timeoutMs);
  };
}

type Opener = (headers: Record<string, string>, cb: (res: http.IncomingMessage) => void) => http.ClientRequest;

function send(open: Opener, headers: Record<string, string>, request: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    // The upload may take as long as the network needs (idle timeout only); the answer gets `timeoutMs` in all.
    let deadline: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (): void => {
      settled = true;
      clearTimeout(deadline);
    };
    const fail = (e: Error): void => {
      settle();
      reject(e);
    };
    const req = open(
      { ...headers, ...request.body.headers },
      (res) => {
        // Drain the body so the socket goes back to the keep-alive pool.
        res.resume();
        res.once('end', () => {
          settle();
          resolve({
            statusCode: res.statusCode ?? 0,
            headers: {
              'x-sentry-rate-limits': headerValue(res.headers['x-sentry-rate-limits']),
              'retry-after': headerValue(res.headers['retry-after']),
            },
          });
        });
        res.once('error', fail);
        res.once('close', () => {
          if (!res.complete) fail(new Error('the answer was cut off'));
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`request timed out after ${timeoutMs} ms`)));
    req.once('finish', () => {
      if (settled) return; // answered before the body was all out (an early 413)
      deadline = setTimeout(() => {
        if (!settled) req.destroy(new Error(`no complete answer within ${timeoutMs} ms of the request`));
      }, timeoutMs);
      deadline.unref?.();
    });
    req.once('error', fail);
    pipeBody(request.body, req, (e) => req.destroy(e));
  });
}
