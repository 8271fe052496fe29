/**
 * NativeCrashes' bookkeeping over a Crashpad database that already holds dumps at start-up (real dumps of the
 * fixture crashes): two instances of the app report each dump once, the per-session cap holds, stale dumps are
 * discarded unsent, dumps still in `new/` are left alone, and a dump is deleted once its event is sent.
 */
import test from 'ava';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startReceiver } from '../ts/receiver';
import { placeReport } from './electron-host/crashpad';
import { fixtureDump, fixtureManifest } from './helpers/fixtures';
import { nativeCrashSkipReason, runSdkApp, scratch } from './helpers/sdk-app';

const skip = nativeCrashSkipReason();
const dumpTest = skip ? test.skip : test;
if (skip) test.skip(`dump bookkeeping tests skipped: ${skip}`, () => {});

/**
 * Puts copies of the fixture's null_write dump into `<userData>/Crashpad/<folder>/` as Crashpad leaves reports
 * (each with its `.meta`: a pending report without one is an orphan that Crashpad's handler deletes) and returns
 * their report ids.
 */
function seed(userData: string, folder: 'completed' | 'pending' | 'new', count: number, ageDays = 0): string[] {
  const dump = fixtureDump(fixtureManifest().kinds.null_write!);
  return Array.from({ length: count }, () => placeReport(join(userData, 'Crashpad'), folder, dump, { ageMs: ageDays * 86_400_000 }));
}

const nativeEvents = (envelopes: { items: { type: string; payload: unknown }[] }[]) =>
  envelopes.flatMap((e) => e.items.filter((i) => i.type === 'event' && (i.payload as { platform?: string }).platform === 'native'));

dumpTest('two instances of the app on one userData report each dump exactly once, then delete it', async (t) => {
  const userData = scratch(t);
  const ids = seed(userData, 'completed', 3);
  const receiver = await startReceiver({ lifetimeMs: 120_000 });
  t.teardown(() => receiver.close());
  const [a, b] = await Promise.all([runSdkApp(t, { sdk: {} }, { userData, receiver }), runSdkApp(t, { sdk: {} }, { userData, receiver })]);
  await a.waitForEvent((e) => e.platform === 'native');
  // Both instances have scanned and handled what they claimed once every dump is gone.
  const deadline = Date.now() + 20_000;
  while (readdirSync(join(userData, 'Crashpad', 'completed')).some((f) => f.endsWith('.dmp')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 1500));
  const events = nativeEvents(receiver.envelopes);
  t.is(events.length, 3, 'one event per dump');
  t.is(new Set(events.map((e) => (e.payload as { event_id: string }).event_id)).size, 3);
  for (const id of ids) t.false(existsSync(join(userData, 'Crashpad', 'completed', `${id}.dmp`)), 'deleted after sending');
  t.truthy(b);
});

dumpTest('the per-session cap holds; stale dumps and dumps still being written are not reported', async (t) => {
  const userData = scratch(t);
  seed(userData, 'completed', 4);
  const [stale] = seed(userData, 'pending', 1, 40);
  const [writing] = seed(userData, 'new', 1);
  const run = await runSdkApp(t, { sdk: { maxNativeCrashesPerSession: 2, debug: true } }, { userData });
  await run.waitForEvent((e) => e.platform === 'native');
  await new Promise((r) => setTimeout(r, 4000));
  t.is(nativeEvents(run.receiver.envelopes).length, 2, 'the cap of 2 holds');
  // Crashpad's handler moves a pending report to completed/ when it starts (uploads off); the SDK discards it there.
  t.false(['pending', 'completed'].some((state) => existsSync(join(userData, 'Crashpad', state, `${stale}.dmp`))), 'the 40-day-old dump was discarded');
  t.regex(run.app.stdout() + run.app.stderr(), /discarded: older than maxDumpAgeMs/);
  t.true(existsSync(join(userData, 'Crashpad', 'new', `${writing}.dmp`)), 'a dump in new/ is Crashpad\'s, never touched');
  t.regex(run.app.stdout() + run.app.stderr(), /over the cap of 2 native crashes/);
});

dumpTest('beforeSend sees every crash fact and may drop the crash: nothing is sent, and the dump is deleted', async (t) => {
  const userData = scratch(t);
  const [id] = seed(userData, 'completed', 1);
  const run = await runSdkApp(t, { sdk: {}, dropNativeInBeforeSend: true }, { userData });
  const seen = await run.app.waitForMessage((m) => m.type === 'before-send', 30_000);
  const event = seen.event as import('@sentry/core').Event;
  t.is(event.exception?.values?.[0]?.type, 'SIGSEGV');
  t.true((event.exception?.values?.[0]?.stacktrace?.frames?.length ?? 0) > 0);
  t.true((event.debug_meta?.images?.length ?? 0) > 0);
  t.regex(String(seen.minidumpPath), new RegExp(`${id}\\.dmp$`));
  const file = join(userData, 'Crashpad', 'completed', `${id}.dmp`);
  const deadline = Date.now() + 10_000;
  while (existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  t.false(existsSync(file), 'the app decided: the dump is not kept for a later run');
  t.is(nativeEvents(run.receiver.envelopes).length, 0);
});
