/**
 * A buggy app configuration must not fail open. `init()` with option values of the wrong kind (a misspelt minidump
 * policy, a cap that is not a number, a negative queue budget, a dump age that is a word) warns once, naming them,
 * and runs with safe values: the unknown policy becomes `omit` (the one that sends least), the cap and the budget
 * their defaults — so 12 dumps with Sentry down leave 10 events in the queue, none with its dump.
 */
import test from 'ava';
import type { Envelope, Event } from '@sentry/core';
import { parseEnvelope } from '@sentry/core';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startReceiver } from '../ts/receiver';
import type { SdkAppConfig } from './electron-host/sdk-app/config';
import { fixtureDump, fixtureManifest } from './helpers/fixtures';
import { nativeCrashSkipReason, runSdkApp, scratch } from './helpers/sdk-app';

const skip = nativeCrashSkipReason();
(skip ? test.skip : test)('option values of the wrong kind are named in a warning and replaced by safe ones', async (t) => {
  t.timeout(90_000);
  const userData = scratch(t);
  const completed = join(userData, 'Crashpad', 'completed');
  mkdirSync(completed, { recursive: true });
  const ids = Array.from({ length: 12 }, () => randomUUID());
  for (const id of ids) copyFileSync(fixtureDump(fixtureManifest().kinds.null_write!), join(completed, `${id}.dmp`));
  const gone = await startReceiver({ lifetimeMs: 10_000 });
  const dsn = gone.dsn;
  await gone.close(); // Sentry is down: everything stays in the queue, where it can be looked at

  const sdk = { dsn, minidumpPolicy: 'omitt', maxNativeCrashesPerSession: 'lots', maxQueueBytes: -5, maxDumpAgeMs: 'forever' };
  const run = await runSdkApp(t, { sdk: sdk as unknown as SdkAppConfig['sdk'] }, { userData });
  const deadline = Date.now() + 60_000;
  while (ids.some((id) => existsSync(join(completed, `${id}.dmp`))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 2_000)); // the last queue write

  const warning = run.app.stderr() + run.app.stdout();
  t.regex(warning, /ignored option values of the wrong kind: minidumpPolicy "omitt" \(using 'omit'\); maxNativeCrashesPerSession "lots"/);
  t.regex(warning, /maxDumpAgeMs "forever" \(using the default\); maxQueueBytes -5 \(using the default\)\./);
  t.is(run.app.messages.filter((m) => (m as { type: string }).type === 'before-send').length, 10, 'the default cap of 10 holds');

  const entries = join(userData, 'sentry', 'queue', 'entries');
  const queued = readdirSync(entries).map((name) => parseEnvelope(gunzipSync(readFileSync(join(entries, name)))) as Envelope);
  // Items written with a length come back as bytes.
  const json = (p: unknown): Event => (p instanceof Uint8Array ? (JSON.parse(Buffer.from(p).toString('utf8')) as Event) : (p as Event));
  const crashes = queued.filter(([, items]) => items.some(([h, p]) => h.type === 'event' && json(p).platform === 'native'));
  t.is(crashes.length, 10, 'the default queue budget keeps them all (a negative one would have evicted every entry)');
  for (const [, items] of crashes) {
    t.deepEqual(items.map(([h]) => h.type), ['event'], "no dump: the unknown policy is 'omit'");
  }
  t.is((await run.app.quit()).code, 0);
});
