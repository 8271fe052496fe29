/**
 * The page's half of renderer event-loop block detection (`eventLoopBlockIntegration`), in real headless
 * Chromium over the preload's bridge and over the protocol: the page says it is visible, then that it is alive
 * every `pollInterval`, in messages main's validator accepts; and while a script blocks the page, the heartbeats
 * stop. And in the fake Electron host, with main's `rendererEventLoopBlockIntegration`, by the preload and by the
 * protocol: a blocked page is reported as not responding.
 */
import test from 'ava';
import { join } from 'node:path';
import { startReceiver } from '../ts/receiver';
import { DEFAULT_NAMESPACE, KEY_GLOBAL } from '../ts/common/ipc';
import { validateRendererStatus, type RendererStatus } from '../ts/common/renderer-status';
import { PRELOAD, Session, sleep, chromiumSpec, type Received } from './electron-host/chromium-harness';
import type { Event } from '@sentry/core';
import { launchApp } from './electron-host/launch';
import { scratch, writePage } from './helpers/sdk-app';

const { chromiumTest, launcher } = chromiumSpec(test, 'renderer event-loop heartbeats');

/** Each status message received so far, checked by main's validator. */
function statuses(page: Session): Array<{ message: Received; status: RendererStatus }> {
  return page.received
    .filter((m) => m.kind === 'status')
    .map((message) => {
      const status = validateRendererStatus(message.payload);
      if (!status) throw new Error(`main would reject a heartbeat: ${String(message.payload)}`);
      return { message, status };
    });
}

const withHeartbeats = `SentryElectronRenderer.init({ integrations: [SentryElectronRenderer.eventLoopBlockIntegration({ threshold: 200 })] });`;

chromiumTest('Classic: visible, then alive every half threshold; a blocked page goes quiet for as long as it is blocked', async (t) => {
  const page = await Session.open(launcher(), { preloads: [PRELOAD], initScript: withHeartbeats });
  try {
    await page.waitFor(t, 'heartbeats', () => statuses(page).filter((s) => s.status.status === 'alive').length >= 3);
    const first = statuses(page);
    t.is(first[0]!.status.status, 'visible');
    t.is(first[0]!.message.via, 'ipc');
    t.deepEqual(first[0]!.status.config, { anrThreshold: 200, pollInterval: 100, captureStackTrace: true });

    const blockedAt = Date.now();
    await page.run(`const until = Date.now() + 1500; while (Date.now() < until) {} 1`);
    await sleep(300);
    const arrivals = statuses(page)
      .filter((s) => s.status.status === 'alive' && s.message.at >= blockedAt - 200)
      .map((s) => s.message.at);
    // Beats every 100 ms, except across the block: one gap nearly as long as the block (edges may be in flight).
    const longest = Math.max(...arrivals.slice(1).map((at, i) => at - arrivals[i]!));
    t.true(longest >= 1200, `longest gap between heartbeats ${longest} ms: ${JSON.stringify(arrivals.map((at) => at - blockedAt))}`);
    t.true(arrivals.at(-1)! >= blockedAt + 1500, 'heartbeats resume once the page runs again');
  } finally {
    await page.close();
  }
});

chromiumTest('Protocol: heartbeats go to the privileged scheme with the page key', async (t) => {
  const page = await Session.open(launcher(), { privilegedSchemes: [DEFAULT_NAMESPACE], initScript: withHeartbeats });
  try {
    await page.run(`globalThis[${JSON.stringify(KEY_GLOBAL)}] = 'beat-key';`);
    await page.waitFor(t, 'protocol heartbeat', (m) => m.kind === 'status' && m.via === 'protocol');
    const beats = statuses(page);
    t.true(beats.every((s) => s.message.key === 'beat-key'));
    // Beats sent before the key wait for it each on their own, so they may arrive in any order.
    t.true(beats.some((s) => s.status.status === 'visible'));
  } finally {
    await page.close();
  }
});

for (const mode of ['Classic', 'Protocol'] as const) {
  test(`${mode}: a page whose loop is blocked is reported by main's rendererEventLoopBlockIntegration, once`, async (t) => {
    const page = writePage(scratch(t), 'beats', 'SentryElectronRenderer.init({ integrations: [SentryElectronRenderer.eventLoopBlockIntegration({ threshold: 300 })] });');
    const receiver = await startReceiver({ lifetimeMs: 60_000 });
    t.teardown(() => receiver.close());
    const app = launchApp({ main: join(__dirname, 'electron-host', 'test-apps', 'renderer-sdk-block.ts'), args: [page, receiver.dsn, mode], name: 'BeatApp' });
    t.teardown(() => app.dispose());
    await app.waitForMessage((m) => m.type === 'window', 30_000);
    const anrs = () => receiver.envelopes.flatMap((e) => e.items.filter((i) => i.type === 'event').map((i) => i.payload as Event)).filter((e) => e.exception?.values?.[0]?.type === 'ApplicationNotResponding');
    await sleep(1000);
    t.deepEqual(anrs(), [], 'nothing while the page answers');
    app.send({ cmd: 'block' });
    await app.waitForMessage((m) => m.type === 'unblocked', 20_000);
    for (const deadline = Date.now() + 10_000; anrs().length === 0 && Date.now() < deadline; ) await sleep(100);
    await sleep(500);
    t.is(anrs().length, 1, 'once per block');
    t.like(anrs()[0]!.exception!.values![0], { value: 'Application Not Responding for at least 300 ms', mechanism: { type: 'ANR' } });
    t.is(anrs()[0]!.tags?.['event.process'], 'renderer');
  });
}

test("main's check of a heartbeat: a known status with sane timings, as text or as a structured-clone object", (t) => {
  const good = { status: 'alive', config: { anrThreshold: 1000, pollInterval: 500, captureStackTrace: false, extra: 'dropped' } };
  const expected = { status: 'alive', config: { anrThreshold: 1000, pollInterval: 500, captureStackTrace: false } };
  t.deepEqual(validateRendererStatus(JSON.stringify(good)), expected);
  t.deepEqual(validateRendererStatus(good), expected, "@sentry/electron's preload sends the object itself");
  const bad: unknown[] = [
    JSON.stringify({ ...good, status: 'dead' }),
    JSON.stringify({ ...good, config: 'fast' }),
    JSON.stringify({ ...good, config: { anrThreshold: 0, pollInterval: 500 } }),
    JSON.stringify({ ...good, config: { anrThreshold: 1000, pollInterval: Number.MAX_SAFE_INTEGER } }),
    JSON.stringify({ ...good, pad: 'x'.repeat(5000) }),
    '{not json',
    null,
  ];
  for (const payload of bad) t.is(validateRendererStatus(payload), undefined, String(payload).slice(0, 80));
});
