/**
 * Test app for __test__/dropin-main.spec.ts: a main process written as for @sentry/electron 7 — `init()` from our
 * `/main` with a v7 app's options, then its everyday API (event processors, isolation scopes, spans, Node and
 * Electron integrations) — whose transport reports every envelope to the test (`{ type: 'envelope', items }`).
 * `process.argv[2]`: `run` (the whole script), `otel` (`enableOpenTelemetrySetup`, then a span of an OpenTelemetry
 * tracer with a message inside) or `minidump` (electronMinidumpIntegration: Crashpad uploads; and a GPU that
 * `app.getGPUInfo`, which the fake lacks, reports).
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { app, BrowserWindow, net } from 'electron';
import { createTransport, parseEnvelope } from '@sentry/core';
import * as Sentry from '../../../ts/main';
import { ASSETS, report } from './report';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const scenario = process.argv[2];

if (scenario === 'minidump') {
  // What Chromium answers on a machine with one GPU (the fake host has no GPU process).
  Object.assign(app, {
    getGPUInfo: async () => ({ gpuDevice: [{ active: true, vendorId: 0x10de, deviceId: 0x1c82, vendorString: 'NVIDIA', deviceString: 'GeForce GTX 1050 Ti', driverVersion: '535.1' }] }),
  });
}

Sentry.init({
  dsn: 'https://public@sentry.example/1',
  debug: scenario === 'run',
  tracesSampleRate: 1,
  attachScreenshot: true,
  transport: (o) =>
    createTransport(o, async (request) => {
      report('envelope', { items: parseEnvelope(request.body)[1] });
      return { statusCode: 200 };
    }),
  integrations: scenario === 'minidump' ? [Sentry.electronMinidumpIntegration()] : [Sentry.startupTracingIntegration({ timeoutSeconds: 5 })],
  enableOpenTelemetrySetup: scenario === 'otel',
});
Sentry.addEventProcessor((event) => ({ ...event, tags: { ...event.tags, processed: 'yes' } }));
report('initialised', { nodeLoaded: Sentry.nodeSdkLoaded(), integrations: Sentry.getClient()?.getOptions().integrations.map((i) => i.name) });

/** Thrown from this file, so its frames name it (app:///dropin-main.ts once NormalizePaths ran). */
function failing(): never {
  throw new Error('drop-in failure');
}

if (scenario === 'otel') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { trace } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const traceId = trace.getTracer('dropin').startActiveSpan('otel-work', (span) => {
    Sentry.captureMessage('inside an OpenTelemetry span');
    span.end();
    return span.spanContext().traceId;
  });
  void Sentry.flush(2000).then(() => report('otel', { traceId, hasProvider: !!(Sentry.getClient() as { traceProvider?: unknown }).traceProvider }));
}

void app.whenReady().then(async () => {
  if (scenario === 'minidump') {
    Sentry.setUser({ id: 'u-42' });
    Sentry.setTag('plan', 'pro');
    await sleep(300);
    const { crashReporter } = await import('electron');
    Sentry.captureMessage('with a GPU');
    await Sentry.flush(2000);
    report('minidump', { uploads: crashReporter.getUploadToServer(), parameters: crashReporter.getParameters() });
    return;
  }
  if (scenario !== 'run') return;
  const win = new BrowserWindow();
  await win.loadFile(join(ASSETS, 'crash-page.js'));
  // The light Node integrations load 500 ms after ready.
  await sleep(900);
  // @sentry/node's logs API, printf-style (node:util's format).
  Sentry.logger.info('opened %d windows', [1], { area: 'startup' });
  report('later', { nodeLoaded: Sentry.nodeSdkLoaded() });

  // Electron's net: a breadcrumb for the request (a local server answers 404).
  const server = createServer((_req, res) => res.writeHead(404).end()).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => {
    const req = net.request(`http://127.0.0.1:${port}/missing`);
    req.on('response', (res) => (res.on('data', () => {}), res.on('end', () => resolve())));
    req.on('error', () => resolve());
    req.end();
  });
  server.close();

  try {
    failing();
  } catch (e) {
    Sentry.captureException(e);
  }

  // Two units of work at once, each with its own isolation scope across an await.
  await Promise.all(
    ['a', 'b'].map((name) =>
      Sentry.withIsolationScope(async () => {
        Sentry.setTag('unit', name);
        await sleep(name === 'a' ? 30 : 5);
        Sentry.captureMessage(`unit ${name}`);
      }),
    ),
  );

  // A span across an await: the message inside belongs to its trace.
  await Sentry.startSpan({ name: 'job', op: 'task' }, async () => {
    await sleep(10);
    Sentry.captureMessage('inside the span');
  });
  await Sentry.flush(2000);
  report('done');
});
