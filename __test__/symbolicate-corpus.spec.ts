/**
 * The corpus dumps with the corpus symbols through `symbolicate` (the API, then the CLI over whole folders)
 * agree with rust-minidump's `minidump-stackwalk --json --symbols-path` on the crashing thread: function,
 * trust and inlines of every frame (and the rest of each frame). Both with a cold cache and a warm one, since
 * the second run reads symbols through the cache's preprocessed indexes rather than the `.sym` files.
 *
 * Skips with a message when the corpus, the built CLI or minidump-stackwalk 0.27.0 is missing.
 */
import test from 'ava';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { symbolicate } from '@acme/sentry-electron-native';
import { CLI, runCli } from './helpers/cli';
import { CORPUS, dump, HAS_CORPUS, SKIP_REASON, SYMBOLS, validCorpusDumps } from './helpers/corpus';
import { corpusReference, findStackwalk } from './helpers/stackwalk-bin';
import { compareFrame, compareJsonFrame, type StackwalkJson } from './helpers/stackwalk-json';
import { EXIT_BAD_INPUT } from '../ts/cli/exit-codes';

const skipReason = ((): string | null => {
  if (!HAS_CORPUS) return SKIP_REASON;
  if (!existsSync(CLI)) return `${CLI} not built (npm run build)`;
  return findStackwalk().reason || null;
})();
if (skipReason) {
  console.warn(`symbolicate corpus tests skipped: ${skipReason}`);
  test.skip(`symbolicate vs minidump-stackwalk: ${skipReason}`, () => {});
}
const STACKWALK = skipReason ? null : findStackwalk().bin!;
const DUMPS = skipReason ? [] : validCorpusDumps();

/** Called only by tests that exist when minidump-stackwalk was found. */
const reference = corpusReference(STACKWALK ?? 'minidump-stackwalk');

for (const rel of DUMPS) {
  test(`${rel}: symbolicate() agrees with minidump-stackwalk on the crashing thread, cold and warm cache`, async (t) => {
    const cache = mkdtempSync(join(tmpdir(), 'sen-corpus-cache-'));
    const ref = await reference(rel);
    for (const run of ['cold', 'warm']) {
      const report = await symbolicate(dump(rel), { symbols: [SYMBOLS], cache });
      const frames = report.crashingThread?.frames ?? [];
      t.is(frames.length, ref.crashing_thread?.frames.length ?? 0, `${run}: frame count`);
      frames.forEach((f, i) => compareFrame(t, `${run} cache: frames[${i}]`, f, ref.crashing_thread!.frames[i]!));
      const loaded = (name: string) => report.modules.filter((m) => m.symbolsLoaded && m.codeFile.endsWith(name)).length;
      for (const m of ref.modules.filter((m) => m.loaded_symbols)) t.true(loaded(m.filename) > 0, `${run}: ${m.filename} symbols`);
    }
  });
}

if (!skipReason) {
  test('the CLI over the corpus folders: NDJSON agrees with minidump-stackwalk, the malformed dumps exit 1', async (t) => {
    const dirs = [...new Set(validCorpusDumps().map((rel) => dirname(rel)))].map((d) => join(CORPUS, 'dumps', d));
    const cache = mkdtempSync(join(tmpdir(), 'sen-corpus-cli-cache-'));
    const r = await runCli(['symbolicate', ...dirs, '--symbols', SYMBOLS, '--cache', cache, '--format', 'json'], { timeoutMs: 90_000 });
    t.is(r.status, EXIT_BAD_INPUT, 'rust-minidump/ holds two malformed dumps on purpose');
    t.regex(r.stderr, /invalid-range\.dmp: error ERR_INVALID_MINIDUMP/);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as StackwalkJson & { dump: string });
    t.deepEqual(
      lines.map((l) => l.dump),
      DUMPS.map(dump),
      'every valid dump reported, in order',
    );
    for (const line of lines) {
      const rel = line.dump.slice(join(CORPUS, 'dumps').length + 1);
      const ref = await reference(rel);
      t.is(line.crashing_thread?.frames.length, ref.crashing_thread?.frames.length, `${rel}: frame count`);
      line.crashing_thread?.frames.forEach((f, i) => compareJsonFrame(t, `${rel} frames[${i}]`, f, ref.crashing_thread!.frames[i]!));
    }
  });
}
