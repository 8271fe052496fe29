/**
 * `/utility` in a utility process of the fake Electron host (__test__/electron-host/test-apps/utility-sdk.ts forks
 * utility-sdk-child.ts), reporting through main to the real local receiver: the utility process's exception arrives
 * with its own tag and breadcrumb, `event.process: utility`, and main's release, environment and scope beneath; the
 * handshake between the SDKs is never seen by the app's own listeners on either side.
 */
import test from 'ava';
import * as path from 'node:path';
import type { Event } from '@sentry/core';
import { startReceiver } from '../ts/receiver';
import { launchApp } from './electron-host/launch';
import { until } from './helpers/transport';

const APP = path.join(__dirname, 'electron-host', 'test-apps', 'utility-sdk.ts');

test("a utility process's exception reaches Sentry through main, with its scope and breadcrumbs, tagged as a utility process", async (t) => {
  const receiver = await startReceiver({ lifetimeMs: 60_000 });
  const app = launchApp({ main: APP, name: 'UtilityApp', env: { SENTRY_DSN: receiver.dsn } });
  t.teardown(async () => {
    await app.dispose();
    await receiver.close();
  });
  const events = (): Event[] => receiver.envelopes.flatMap((e) => e.items.filter((i) => i.type === 'event').map((i) => i.payload as Event));
  await until(() => events().some((e) => e.exception?.values?.[0]?.value === 'thrown in the utility process'), 20_000);
  const event = events().find((e) => e.exception?.values?.[0]?.value === 'thrown in the utility process')!;

  t.like(event.tags, { 'event.process': 'utility', 'event.origin': 'electron', 'utility.tag': 'from-utility', 'main.tag': 'from-main' });
  t.like(event, { release: 'utility-app@2.0.0', environment: 'utility-test', platform: 'node' });
  t.like(event.contexts?.electron, { process_type: 'utility', utility_name: 'worker-one' });
  t.like(event.contexts?.app, { app_name: 'UtilityApp' });
  t.true((event.breadcrumbs ?? []).some((b) => b.message === 'a breadcrumb in the utility process'));
  const frames = event.exception?.values?.[0]?.stacktrace?.frames ?? [];
  t.regex(String(frames.at(-1)?.filename), /utility-sdk-child\.ts$/);
  t.is(event.sdk?.name, 'sentry.javascript.electron-native', "main's SDK reports it");

  // The app's own listeners: main's saw only the child's echo, the child's only main's ping — no handshake.
  await until(() => app.messages.some((m) => (m as { type: string }).type === 'utility-message'), 10_000);
  const seen = app.messages.filter((m) => (m as { type: string }).type === 'utility-message').map((m) => (m as { message: unknown }).message);
  t.deepEqual(seen, [{ echo: { ping: 1 } }]);
});
