import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { makeNodeRequest } from '../ts/transport';
import { isExempt, proxyFor } from '../ts/transport/proxy';

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
