/**
 * Hostile network ends for the transport-fault tests: an HTTPS server whose certificate nobody trusts (a
 * self-signed one, made now) and a plain HTTP server where the DSN says HTTPS, both counting the connections they
 * get and the HTTP requests that reached them; a DSN host that cannot resolve; and the most attempts an exponential
 * back-off allows in a window.
 */
import type { ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `.invalid` never resolves (RFC 6761); the port is never reached. */
export const UNRESOLVABLE_DSN = 'http://public@sentry-fault-test.invalid:9/1';

export interface CountingServer {
  /** `https://public@127.0.0.1:<port>/1`: the DSN an app would be given for it. */
  dsn: string;
  /** TCP connections accepted so far. */
  connections(): number;
  /** HTTP requests that were read (an envelope handed over): must stay 0 for a server the client must not trust. */
  requests(): number;
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1, made with openssl: the server has it, no client trusts it. */
export function selfSignedCert(t: ExecutionContext): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'fault-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

async function counting(t: ExecutionContext, server: Server): Promise<CountingServer> {
  let connections = 0;
  let requests = 0;
  server.on('connection', () => connections++);
  server.on('request', (_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  // A TLS handshake that fails, or TLS bytes sent to plain HTTP: the server's side of it is not an error here.
  server.on('tlsClientError', () => undefined);
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    });
  t.teardown(close);
  return { dsn: `https://public@127.0.0.1:${port}/1`, connections: () => connections, requests: () => requests, close };
}

/** A server that must be handed nothing: how often it was tried, and the check that no request reached it. */
export function refusedServer(server: CountingServer, why: string): { serverAttempts: () => number; check: (t: ExecutionContext) => void } {
  return { serverAttempts: server.connections, check: (t) => t.is(server.requests(), 0, why) };
}

/** An HTTPS server with a self-signed certificate: what a man in the middle without a trusted CA can offer. */
export function startUntrustedTls(t: ExecutionContext): Promise<CountingServer> {
  return counting(t, createHttpsServer(selfSignedCert(t)));
}

/** A plain HTTP server, for a DSN that says `https://`: the TLS handshake meets an HTTP server. */
export function startPlainHttp(t: ExecutionContext): Promise<CountingServer> {
  return counting(t, createHttpServer());
}

/**
 * The most delivery attempts a back-off of `baseMs` doubling up to `maxMs` allows within `windowMs` of a first
 * failed attempt (attempts taking no time at all: any real attempt only makes fewer).
 */
export function backoffAttempts(windowMs: number, baseMs: number, maxMs: number): number {
  let attempts = 1;
  let at = 0;
  let delay = baseMs;
  while (at + delay <= windowMs) {
    at += delay;
    attempts++;
    delay = Math.min(delay * 2, maxMs);
  }
  return attempts;
}
