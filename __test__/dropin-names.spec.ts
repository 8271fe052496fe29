/**
 * Drift check against @sentry/electron 7 (a devDependency): every name, value or type, that it exports from each of
 * its five entry points (/main, /renderer, /utility, /preload, /native) must be exported by ours of the same subpath,
 * read from both packages' declaration files (build/ first: `npm run build:ts`). A name that a new version of theirs
 * adds, or that we drop, fails here.
 */
import test from 'ava';
import { join } from 'node:path';
import { launchApp } from './electron-host/launch';
import { DROP_IN_ENTRIES, dropInDiff, exportedNames, relativeToRoot } from './helpers/api-surface';

for (const entry of DROP_IN_ENTRIES) {
  test(`/${entry}: every name that @sentry/electron 7 exports is exported by ours`, (t) => {
    const diff = dropInDiff(entry);
    t.truthy(diff.ours, `build/ has no declarations for ./${entry} (npm run build:ts)`);
    t.deepEqual(diff.missing, [], `missing from ${diff.ours ? relativeToRoot(diff.ours) : entry}, compared with ${relativeToRoot(diff.theirs)}`);
  });
}

test('the check reads what it compares: the ~200 names of @sentry/electron/main, values and types alike', (t) => {
  const theirs = dropInDiff('main').theirs;
  const names = exportedNames(theirs);
  t.true(names.size > 190, `only ${names.size} names read from ${theirs}`);
  for (const n of ['init', 'startSpan', 'Scope', 'SeverityLevel', 'NodeOptions', 'screenshotsIntegration']) t.true(names.has(n), n);
});

/**
 * Integrations whose name differs from @sentry/electron 7's on purpose (README, "Migrating from @sentry/electron 7:
 * main"): the v7 factory is an alias of ours, which keeps its own name.
 */
const RENAMED_ON_PURPOSE: Record<string, [theirs: string, ours: string]> = {
  sentryMinidumpIntegration: ['SentryMinidump', 'NativeCrashes'],
  childProcessIntegration: ['ChildProcess', 'ChildProcessGone'],
};

test('/main: every integration factory of theirs builds an integration of the same name in ours', async (t) => {
  const app = launchApp({ main: join(__dirname, 'electron-host', 'test-apps', 'dropin-integration-names.ts') });
  t.teardown(() => app.dispose());
  const { names } = await app.waitForMessage<{ names: Array<{ factory: string; theirs: string; ours: string }> }>((m) => m.type === 'names', 60_000);
  t.true(names.length > 60, `only ${names.length} factories`);
  const differing = names.filter(({ factory, theirs, ours }) => {
    const planned = RENAMED_ON_PURPOSE[factory];
    return planned ? planned[0] !== theirs || planned[1] !== ours : theirs !== ours;
  });
  t.deepEqual(differing, []);
  t.deepEqual(names.filter(({ theirs, ours }) => theirs.startsWith('threw') || ours.startsWith('threw')), [], 'every factory builds');
});
