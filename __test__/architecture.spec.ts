/**
 * The shape of the house, checked: ts/'s folders follow a crash (dump → report → event → envelope → wire) and a
 * folder imports only from the stages before it; main ships nothing of the local receiver; no hand-written source
 * file passes 500 lines. The import graph is read from the sources (every `import … from`, `export … from`,
 * `import()` and `require()` with a relative specifier), so a new file is checked the day it is added.
 */
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const TS = path.join(ROOT, 'ts');

/**
 * What each top folder of ts/ may import from ts/ besides itself (ARCHITECTURE in one table). The crash's stages
 * come first, in pipeline order; then the shared renderer-to-main IPC schema; then the entry points on top.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  native: [], // dump → report: the only door to the addon
  event: ['native'], // report → Sentry event
  envelope: ['native', 'event'], // event (+ minidump) → envelope bytes
  transport: ['native', 'event', 'envelope'], // envelope → the wire: queue, rate limits, HTTP
  common: [], // the renderer-to-main IPC: channels, caps, validation
  'node-api': ['common'], // @sentry/node 11's API loaded at first use, and the v10 names: shared by /main and /utility
  main: ['native', 'event', 'envelope', 'transport', 'common', 'node-api'], // never `receiver`: it is not shipped code of main
  renderer: ['common'],
  preload: ['common'],
  utility: ['common', 'node-api'], // `/utility`: the SDK of Electron utility processes, on @sentry/node
  cli: ['native'],
  'event-loop-block': ['event', 'transport'], // `/native`: main's heartbeat and the watchdog worker that sends ANR events
  receiver: ['envelope', 'transport'], // the local test receiver, an entry of its own
  '.': ['native', 'envelope'], // ts/index.ts, the package's root entry
};

const LINE_LIMIT = 500;

/** Files below `dir` whose names end in one of `exts`, skipping build output and dependencies. */
function walk(dir: string, exts: readonly string[]): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'target') continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(file, exts));
    else if (exts.some((ext) => entry.name.endsWith(ext))) out.push(file);
  }
  return out;
}

/** The relative specifiers a TypeScript source imports, comments left out (a path in a doc comment is no edge). */
export function relativeSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]*)['"]/gm;
  for (const match of code.matchAll(pattern)) found.push(match[1]!);
  return found;
}

/** The top folder of ts/ that a file is in (`.` for ts/index.ts). */
const folderOf = (file: string): string => {
  const rel = path.relative(TS, file).split(path.sep);
  return rel.length === 1 ? '.' : rel[0]!;
};

interface Edge {
  from: string;
  to: string;
}

/** Every import inside ts/ that crosses from one top folder into another. */
function crossFolderEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of walk(TS, ['.ts'])) {
    for (const spec of relativeSpecifiers(fs.readFileSync(file, 'utf8'))) {
      const resolved = path.resolve(path.dirname(file), spec);
      // `'../transport'` is that folder's index.ts.
      const target = fs.existsSync(resolved) && fs.statSync(resolved).isDirectory() ? path.join(resolved, 'index.ts') : resolved;
      if (!target.startsWith(TS + path.sep)) continue;
      if (folderOf(file) !== folderOf(target)) edges.push({ from: path.relative(ROOT, file), to: path.relative(ROOT, target) });
    }
  }
  return edges;
}

/** The edges that break `MAY_IMPORT`, with why (an unknown folder breaks it too: it must be placed in the table). */
export function violations(edges: readonly Edge[], rules: Record<string, readonly string[]>): string[] {
  const bad: string[] = [];
  for (const { from, to } of edges) {
    const a = folderOf(path.join(ROOT, from));
    const b = folderOf(path.join(ROOT, to));
    const allowed = rules[a];
    if (!allowed) bad.push(`${from}: ts/${a}/ has no place in the architecture table`);
    else if (!allowed.includes(b)) bad.push(`${from} imports ${to}: ts/${a}/ may import only ${allowed.join(', ') || 'nothing outside itself'}`);
  }
  return bad;
}

test('the import graph is read: every stage folder is there and main reaches the transport', (t) => {
  const edges = crossFolderEdges();
  // A reader that found no edges would pass every rule below; these edges exist in any working SDK.
  t.true(edges.some((e) => e.from.startsWith('ts/main/') && e.to.startsWith('ts/transport/')));
  t.true(edges.some((e) => e.from.startsWith('ts/event/') && e.to.startsWith('ts/native/')));
  for (const stage of ['native', 'event', 'envelope', 'transport']) t.true(fs.existsSync(path.join(TS, stage)), stage);
});

test('each folder of ts/ imports only from the stages before it, and main nothing from the receiver', (t) => {
  t.deepEqual(violations(crossFolderEdges(), MAY_IMPORT), []);
});

test('the rules catch a stage that imports from a later one, and main importing the receiver', (t) => {
  const upward: Edge[] = [
    { from: 'ts/event/native-crash-event.ts', to: 'ts/transport/size-policy.ts' },
    { from: 'ts/main/spotlight.ts', to: 'ts/receiver/spotlight.ts' },
    { from: 'ts/native/parse.ts', to: 'ts/event/event-from-report.ts' },
    { from: 'ts/attic/old.ts', to: 'ts/native/parse.ts' },
  ];
  t.is(violations(upward, MAY_IMPORT).length, upward.length);
  t.deepEqual(violations([{ from: 'ts/transport/crash-send.ts', to: 'ts/envelope/minidump-attachment.ts' }], MAY_IMPORT), []);
});

test('the specifier reader sees every import form and skips comments', (t) => {
  const source = [
    "import a from './a';",
    "import type { B } from '../b';",
    "export { c } from './c';",
    "import './side-effect';",
    "const d = require('../d');",
    "const e = await import('./e');",
    "import * as os from 'node:os';",
    "// import x from './commented';",
    "/** see `import('./in-doc')` */",
  ].join('\n');
  t.deepEqual(relativeSpecifiers(source), ['./a', '../b', './c', './side-effect', '../d', './e']);
});

/** Hand-written sources over the limit below `dirs` (generated files, named `*.generated.*`, are exempt). */
function overLimit(dirs: readonly string[], exts: readonly string[]): string[] {
  const long: string[] = [];
  for (const dir of dirs) {
    for (const file of walk(dir, exts)) {
      if (path.basename(file).includes('.generated.')) continue;
      const lines = fs.readFileSync(file, 'utf8').split('\n').length - 1;
      if (lines > LINE_LIMIT) long.push(`${path.relative(ROOT, file)}: ${lines} lines`);
    }
  }
  return long;
}

test(`no hand-written TypeScript file in ts/ is over ${LINE_LIMIT} lines`, (t) => {
  t.deepEqual(overLimit([TS], ['.ts']), []);
});

const rustSourceDirs = (): string[] => [
  path.join(ROOT, 'src'),
  ...fs
    .readdirSync(path.join(ROOT, 'crates'))
    .map((crate) => path.join(ROOT, 'crates', crate, 'src'))
    .filter((dir) => fs.existsSync(dir)),
];

test(`no hand-written Rust file in src/ or crates/*/src is over ${LINE_LIMIT} lines`, (t) => {
  t.deepEqual(overLimit(rustSourceDirs(), ['.rs']), []);
});

/** A Rust source with its comments left out: a function named in a doc comment is not a call. */
const rustCode = (source: string): string => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

/**
 * Decoding integers or structures from bytes by hand: byte-order conversions and scroll's readers. Minidump
 * structures are decoded in one file, crates/minidump-layout/src/lib.rs, on minidump-common's structs; a second
 * hand-written reader of a header, a directory or a Crashpad record would show up here.
 */
const BYTE_DECODING = /\b(?:from_(?:le|be|ne)_bytes|pread(?:_with)?|gread(?:_with)?)\b|\bscroll::(?:Pread|Gread)\b/;

const LAYOUT_FILE = 'crates/minidump-layout/src/lib.rs';

/** Files that decode bytes that are not a minidump, with what they read. */
const NOT_MINIDUMP: Record<string, string> = {
  'crates/envelope/src/gzip.rs': 'the deflate input, 8 bytes at a time, to find incompressible cells',
  'crates/symbol-store/src/index/view.rs': "our own saved index of a .sym file",
  'crates/crash-fixture/src/main.rs': "the crash monitor's live-dump request (pid, tid) from its socket",
};

/** The files, outside the layout module and the allow-list, that decode bytes by hand. */
export function handReaders(files: ReadonlyArray<{ file: string; source: string }>): string[] {
  return files
    .filter(({ file, source }) => file !== LAYOUT_FILE && !(file in NOT_MINIDUMP) && BYTE_DECODING.test(rustCode(source)))
    .map(({ file }) => file);
}

const rustSources = (): Array<{ file: string; source: string }> =>
  rustSourceDirs()
    .flatMap((dir) => walk(dir, ['.rs']))
    .map((file) => ({ file: path.relative(ROOT, file).split(path.sep).join('/'), source: fs.readFileSync(file, 'utf8') }));

test('minidump structures are decoded by hand in one file only: the layout module', (t) => {
  const sources = rustSources();
  t.deepEqual(handReaders(sources), []);
  // The rule reads something: the layout module decodes, and each allowed reader still does (else drop it).
  const decodes = (file: string) => BYTE_DECODING.test(rustCode(sources.find((s) => s.file === file)?.source ?? ''));
  t.true(decodes(LAYOUT_FILE), LAYOUT_FILE);
  for (const file of Object.keys(NOT_MINIDUMP)) t.true(decodes(file), file);
});

test('the hand-reader rule catches a second minidump reader, and ignores writers and comments', (t) => {
  const counterExamples = [
    { file: 'crates/minidump-report/src/crashpad.rs', source: 'let count = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);' },
    { file: 'crates/minidump-report/src/complete/checker.rs', source: 'let v = if be { u32::from_be_bytes(raw) } else { 0 };' },
    { file: 'crates/envelope/src/strip.rs', source: 'let h: MINIDUMP_HEADER = bytes.pread_with(0, LE)?;' },
    { file: 'src/lib.rs', source: 'use scroll::Pread;' },
  ];
  t.deepEqual(handReaders(counterExamples), counterExamples.map((c) => c.file));
  const harmless = [
    { file: 'crates/minidump-layout/src/strip.rs', source: 'list.extend_from_slice(&rva.to_le_bytes());' },
    { file: 'crates/minidump-report/src/crashpad.rs', source: '/// not `u32::from_le_bytes` any more\nlet g = dump.at::<GUID>(4);' },
    { file: LAYOUT_FILE, source: 'bytes.pread_with(offset, endian)' },
  ];
  t.deepEqual(handReaders(harmless), []);
});

/** Where a panic is caught: `fn guarded` definitions and `catch_unwind` calls, per file. */
export function panicGuards(files: ReadonlyArray<{ file: string; source: string }>): { guarded: string[]; catchers: string[] } {
  const guarded: string[] = [];
  const catchers: string[] = [];
  for (const { file, source } of files) {
    const code = rustCode(source);
    for (const _ of code.matchAll(/\bfn\s+guarded\b/g)) guarded.push(file);
    if (/\bcatch_unwind\b/.test(code)) catchers.push(file);
  }
  return { guarded, catchers };
}

/**
 * Where else a panic may be caught, and why: third-party demanglers run on names a symbol server may serve; one
 * that panics costs that name its readable form, not the report, and the guard would fail the whole call.
 */
const OTHER_CATCHERS = ['crates/minidump-report/src/demangle.rs'];

test('one `guarded` panic guard, in the binding; the crates catch no panics (bar the demangler)', (t) => {
  const { guarded, catchers } = panicGuards(rustSources());
  t.deepEqual(guarded, ['src/guard.rs']);
  t.deepEqual(catchers.filter((f) => !OTHER_CATCHERS.includes(f)), ['src/guard.rs']);
});

test('the guard rule catches a second guard and a crate catching panics', (t) => {
  // Each file's source, by path: the binding's guard, a second guard, a crate catching panics, a mere mention.
  const sources: Record<string, string> = {
    'src/guard.rs': 'pub(crate) fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> { catch_unwind(f) }',
    'crates/envelope/src/lib.rs': 'pub fn guarded<T>(f: impl FnOnce() -> T) -> T { f() }',
    'crates/minidump-report/src/build.rs': 'std::panic::catch_unwind(|| walk(dump))',
    'crates/symbol-store/src/lib.rs': '// `guarded` and catch_unwind live in the binding',
  };
  const { guarded, catchers } = panicGuards(Object.entries(sources).map(([file, source]) => ({ file, source })));
  t.deepEqual(guarded, ['src/guard.rs', 'crates/envelope/src/lib.rs']);
  t.deepEqual(catchers, ['src/guard.rs', 'crates/minidump-report/src/build.rs']);
});
