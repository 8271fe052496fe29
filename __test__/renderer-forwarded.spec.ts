/**
 * A renderer's logs, metrics and feedback (`Sentry.logger`, `Sentry.metrics`, `captureFeedback`: the browser SDK's,
 * under @sentry/electron 7's names) reach the receiver through main, in the fake Electron host: main forwards their
 * envelope items, with its release and environment.
 */
import test from 'ava';
import { runSdkApp, scratch, writePage } from './helpers/sdk-app';

test("a renderer's log, metric, event and feedback reach the receiver through main, with main's release and environment", async (t) => {
  const page = writePage(
    scratch(t),
    'telemetry',
    `SentryElectronRenderer.init({ enableLogs: true });
SentryElectronRenderer.logger.info('renderer log line', { pane: 'left' });
SentryElectronRenderer.metrics.count('renderer.clicks', 2);
SentryElectronRenderer.captureMessage('renderer message');
SentryElectronRenderer.captureFeedback({ message: 'nice app' });
setTimeout(() => SentryElectronRenderer.flush(2000), 200);`,
  );
  const run = await runSdkApp(t, { sdk: { environment: 'staging' }, windows: [{ page }] }, { name: 'TelemetryApp', version: '3.0.0' });
  const deadline = Date.now() + 20_000;
  const itemsOf = (type: string) => run.receiver.envelopes.flatMap((e) => e.items.filter((i) => i.type === type));
  while (['log', 'trace_metric', 'feedback'].some((type) => itemsOf(type).length === 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const logs = JSON.stringify(itemsOf('log').map((i) => i.payload));
  const metrics = JSON.stringify(itemsOf('trace_metric').map((i) => i.payload));
  t.true(logs.includes('renderer log line'), `log items: ${logs}`);
  t.true(metrics.includes('renderer.clicks'), `metric items: ${metrics}`);
  // Main's release and environment, which the page's client does not have (it fills in 'production').
  const { event } = await run.waitForEvent((e) => e.message === 'renderer message');
  t.is(event.environment, 'staging');
  t.is(event.release, 'TelemetryApp@3.0.0');
  const feedback = itemsOf('feedback')[0]?.payload as { contexts?: { feedback?: { message?: string } }; environment?: string; release?: string } | undefined;
  t.is(feedback?.contexts?.feedback?.message, 'nice app');
  t.is(feedback?.environment, 'staging');
  t.is(feedback?.release, 'TelemetryApp@3.0.0');
  for (const type of ['log', 'trace_metric']) {
    const attributes = (itemsOf(type)[0]!.payload as { items: Array<{ attributes: Record<string, { value: unknown }> }> }).items[0]!.attributes;
    t.is(attributes['sentry.release']?.value, 'TelemetryApp@3.0.0', type);
    t.is(attributes['sentry.environment']?.value, 'staging', type);
  }
});
