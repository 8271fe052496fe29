/**
 * The CLI's text in Breakpad's frame notation, checked against Google Breakpad's own `minidump_stackwalk` output
 * for every corpus dump (expected/breakpad-generated/*.stackwalk.txt, made with the corpus symbols): where both
 * name the same module and function, the line is the same, return-address offsets included. Also: `--help`
 * for every command, Crashpad facts in Markdown, and no mangled name in any format.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, dump, HAS_CORPUS, SKIP_REASON, SYMBOLS } from './helpers/corpus';
import { FIXTURE_SYMBOLS, fixtureDump, fixtureManifest } from './helpers/fixtures';
import { looksMangled } from './helpers/stackwalk-json';

const CLI = join(__dirname, '..', 'build', 'cli', 'main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });

/** The numbered frame lines (`NN  location`) of the crashing thread's section of a human report. */
function crashedFrameLines(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^Thread \d+ .*\(crashed\)/.test(l));
  if (start < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l === '' || /^Thread /.test(l)) break;
    if (/^ *\d+ {2}\S/.test(l)) out.push(l.trim());
  }
  return out;
}

const BREAKPAD_DIR = join(CORPUS, 'expected', 'breakpad-generated');
const breakpadCases = HAS_CORPUS
  ? ['breakpad--linux_inline', 'breakpad--tiny-exe-fastfail', 'rust-minidump--test', 'rust-minidump--linux-mini', 'symbolicator--windows', 'symbolicator--macos', 'symbolic--crash_linux', 'breakpad--minidump_crashpad_annotation']
  : [];
if (!HAS_CORPUS) test.skip(`Breakpad notation against Breakpad's output: ${SKIP_REASON}`, () => {});

for (const name of breakpadCases) {
  test(`${name}: crashing-thread frames read as Breakpad's minidump_stackwalk prints them`, (t) => {
    const rel = `${name.replace('--', '/')}.dmp`;
    const expected = crashedFrameLines(readFileSync(join(BREAKPAD_DIR, `${name}.stackwalk.txt`), 'utf8'));
    const r = run('stackwalk', '--symbols', SYMBOLS, dump(rel));
    t.is(r.status, 0, r.stderr);
    const ours = crashedFrameLines(r.stdout);
    t.is(ours.length, expected.length, 'as many frames (inlined calls as frames of their own)');
    // Breakpad names some functions differently (`<name omitted>`, its own demangling): compare where the text up
    // to the first offset names the same thing, and require most lines to be comparable.
    const head = (l: string) => l.replace(/ \+ 0x[0-9a-f]+\]?$/, '');
    let compared = 0;
    expected.forEach((line, i) => {
      const mine = ours[i];
      if (mine === undefined || head(mine) !== head(line)) return;
      compared++;
      t.is(mine, line, `frame line ${i}`);
    });
    t.true(compared >= Math.ceil(expected.length / 2), `${compared} of ${expected.length} lines named alike`);
  });
}

test('the offset of a caller counts from its return address, as Breakpad prints it', (t) => {
  if (!HAS_CORPUS) return t.pass(SKIP_REASON);
  // symbolicator/windows.dmp frame 1: return address 0x2a2d97, line 283 starts at 0x2a2d7b (Breakpad: + 0x1c).
  const r = run('stackwalk', '--symbols', SYMBOLS, dump('symbolicator/windows.dmp'));
  t.regex(r.stdout, / 1 {2}crash\.exe!__scrt_common_main_seh \[exe_common\.inl : 283 \+ 0x1c\]\n {4}0x2a2d97\n/);
  t.regex(r.stdout, / 2 {2}kernel32\.dll \+ 0x162c4\n/);
});

test('--help exits 0 with the usage on stdout, for every command and at the top', (t) => {
  for (const args of [['--help'], ['-h'], ['help'], ['stackwalk', '--help'], ['symbolicate', '--help'], ['symbolicate', 'x.dmp', '-h']]) {
    const r = run(...args);
    t.is(r.status, 0, args.join(' '));
    t.regex(r.stdout, /Usage: sentry-electron-native/, args.join(' '));
  }
  // After `--`, `--help` is a path like any other.
  t.is(run('stackwalk', '--', '--help').status, 1);
});

test('markdown names the Crashpad report and shows its annotations', (t) => {
  if (!HAS_CORPUS || !existsSync(CLI)) return t.pass(SKIP_REASON);
  const r = run('symbolicate', '--format', 'markdown', dump('rust-minidump/simple-crashpad.dmp'));
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /\*\*Crashpad report:\*\* `42F9DE72-518A-43DD-97D7-8DDC328D3662` \(client `6FD2B3B9-9833-4B2F-BBF7-0BCF501BAD7E`\)/);
  t.regex(r.stdout, /\*\*Crashpad annotations:\*\*\n\n```text\nhello = world\nmodule 16 [^\n]*libsystem_c\.dylib\n {2}abort\(\) called\n/);
});

test('Rust names are demangled in every format; JSON keeps the schema, the report keeps the raw name', (t) => {
  const manifest = fixtureManifest();
  const nullWrite = fixtureDump(manifest.kinds.null_write!);
  const text = run('stackwalk', '--symbols', FIXTURE_SYMBOLS, nullWrite);
  const md = run('symbolicate', '--format', 'markdown', '--symbols', FIXTURE_SYMBOLS, nullWrite);
  const json = run('stackwalk', '--json', '--symbols', FIXTURE_SYMBOLS, nullWrite);
  for (const [format, r] of [['text', text], ['markdown', md], ['json', json]] as const) {
    t.is(r.status, 0, `${format}: ${r.stderr}`);
    t.notRegex(r.stdout, /_ZN\w+E\b/, `${format}: no mangled Rust name`);
  }
  // The fixture's C frames are called from Rust's main: its frames name Rust functions, readably.
  t.regex(text.stdout, /crash-fixture!crash_fixture::main\b/);
  const frames = (JSON.parse(json.stdout) as { crashing_thread: { frames: { function: string | null }[] } }).crashing_thread.frames;
  t.true(frames.some((f) => f.function?.startsWith('crash_fixture::')), 'a demangled Rust function in the JSON');
  t.false(frames.some((f) => looksMangled(f.function)));
});
