import * as http from 'node:http';
import type { Socket } from 'node:net';

/**
 * The proxy for a request to `target`, from `https_proxy` / `http_proxy` (either case, lower case first, as curl
 * does) unless `no_proxy` exempts the host. `explicit` (the transport's `proxy` option) wins over the
 * environment; `false` turns proxying off.
 */
export function proxyFor(target: URL, explicit?: string | false, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  if (explicit === false) return undefined;
  const raw =
    explicit ??
    (target.protocol === 'https:'
      ? (env.https_proxy ?? env.HTTPS_PROXY ?? env.http_proxy ?? env.HTTP_PROXY)
      : (env.http_proxy ?? env.HTTP_PROXY));
  if (!raw) return undefined;
  if (explicit === undefined && isExempt(target, env.no_proxy ?? env.NO_PROXY ?? '')) return undefined;
  try {
    return new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    return undefined;
  }
}

/**
 * `no_proxy` as curl and most tools read it: a comma- or space-separated list of hosts, `*` for all; an entry
 * matches the host itself and its subdomains (a leading `.` or `*.` is ignored); `host:port` also matches the port.
 */
export function isExempt(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry)!;
    const name = m[1]!.replace(/^\*?\./, '').replace(/^\[|\]$/g, '');
    if (m[2] && m[2] !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** `Proxy-Authorization` for a proxy URL with credentials (`http://user:pass@proxy:3128`). */
export function proxyAuthHeader(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return { 'proxy-authorization': `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

/**
 * Opens a tunnel to `target` through an HTTP proxy (`CONNECT host:port`); TLS to the target then runs inside it,
 * so the proxy never sees the envelope or the DSN key.
 */
export function connectTunnel(proxy: URL, target: URL, timeoutMs: number): Promise<Socket> {
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const authority = `${target.hostname}:${port}`;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || 80,
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...proxyAuthHeader(proxy) },
      agent: false,
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`proxy CONNECT timed out after ${timeoutMs} ms`)));
    req.once('connect', (res, socket) => {
      req.setTimeout(0);
      if (res.statusCode === 200) {
        resolve(socket);
      } else {
        socket.destroy();
        reject(new Error(`proxy refused CONNECT ${authority}: ${res.statusCode}`));
      }
    });
    req.once('error', reject);
    req.end();
  });
}
