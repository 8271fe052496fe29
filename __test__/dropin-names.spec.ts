/**
 * Drift check against @sentry/electron 7 (a devDependency): every name, value or type, that it exports from an entry
 * point must be exported by ours of the same subpath, read from both packages' declaration files (build/ first:
 * `npm run build:ts`). Table-driven over every entry; ASSERTED_ENTRIES says which are held to it so far (the lead
 * extends it as the other entries' branches merge), the rest are listed as todo.
 */
import test from 'ava';
import { DROP_IN_ENTRIES, dropInDiff, exportedNames, relativeToRoot, type DropInEntry } from './helpers/api-surface';

/** The entries whose whole @sentry/electron surface ours must export. */
const ASSERTED_ENTRIES: readonly DropInEntry[] = ['main'];

/**
 * Names another branch brings, per entry. Each must still be missing, so that an entry is emptied when that branch
 * merges rather than left to hide a regression.
 */
const AWAITING_MERGE: Partial<Record<DropInEntry, readonly string[]>> = {};

for (const entry of DROP_IN_ENTRIES) {
  const title = `/${entry}: every name that @sentry/electron 7 exports is exported by ours`;
  if (!ASSERTED_ENTRIES.includes(entry)) {
    test.todo(title);
    continue;
  }
  test(title, (t) => {
    const diff = dropInDiff(entry);
    t.truthy(diff.ours, `build/ has no declarations for ./${entry} (npm run build:ts)`);
    const pending = AWAITING_MERGE[entry] ?? [];
    t.deepEqual(
      diff.missing.filter((n) => !pending.includes(n)),
      [],
      `missing from ${diff.ours ? relativeToRoot(diff.ours) : entry}, compared with ${relativeToRoot(diff.theirs)}`,
    );
    t.deepEqual(
      pending.filter((n) => !diff.missing.includes(n)),
      [],
      'now exported: remove from AWAITING_MERGE',
    );
  });
}

test('the check reads what it compares: the ~200 names of @sentry/electron/main, values and types alike', (t) => {
  const theirs = dropInDiff('main').theirs;
  const names = exportedNames(theirs);
  t.true(names.size > 190, `only ${names.size} names read from ${theirs}`);
  for (const n of ['init', 'startSpan', 'Scope', 'SeverityLevel', 'NodeOptions', 'screenshotsIntegration']) t.true(names.has(n), n);
});
