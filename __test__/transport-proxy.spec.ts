import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import test from 'ava';
import { makeNativeTransport, makeNodeRequest } from '../ts/transport';
import { isExempt, proxyFor } from '../ts/transport/proxy';
import { dropRecorder, eventEnvelope } from './helpers/transport';

test('https_proxy / http_proxy / no_proxy are read as curl reads them', (t) => {
  const env = { https_proxy: 'http://proxy:3128', http_proxy: 'proxy2:8080', no_proxy: 'localhost, .internal.example,10.0.0.1:8443' };
  t.is(proxyFor(new URL('https://o1.ingest.sentry.io/api/1/envelope/'), undefined, env)?.href, 'http://proxy:3128/');
  t.is(proxyFor(new URL('http://sentry.local/api/1/envelope/'), undefined, env)?.href, 'http://proxy2:8080/');
  t.is(proxyFor(new URL('https://sentry.internal.example/'), undefined, env), undefined);
  t.is(proxyFor(new URL('https://internal.example/'), undefined, env), undefined);
  t.is(proxyFor(new URL('https://10.0.0.1:8443/'), undefined, env), undefined);
  t.truthy(proxyFor(new URL('https://10.0.0.1:9443/'), undefined, env), 'port must match');
  t.is(proxyFor(new URL('https://x/'), false, env), undefined, 'proxy: false turns it off');
  t.true(isExempt(new URL('http://anything/'), '*'));
});

test('plain HTTP through a proxy: the absolute URL in the request line, the body intact', async (t) => {
  const seen: Array<{ url: string; length: number }> = [];
  const proxy = createServer((req, res) => {
    let length = 0;
    req.on('data', (c: Buffer) => (length += c.length));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', length });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  t.teardown(() => void proxy.close());
  const port = (proxy.address() as AddressInfo).port;
  const request = makeNodeRequest({ proxy: `http://127.0.0.1:${port}`, timeoutMs: 5_000 });
  const res = await request({
    url: 'http://sentry.invalid/api/1/envelope/?sentry_key=k',
    headers: {},
    body: { kind: 'bytes', bytes: Buffer.from('{}\n'), headers: { 'content-length': '3' } },
  });
  t.is(res.statusCode, 200);
  t.deepEqual(seen, [{ url: 'http://sentry.invalid/api/1/envelope/?sentry_key=k', length: 3 }]);
});

test('HTTPS through a CONNECT proxy: TLS to the receiver inside the tunnel, trusted through caCerts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // A self-signed certificate for 127.0.0.1, made now: it is both the server's certificate and the CA trusted.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'));

  const received: Array<{ url: string; body: string }> = [];
  const receiver = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      received.push({ url: req.url ?? '', body: body.toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  t.teardown(() => void receiver.close());
  const receiverPort = (receiver.address() as AddressInfo).port;

  // An HTTP proxy that only tunnels: it sees the CONNECT authority, then pipes opaque TLS bytes both ways.
  const tunnels: string[] = [];
  let plainRequests = 0;
  const proxy = createServer((_req, res) => {
    plainRequests++;
    res.writeHead(405).end();
  });
  proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  t.teardown(() => void proxy.close());
  const proxyPort = (proxy.address() as AddressInfo).port;

  const url = `https://127.0.0.1:${receiverPort}/api/1/envelope/?sentry_key=public`;
  const { recordDroppedEvent, drops } = dropRecorder();
  const transport = makeNativeTransport({
    url,
    recordDroppedEvent,
    proxy: `http://127.0.0.1:${proxyPort}`,
    caCerts: cert,
    timeoutMs: 5_000,
    log: () => undefined,
  });
  t.teardown(() => transport.close());
  const envelope = eventEnvelope('through the tunnel', 4096);
  await transport.send(envelope);
  t.deepEqual(tunnels, [`127.0.0.1:${receiverPort}`], 'one CONNECT tunnel to the receiver');
  t.is(plainRequests, 0, 'nothing was sent to the proxy in the clear');
  t.is(received.length, 1);
  t.is(received[0]!.url, '/api/1/envelope/?sentry_key=public');
  t.true(received[0]!.body.includes('through the tunnel'), 'the envelope arrived whole');
  t.deepEqual(drops, []);

  // Without the test CA the certificate is not trusted: the request fails (a network error), nothing arrives.
  const untrusted = makeNodeRequest({ proxy: `http://127.0.0.1:${proxyPort}`, timeoutMs: 5_000 });
  await t.throwsAsync(
    untrusted({ url, headers: {}, body: { kind: 'bytes', bytes: Buffer.from('{}\n'), headers: { 'content-length': '3' } } }),
    { message: /self[- ]signed|certificate/i },
  );
  t.is(tunnels.length, 2);
  t.is(received.length, 1);
});
