/**
 * Differential test against rust-minidump's own `minidump-stackwalk --json` (0.27.0, the version of the
 * minidump-processor we build on), over every valid corpus dump with the corpus symbols:
 *
 * - our CLI `stackwalk --json` must print the same facts (it promises that schema, plus a `crashpad` object);
 * - our `parseMinidump` report must hold the same crash, system, threads, frames and modules.
 *
 * Skips with a message when the corpus, the built CLI or minidump-stackwalk 0.27.0 is missing.
 */
import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseMinidump } from '@acme/sentry-electron-native';
import { dump, HAS_CORPUS, SKIP_REASON, SYMBOLS, validCorpusDumps } from './helpers/corpus';
import { corpusReference, findStackwalk, jsonOf } from './helpers/stackwalk-bin';
import {
  compareJsonFrame,
  compareReportToStackwalk,
  num,
  type StackwalkFrame,
  type StackwalkJson,
  type StackwalkThread,
} from './helpers/stackwalk-json';

const CLI = join(__dirname, '..', 'build', 'cli', 'main.js');

const skipReason = ((): string | null => {
  if (!HAS_CORPUS) return SKIP_REASON;
  if (!existsSync(CLI)) return `${CLI} not built (npm run build)`;
  const found = findStackwalk();
  return found.bin ? null : found.reason;
})();
const STACKWALK = skipReason ? null : findStackwalk().bin!;

if (skipReason) {
  console.warn(`stackwalk-diff skipped: ${skipReason}`);
  test.skip(`minidump-stackwalk differential tests: ${skipReason}`, () => {});
}

const DUMPS = skipReason ? [] : validCorpusDumps();

/** One run of each tool per dump, shared by that dump's tests. */
/** Called only by tests that exist when minidump-stackwalk was found. */
const reference = corpusReference(STACKWALK ?? 'minidump-stackwalk');
const ourCli = (rel: string): Promise<StackwalkJson> =>
  jsonOf(process.execPath, [CLI, 'stackwalk', '--json', '--symbols', SYMBOLS, dump(rel)]);

// ---------------------------------------------------------------------------------------------------------

function compareJsonThread(t: ExecutionContext, where: string, ours: StackwalkThread, ref: StackwalkThread): void {
  t.is(ours.thread_id, ref.thread_id, `${where}: thread_id`);
  t.is(ours.thread_name ?? null, ref.thread_name ?? null, `${where}: thread_name`);
  t.is(ours.frame_count, ref.frame_count, `${where}: frame_count`);
  t.is(ours.frames.length, ref.frames.length, `${where}: frames.length`);
  ours.frames.forEach((f, i) => {
    const r = ref.frames[i];
    if (r) compareJsonFrame(t, `${where}.frames[${i}]`, f, r);
  });
}

function compareStackwalkJson(t: ExecutionContext, ours: StackwalkJson, ref: StackwalkJson): void {
  t.deepEqual(
    Object.keys(ref).filter((k) => !(k in ours)),
    [],
    'every top-level key of the reference is in ours',
  );
  t.true('crashpad' in ours, 'ours adds a "crashpad" key');
  t.is(ours.status, ref.status, 'status');

  t.is(ours.crash_info.type, ref.crash_info.type, 'crash_info.type');
  t.is(num(ours.crash_info.address), num(ref.crash_info.address), 'crash_info.address');
  t.is(ours.crash_info.crashing_thread, ref.crash_info.crashing_thread, 'crash_info.crashing_thread');
  t.is(ours.crash_info.assertion, ref.crash_info.assertion, 'crash_info.assertion');

  t.deepEqual(ours.system_info, ref.system_info, 'system_info');

  t.is(ours.thread_count, ref.thread_count, 'thread_count');
  t.is(ours.threads.length, ref.threads.length, 'threads.length');
  ours.threads.forEach((th, i) => {
    const r = ref.threads[i];
    if (r) compareJsonThread(t, `threads[${i}]`, th, r);
  });

  t.is(Boolean(ours.crashing_thread), Boolean(ref.crashing_thread), 'crashing_thread present');
  if (ours.crashing_thread && ref.crashing_thread) {
    compareJsonThread(t, 'crashing_thread', ours.crashing_thread, ref.crashing_thread);
    const regs = (f: StackwalkFrame | undefined) =>
      Object.fromEntries(Object.entries(f?.registers ?? {}).map(([k, v]) => [k, num(v)]));
    t.deepEqual(regs(ours.crashing_thread.frames[0]), regs(ref.crashing_thread.frames[0]), 'crashing_thread.frames[0].registers');
  }

  t.is(ours.main_module, ref.main_module, 'main_module');
  t.is(ours.pid, ref.pid, 'pid');
  t.is(ours.modules.length, ref.modules.length, 'modules.length');
  ours.modules.forEach((m, i) => {
    const r = ref.modules[i];
    if (!r) return;
    const M = `modules[${i}] (${r.filename})`;
    t.is(m.filename, r.filename, `${M}: filename`);
    t.is(m.debug_file, r.debug_file, `${M}: debug_file`);
    t.is(m.debug_id, r.debug_id, `${M}: debug_id`);
    t.is(m.code_id, r.code_id, `${M}: code_id`);
    t.is(num(m.base_addr), num(r.base_addr), `${M}: base_addr`);
    t.is(num(m.end_addr), num(r.end_addr), `${M}: end_addr`);
    t.is(m.version, r.version, `${M}: version`);
    t.is(m.loaded_symbols, r.loaded_symbols, `${M}: loaded_symbols`);
    t.is(m.missing_symbols, r.missing_symbols, `${M}: missing_symbols`);
    t.is(m.corrupt_symbols, r.corrupt_symbols, `${M}: corrupt_symbols`);
  });
}

// ---------------------------------------------------------------------------------------------------------

if (!skipReason) {
  test('minidump-stackwalk is 0.27.0 and the corpus has dumps to compare', (t) => {
    const r = spawnSync(STACKWALK!, ['--version'], { encoding: 'utf8' });
    t.regex(r.stdout, /\b0\.27\.0\b/, 'minidump-stackwalk --version');
    t.true(DUMPS.length >= 14, `${DUMPS.length} valid corpus dumps`);
  });
}

for (const rel of DUMPS) {
  test(`${rel}: our CLI stackwalk --json matches minidump-stackwalk --json`, async (t) => {
    const [ours, ref] = await Promise.all([ourCli(rel), reference(rel)]);
    compareStackwalkJson(t, ours, ref);
  });

  test(`${rel}: parseMinidump matches minidump-stackwalk --json`, async (t) => {
    const ref = await reference(rel);
    const [report, all] = await Promise.all([
      parseMinidump(dump(rel), { symbols: [SYMBOLS] }),
      parseMinidump(dump(rel), { symbols: [SYMBOLS], allThreads: true }),
    ]);
    compareReportToStackwalk(t, report, ref, { allThreads: false, label: 'report' });
    compareReportToStackwalk(t, all, ref, { allThreads: true, label: 'report (allThreads)' });
  });
}

/** The corpus dumps Crashpad wrote (MANIFEST.md): module annotations and a stream of its own. */
const CRASHPAD_DUMPS = ['rust-minidump/simple-crashpad.dmp', 'breakpad/linux_inline.dmp', 'breakpad/minidump_crashpad_annotation.dmp'];

interface CrashpadJson {
  report_id: string;
  module_list: { module_index: number; module: string | null }[];
}

for (const rel of skipReason ? [] : CRASHPAD_DUMPS) {
  test(`${rel}: without symbols, --json says what minidump-stackwalk says of missing symbols; annotated modules are named`, async (t) => {
    const [ours, ref] = await Promise.all([
      jsonOf(process.execPath, [CLI, 'stackwalk', '--json', dump(rel)]),
      jsonOf(STACKWALK!, ['--json', dump(rel)]),
    ]);
    t.deepEqual(
      ours.modules.map((m) => [m.filename, m.missing_symbols, m.loaded_symbols]),
      ref.modules.map((m) => [m.filename, m.missing_symbols, m.loaded_symbols]),
      'modules: missing_symbols and loaded_symbols',
    );
    const crashpad = ours.crashpad as CrashpadJson;
    t.regex(crashpad.report_id, /^[0-9A-F-]{36}$/);
    for (const m of crashpad.module_list) t.is(m.module, ref.modules[m.module_index]!.filename, `module_list[${m.module_index}].module`);
  });
}
