/**
 * The page's half of renderer event-loop block detection (`eventLoopBlockIntegration`), in real headless
 * Chromium over the preload's bridge and over the protocol: the page says it is visible, then that it is alive
 * every `pollInterval`, in messages main's validator accepts; and while a script blocks the page, the heartbeats
 * stop, which is what main's `rendererEventLoopBlockIntegration` detects. And in the fake Electron host, main's
 * RendererIpc hands each heartbeat to its listeners with the sender's web contents id.
 */
import test from 'ava';
import { join } from 'node:path';
import { startReceiver } from '../ts/receiver';
import { DEFAULT_NAMESPACE, KEY_GLOBAL, validateStatusPayload, type RendererStatus } from '../ts/common/ipc';
import type { ChromiumLauncher } from './electron-host/chromium';
import { CHROMIUM_MISSING, PRELOAD, Session, sleep, startLauncher, type Received } from './electron-host/chromium-harness';
import { launchApp } from './electron-host/launch';
import { scratch, writePage } from './helpers/sdk-app';

const chromiumTest = CHROMIUM_MISSING ? test.skip : test.serial;
if (CHROMIUM_MISSING) test.skip(`renderer event-loop heartbeats in Chromium: ${CHROMIUM_MISSING}`, () => {});

let launcher: ChromiumLauncher | undefined;
test.before(async () => {
  launcher = await startLauncher();
});
test.after.always(async () => {
  await launcher?.close();
});

/** Each status message received so far, checked by main's validator. */
function statuses(page: Session): Array<{ message: Received; status: RendererStatus }> {
  return page.received
    .filter((m) => m.kind === 'status')
    .map((message) => {
      const checked = validateStatusPayload(message.payload);
      if (!checked.ok) throw new Error(`main would reject a heartbeat: ${checked.reason}`);
      return { message, status: checked.value };
    });
}

const withHeartbeats = `SentryElectronRenderer.init({ integrations: [SentryElectronRenderer.eventLoopBlockIntegration({ threshold: 200 })] });`;

chromiumTest('Classic: visible, then alive every half threshold; a blocked page goes quiet for as long as it is blocked', async (t) => {
  const page = await Session.open(launcher!, { preloads: [PRELOAD], initScript: withHeartbeats });
  try {
    await page.waitFor(t, 'heartbeats', () => statuses(page).filter((s) => s.status.status === 'alive').length >= 3);
    const first = statuses(page);
    t.is(first[0]!.status.status, 'visible');
    t.is(first[0]!.message.via, 'ipc');
    t.deepEqual(first[0]!.status.config, { anrThreshold: 200, pollInterval: 100, captureStackTrace: true });

    const blockedAt = Date.now();
    await page.run(`const until = Date.now() + 600; while (Date.now() < until) {} 1`);
    await sleep(250);
    const since = statuses(page).filter((s) => s.status.status === 'alive' && s.message.at >= blockedAt);
    // A beat sent just before the block may still be in flight when it starts; none is sent during it.
    const during = since.filter((s) => s.message.at > blockedAt + 100 && s.message.at < blockedAt + 550);
    t.deepEqual(during.map((s) => s.message.at - blockedAt), [], 'no heartbeat while the page is blocked');
    t.true(since.some((s) => s.message.at >= blockedAt + 600), 'heartbeats resume once the page runs again');
  } finally {
    await page.close();
  }
});

chromiumTest('Protocol: heartbeats go to the privileged scheme with the page key', async (t) => {
  const page = await Session.open(launcher!, { privilegedSchemes: [DEFAULT_NAMESPACE], initScript: withHeartbeats });
  try {
    await page.run(`globalThis[${JSON.stringify(KEY_GLOBAL)}] = 'beat-key';`);
    await page.waitFor(t, 'protocol heartbeat', (m) => m.kind === 'status' && m.via === 'protocol');
    const beats = statuses(page);
    t.true(beats.every((s) => s.message.key === 'beat-key'));
    t.is(beats[0]!.status.status, 'visible');
  } finally {
    await page.close();
  }
});

test("main's RendererIpc hands each heartbeat to onRendererStatus, attributed to the page's web contents", async (t) => {
  const dir = scratch(t);
  const page = writePage(dir, 'beats', 'SentryElectronRenderer.init({ integrations: [SentryElectronRenderer.eventLoopBlockIntegration({ threshold: 300 })] });');
  const receiver = await startReceiver({ lifetimeMs: 60_000 });
  t.teardown(() => receiver.close());
  const app = launchApp({ main: join(__dirname, 'electron-host', 'test-apps', 'renderer-status.ts'), args: [page, receiver.dsn], name: 'BeatApp' });
  t.teardown(() => app.dispose());
  const { id } = (await app.waitForMessage((m) => m.type === 'window', 30_000)) as { id: number };
  const first = (await app.waitForMessage((m) => m.type === 'renderer-status', 20_000)) as { webContentsId: number; status: RendererStatus };
  t.is(first.webContentsId, id);
  t.is(first.status.status, 'visible');
  t.deepEqual(first.status.config, { anrThreshold: 300, pollInterval: 150, captureStackTrace: true });
  const alive = (await app.waitForMessage((m) => m.type === 'renderer-status' && (m as { status: RendererStatus }).status.status === 'alive', 20_000)) as {
    webContentsId: number;
  };
  t.is(alive.webContentsId, id);
});

test("main's check of a heartbeat: only a known status with sane timings, under the cap", (t) => {
  const good = { v: 1, status: 'alive', config: { anrThreshold: 1000, pollInterval: 500, captureStackTrace: false, extra: 'dropped' } };
  const checked = validateStatusPayload(JSON.stringify(good));
  t.deepEqual(checked, { ok: true, value: { v: 1, status: 'alive', config: { anrThreshold: 1000, pollInterval: 500, captureStackTrace: false } } });
  const bad: unknown[] = [
    good,
    JSON.stringify({ ...good, v: 2 }),
    JSON.stringify({ ...good, status: 'dead' }),
    JSON.stringify({ ...good, config: 'fast' }),
    JSON.stringify({ ...good, config: { anrThreshold: 0, pollInterval: 500 } }),
    JSON.stringify({ ...good, config: { anrThreshold: 1000, pollInterval: Number.MAX_SAFE_INTEGER } }),
    JSON.stringify({ ...good, pad: 'x'.repeat(2000) }),
    '{not json',
  ];
  for (const payload of bad) t.false(validateStatusPayload(payload).ok, String(payload).slice(0, 80));
});
