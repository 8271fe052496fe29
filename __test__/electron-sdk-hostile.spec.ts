/**
 * A hostile renderer against main's SDK: malformed, oversized and wrongly typed messages, then a flood of 10 000
 * messages in about a second. Main stays responsive, its memory stays bounded, the rejections are logged (debug),
 * and another renderer's events still arrive with their own scope.
 */
import test from 'ava';
import { join } from 'node:path';
import { exceptionOf, runSdkApp, scratch, writePage } from './helpers/sdk-app';

const HOSTILE_PRELOAD = join(__dirname, 'electron-host', 'sdk-app', 'hostile-preload.js');

test('a flooding, malformed renderer cannot harm main or the other renderers', async (t) => {
  const dir = scratch(t);
  const hostile = writePage(dir, 'hostile', `SentryElectronRenderer.init(); SentryElectronRenderer.setTag('who', 'hostile');`);
  const honest = writePage(
    dir,
    'honest',
    `SentryElectronRenderer.init();
SentryElectronRenderer.setTag('who', 'honest');
setTimeout(() => { throw new Error('honest renderer error'); }, 2500);`,
  );
  const run = await runSdkApp(t, { sdk: { debug: true }, windows: [{ page: hostile, preload: HOSTILE_PRELOAD }, { page: honest }] });
  const ready = await run.app.waitForMessage((m) => m.type === 'ready', 30_000);
  t.truthy(ready);
  const before = (await pingDuringFlood(run.app)).rss;

  // Main answers pings while the flood runs.
  const latencies: number[] = [];
  let flooded: Record<string, unknown> | undefined;
  void run.app.waitForMessage((m) => m.type === 'flood-done', 30_000).then((m) => (flooded = m));
  while (!flooded) latencies.push((await pingDuringFlood(run.app)).latency);
  t.is(flooded.sent, 10000);
  const worst = Math.max(...latencies);
  t.true(worst < 1000, `main answered a ping in ${worst} ms at worst during the flood`);
  const growth = ((flooded.rss as number) - before) / 1024 / 1024;
  t.true(growth < 64, `main's RSS grew by ${growth.toFixed(1)} MB`);

  // The honest renderer still reports, with its own scope (the hostile one cannot write into it).
  const { event } = await run.waitForEvent((e) => exceptionOf(e)?.value === 'honest renderer error', 30_000);
  t.is(event.tags?.who, 'honest');
  t.is(event.tags?.flood, undefined);
  // Every kind of bad message was rejected with a debug log, and the flood was cut.
  const log = run.app.stdout() + run.app.stderr();
  t.regex(log, /over the 1048576-byte cap/);
  t.regex(log, /envelope must be a string or bytes/);
  t.regex(log, /does not parse/);
  t.regex(log, /scope is not valid JSON/);
  t.regex(log, /is not a primitive/);
  t.regex(log, /not a version 1 object/);
  t.regex(log, /sending too fast: \d+ message\(s\) dropped/);
});

async function pingDuringFlood(app: Awaited<ReturnType<typeof runSdkApp>>['app']): Promise<{ latency: number; rss: number }> {
  const sentAt = Date.now();
  app.send({ cmd: 'ping' });
  const pong = await app.waitForMessage((m) => m.type === 'pong', 10_000);
  return { latency: Date.now() - sentAt, rss: pong.rss as number };
}
