/**
 * The SDK against Crashpad's real behaviour (Crashpad's own crashpad_handler in the fake host): where reports land
 * for the reporter settings the SDK and apps use, which of the database's files the SDK may take and delete, and
 * an app that starts crashReporter itself.
 */
import test, { type ExecutionContext } from 'ava';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crashKeysOf, placeReport } from './electron-host/crashpad';
import type { SdkAppConfig } from './electron-host/sdk-app/config';
import { fixtureDump, fixtureManifest } from './helpers/fixtures';
import { CRASH_PRELOAD, SYMBOL_PATHS, nativeCrashSkipReason, runSdkApp, scratch, writePage, type RunningSdkApp } from './helpers/sdk-app';
import { parseMinidumpSync } from '../ts/index';

const skip = nativeCrashSkipReason();
const crashTest = skip ? test.skip : test.serial;
if (skip) test.skip(`Crashpad behaviour tests skipped: ${skip}`, () => {});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);

/** An app with one crashable window; resolves once the window is up. */
async function appWithWindow(t: ExecutionContext, config: Partial<SdkAppConfig> = {}, userData = scratch(t)): Promise<{ run: RunningSdkApp; database: string }> {
  const page = writePage(scratch(t), 'page', 'SentryElectronRenderer.init();');
  const run = await runSdkApp(t, { sdk: { symbolPaths: SYMBOL_PATHS }, windows: [{ page, preload: CRASH_PRELOAD }], ...config }, { userData });
  await run.app.waitForMessage((m) => m.type === 'ready', 30_000);
  return { run, database: join(userData, 'Crashpad') };
}

/** Crashes the window's renderer and resolves to the native event and the dump the test saw before it went. */
async function crashAndReport(run: RunningSdkApp, database: string, state: 'completed' | 'pending'): Promise<{ event: import('@sentry/core').Event; dump: Buffer; id: string }> {
  const dir = join(database, state);
  let seen: { id: string; dump: Buffer } | undefined;
  const watcher = setInterval(() => {
    const name = files(dir).find((f) => f.endsWith('.dmp'));
    if (name && !seen) {
      try {
        seen = { id: name.slice(0, -4), dump: readFileSync(join(dir, name)) };
      } catch {
        // gone meanwhile
      }
    }
  }, 5);
  run.app.send({ cmd: 'eval', code: 'window.testApp.crash()' });
  const { event } = await run.waitForEvent((e) => e.platform === 'native', 30_000);
  clearInterval(watcher);
  if (!seen) throw new Error(`no report seen in ${state}/`);
  return { event, ...seen };
}

crashTest("the SDK's own crashReporter.start: a placeholder submitURL, so reports land in completed/; sent, then the .dmp and its .meta go, settings.dat stays", async (t) => {
  const { run, database } = await appWithWindow(t);
  const settings = readFileSync(join(database, 'settings.dat'));
  const { event, dump, id } = await crashAndReport(run, database, 'completed');
  t.is(event.tags?.['event.process'], 'renderer');
  const report = parseMinidumpSync(dump);
  t.is(report.crashpad?.reportId.toLowerCase(), id, 'the report id of CrashpadInfo (upper case) is the file name (lower case)');
  t.is(crashKeysOf(report).ptype, 'renderer');
  await sleep(1000);
  t.deepEqual(files(join(database, 'completed')), [], 'the dump and its .meta are gone once sent');
  t.deepEqual(files(join(database, 'pending')), []);
  t.deepEqual(readFileSync(join(database, 'settings.dat')), settings, "settings.dat is Crashpad's: never touched");
});

for (const when of ['before-init', 'after-init'] as const) {
  crashTest(`an app that starts crashReporter itself ${when.replace('-', ' ')}, without a submitURL: its settings hold and its reports are found in pending/`, async (t) => {
    const options = { uploadToServer: false, globalExtra: { 'app.flavour': 'own-reporter' } };
    const { run, database } = await appWithWindow(t, { appCrashReporter: { when, options } });
    const { event, dump } = await crashAndReport(run, database, 'pending');
    t.is(parseMinidumpSync(dump).crashpad?.simpleAnnotations['app.flavour'], 'own-reporter', "the app's globalExtra: its start() won");
    t.is(event.tags?.['event.process'], 'renderer');
    await sleep(1000);
    t.deepEqual(files(join(database, 'pending')), [], 'reported from pending/, then deleted with its .meta');
  });
}

crashTest('finished reports only: new/ is never taken, a fresh .lock holds a report back, an upper-case file name is the same report', async (t) => {
  const userData = scratch(t);
  const database = join(userData, 'Crashpad');
  const dump = fixtureDump(fixtureManifest().kinds.null_write!);
  const unfinished = placeReport(database, 'new', dump);
  const locked = placeReport(database, 'completed', dump);
  writeFileSync(join(database, 'completed', `${locked}.lock`), '');
  const upper = placeReport(database, 'completed', dump);
  for (const ext of ['dmp', 'meta']) renameSync(join(database, 'completed', `${upper}.${ext}`), join(database, 'completed', `${upper.toUpperCase()}.${ext}`));
  const run = await runSdkApp(t, { sdk: {} }, { userData });
  await run.waitForEvent((e) => e.platform === 'native', 30_000);
  await sleep(1500);
  t.is(run.receiver.envelopes.filter((e) => e.items.some((i) => i.type === 'event' && (i.payload as { platform?: string }).platform === 'native')).length, 1, 'only the unlocked finished report');
  t.false(existsSync(join(database, 'completed', `${upper.toUpperCase()}.dmp`)), 'reported and deleted');
  t.false(existsSync(join(database, 'completed', `${upper.toUpperCase()}.meta`)), 'with its .meta');
  t.true(existsSync(join(database, 'completed', `${locked}.dmp`)), 'locked: the handler is still at work on it');
  t.true(existsSync(join(database, 'new', `${unfinished}.dmp`)), 'new/ is never touched');
  rmSync(join(database, 'completed', `${locked}.lock`));
  const deadline = Date.now() + 45_000;
  while (existsSync(join(database, 'completed', `${locked}.dmp`)) && Date.now() < deadline) await sleep(100);
  t.false(existsSync(join(database, 'completed', `${locked}.dmp`)), 'once unlocked, the next scan reports it');
});
