/**
 * `/native`'s eventLoopBlockIntegration in a real main process of the fake Electron host
 * (__test__/electron-host/test-apps/event-loop-block.ts), reporting to the real local receiver: a loop blocked in a
 * named function makes one "Application Not Responding" event with that function in main's stack and the scope of
 * the moment; paused and disabled detection make none; a main that never unblocks is still reported, by the
 * watchdog's own send. And main's rendererEventLoopBlockIntegration
 * (test-apps/renderer-event-loop-block.ts): a renderer whose statuses stop while it is visible is reported.
 */
import test from 'ava';
import * as path from 'node:path';
import type { Event } from '@sentry/core';
import { startReceiver, type Receiver } from '../ts/receiver';
import { launchApp, type LaunchedApp } from './electron-host/launch';
import { sleep, until } from './helpers/transport';

const APP = path.join(__dirname, 'electron-host', 'test-apps', 'event-loop-block.ts');
const THRESHOLD_MS = 400;

async function start(t: { teardown(fn: () => Promise<void>): void }): Promise<{ receiver: Receiver; app: LaunchedApp }> {
  const receiver = await startReceiver({ lifetimeMs: 90_000 });
  const app = launchApp({ main: APP, name: 'BlockApp', env: { SENTRY_DSN: receiver.dsn, BLOCK_THRESHOLD_MS: String(THRESHOLD_MS) } });
  t.teardown(async () => {
    await app.dispose();
    await receiver.close();
  });
  await app.waitForMessage((m) => m.type === 'ready');
  return { receiver, app };
}

const blockEvents = (receiver: Receiver): Event[] =>
  receiver.envelopes.flatMap((e) => e.items.filter((i) => i.type === 'event').map((i) => i.payload as Event)).filter((e) => e.exception?.values?.[0]?.mechanism?.type === 'ANR');

test('a blocked main loop is reported once, with the blocking function in the stack and the scope of that moment; paused and disabled detection report nothing', async (t) => {
  const { receiver, app } = await start(t);

  app.send({ cmd: 'block', how: 'paused', ms: THRESHOLD_MS * 3 });
  await app.waitForMessage((m) => m.type === 'unblocked' && m.how === 'paused');
  app.send({ cmd: 'block', how: 'disabled', ms: THRESHOLD_MS * 3 });
  await app.waitForMessage((m) => m.type === 'unblocked' && m.how === 'disabled');
  await sleep(THRESHOLD_MS * 2);
  t.deepEqual(blockEvents(receiver), [], 'no event while detection was paused or disabled');

  // Four thresholds long: still one event (once per block).
  app.send({ cmd: 'block', how: 'plain', ms: THRESHOLD_MS * 4 });
  await app.waitForMessage((m) => m.type === 'unblocked' && m.how === 'plain');
  await until(() => blockEvents(receiver).length > 0, 10_000);
  // A second block in the same hour: over the default maxEventsPerHour of 1.
  app.send({ cmd: 'block', how: 'plain', tag: 'second', ms: THRESHOLD_MS * 3 });
  await app.waitForMessage((m) => m.type === 'unblocked' && m.how === 'plain');
  await sleep(THRESHOLD_MS * 3);

  const events = blockEvents(receiver);
  t.is(events.length, 1);
  const [event] = events;
  const exception = event!.exception!.values![0]!;
  t.like(exception, { type: 'EventLoopBlocked', value: `Event Loop Blocked for at least ${THRESHOLD_MS} ms`, mechanism: { type: 'ANR' }, thread_id: '0' });
  const frames = exception.stacktrace?.frames ?? [];
  t.is(frames.at(-1)?.function, 'spinInsideTheBlockingFunction', 'the innermost frame is the function that blocked');
  t.true(frames.at(-1)?.in_app);
  t.regex(String(frames.at(-1)?.filename), /^app:\/\/\/.*event-loop-block\.ts$/, 'paths relative to the app');
  t.like(event!.threads?.values?.[0], { id: '0', name: 'main', crashed: true, main: true });
  t.like(event, { level: 'error', platform: 'node', release: 'block@1.0.0' });
  t.like(event!.tags, { 'block.case': 'plain', 'event.process': 'browser', 'event.origin': 'electron', 'event.environment': 'javascript' });
  t.like(event!.contexts, { app: { app_name: 'BlockApp' }, os: { name: 'Linux' } });
  t.truthy(event!.contexts?.trace?.trace_id);
  t.true((event!.breadcrumbs ?? []).some((b) => b.message === 'app.ready'), "main's breadcrumbs");
  t.true((event!.sdk?.integrations ?? []).includes('ThreadBlocked'));
});

test('a main loop that never unblocks is reported by the watchdog itself', async (t) => {
  const { receiver, app } = await start(t);
  const sessionsOf = () => receiver.envelopes.flatMap((e) => e.items.filter((i) => i.type === 'session').map((i) => i.payload as { sid: string; status: string; abnormal_mechanism?: string }));
  // The run's session, started by MainProcessSession at init(), reaches Sentry before main blocks for good.
  await until(() => sessionsOf().some((s) => s.status === 'ok'), 15_000);
  app.send({ cmd: 'block', how: 'forever' });
  await until(() => blockEvents(receiver).length > 0, 15_000);
  const [event] = blockEvents(receiver);
  t.is(event!.exception!.values![0]!.stacktrace?.frames?.at(-1)?.function, 'spinInsideTheBlockingFunction');
  t.is(event!.tags?.['block.case'], 'forever');
  t.false(app.messages.some((m) => (m as { type: string }).type === 'unblocked'), 'main is still blocked');
  // That session ends abnormal, as @sentry/node-native reports it.
  const sessions = sessionsOf();
  const started = sessions.find((s) => s.status === 'ok');
  t.like(sessions.find((s) => s.status === 'abnormal'), { sid: started?.sid, abnormal_mechanism: 'anr_foreground' });
});

test("a renderer whose statuses stop while it is visible is reported as not responding, tagged with the renderer; without webContents.debugger, once said, without a stack", async (t) => {
  const receiver = await startReceiver({ lifetimeMs: 60_000 });
  const app = launchApp({ main: path.join(__dirname, 'electron-host', 'test-apps', 'renderer-event-loop-block.ts'), env: { SENTRY_DSN: receiver.dsn } });
  t.teardown(async () => {
    await app.dispose();
    await receiver.close();
  });
  await app.waitForMessage((m) => m.type === 'ready');
  await sleep(600);
  t.deepEqual(blockEvents(receiver), [], 'no event while the renderer answers');
  app.send({ cmd: 'block' });
  await app.waitForMessage((m) => m.type === 'unblocked');
  await until(() => blockEvents(receiver).length > 0, 10_000);
  await sleep(500);
  const events = blockEvents(receiver);
  t.is(events.length, 1, 'once per block');
  t.like(events[0]!.exception!.values![0], { type: 'ApplicationNotResponding', value: 'Application Not Responding for at least 300 ms', mechanism: { type: 'ANR' } });
  t.is(events[0]!.exception!.values![0]!.stacktrace, undefined);
  t.like(events[0]!.tags, { 'event.process': 'renderer' });
  t.is(app.stdout().split('webContents.debugger is not available').length - 1, 1, 'said once in the debug log');
});
