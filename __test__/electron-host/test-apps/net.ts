/**
 * Test app: Electron's `net` against a local HTTP server in main (as an SDK's transport uses it), and `net.fetch` of a
 * custom scheme served by `protocol.handle`.
 */
import { app, net, protocol, type ClientRequest, type IncomingMessage } from 'electron';
import { createServer } from 'node:http';
import { report } from './report';

type Outcome = { status?: number; headers?: IncomingMessage['headers']; body?: string; error?: string };
function send(build: (req: ClientRequest) => void, options: Parameters<typeof net.request>[0]): Promise<Outcome> {
  return new Promise((ok) => {
    const req = net.request(options);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (e) => ok({ error: e.message }));
    build(req);
  });
}

const seen: Array<{ method?: string; headers: Record<string, unknown>; body: string }> = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() });
    if (req.url === '/redirect') return res.writeHead(302, { location: '/' }).end();
    res.writeHead(202, { 'x-sentry-rate-limits': '60:error', 'set-cookie': ['a=1', 'b=2'] }).end('accepted');
  });
});

void app.whenReady().then(async () => {
  protocol.handle('data-api', (request) => new Response(`served ${new URL(request.url).pathname}`));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const post = await send((req) => {
    req.setHeader('Content-Type', 'application/x-sentry-envelope');
    req.write(Buffer.from('{"event_id":"1"}\n'));
    req.end();
  }, { method: 'POST', url: `${url}/envelope`, redirect: 'error' });
  const chunked = await send((req) => {
    req.chunkedEncoding = true;
    req.write('part1,');
    req.end('part2');
  }, { method: 'POST', url });
  const restricted = await send((req) => {
    req.setHeader('Content-Length', '3');
    req.end('abc');
  }, { method: 'POST', url });
  const redirected = await send((req) => req.end(), { url: `${url}/redirect`, redirect: 'error' });
  const followed = await send((req) => req.end(), { url: `${url}/redirect` });
  await new Promise((ok) => server.close(ok));
  const refused = await send((req) => req.end(), { url });
  const fetched = await (await net.fetch('data-api://host/path')).text();
  report('net', { post, chunked, restricted, redirected, followed, refused, fetched, seen });
});
