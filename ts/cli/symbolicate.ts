/**
 * `sentry-electron-native symbolicate`: many dumps (or folders of them) into symbolicated reports for CI logs,
 * from local symbol roots and symbol servers, with an on-disk cache.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs as parseNodeArgs } from 'node:util';
import { FINISHED_DIRS, UNFINISHED_DIR } from '../native/crashpad-database';
import { MinidumpError } from '../native/errors';
import { parseMinidump, runAsync, setMaxConcurrentParses } from '../native/parse';
import { symbolicateParseOptions } from '../native/symbolicate';
import type { ParseOptions } from '../native/types';
import { asUsage, errorLine, usageFailure, UsageError } from './command';
import { EXIT_BAD_INPUT, EXIT_CRASH, EXIT_OK } from './exit-codes';
import { githubAnnotations, writeJobSummary } from './github';
import { formatMarkdown } from './markdown';
import { missingSymbolsText } from './missing-symbols';
import type { DumpOutcome } from './outcome';
import { formatText } from './text';

export const SYMBOLICATE_USAGE = `Usage: sentry-electron-native symbolicate <dump|dir>... [options]

  A directory stands for every *.dmp file directly inside it (not in subfolders); a Crashpad database (an
  app's crashDumps folder) for the finished reports in its completed/, pending/ and reports/ folders.

  --symbols DIR         a local symbol root, store layout <debug_file>/<DEBUG_ID>/<name>.sym (repeatable)
  --symbol-server URL   an HTTP(S) symbol server with the same layout, asked after the roots (repeatable)
  --cache DIR           where fetched symbols are kept (default: the user's cache folder
                        + sentry-electron-native/symbols)
  --symbol-server-timeout MS
                        time allowed for each request to a symbol server (default 30000; a timeout
                        is retried twice, then that module goes without symbols)
  --format FORMAT       text (default), json (minidump-stackwalk --json; several dumps: one object a line,
                        each with a "dump" key), github (::error annotations + job summary), markdown
  --all-threads         walk every thread, not only the crashing one
  --fail-on-crash       exit 3 when any dump holds a crash

  Exit codes: 0 processed, 1 a dump could not be read (the others are reported), 2 usage, 3 --fail-on-crash.
`;

const FORMATS = ['text', 'json', 'github', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

/** Parses at once: the CLI owns its process, so it may take the whole default libuv pool of 4. */
const CONCURRENCY = 4;

interface Args {
  inputs: string[];
  format: Format;
  options: ParseOptions;
  failOnCrash: boolean;
}

function parseArgs(argv: string[]): Args {
  const { values, positionals } = asUsage(() =>
    parseNodeArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        symbols: { type: 'string', multiple: true },
        'symbol-server': { type: 'string', multiple: true },
        cache: { type: 'string' },
        'symbol-server-timeout': { type: 'string' },
        format: { type: 'string' },
        'all-threads': { type: 'boolean' },
        'fail-on-crash': { type: 'boolean' },
      },
    }),
  );
  if (positionals.length === 0) throw new UsageError('no dump or directory given');
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (values.symbols?.includes('')) throw new UsageError('--symbols needs a directory');
  if (values.cache === '') throw new UsageError('--cache needs a directory');
  const servers = values['symbol-server'] ?? [];
  for (const url of servers) {
    if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) {
      throw new UsageError(`--symbol-server needs an http:// or https:// URL, got ${JSON.stringify(url)}`);
    }
  }
  const timeout = values['symbol-server-timeout'] === undefined ? undefined : Number(values['symbol-server-timeout']);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= 3_600_000)) {
    throw new UsageError('--symbol-server-timeout needs milliseconds, from 1 to 3600000');
  }
  const options = symbolicateParseOptions({
    symbols: values.symbols ?? [],
    symbolServers: servers,
    cache: values.cache,
    symbolServerTimeoutMs: timeout,
    allThreads: values['all-threads'] === true,
  });
  return { inputs: positionals, format, options, failOnCrash: values['fail-on-crash'] === true };
}

/** A folder that Crashpad's database layout names as one (an app's crashDumps folder): its report folders. */
const CRASHPAD_MARKERS = [...FINISHED_DIRS, UNFINISHED_DIR, 'settings.dat'];

const dumpsIn = (dir: string): string[] => {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.isDirectory() && /\.dmp$/i.test(e.name))
      .map((e) => join(dir, e.name))
      .sort();
  } catch {
    return [];
  }
};

/**
 * Dumps named on the command line, with each directory replaced by its `*.dmp` files (sorted, not recursive), or,
 * for a Crashpad database, by the finished reports of its report folders (never those in `new/`, still being written).
 */
function expandInputs(inputs: string[]): string[] {
  return inputs.flatMap((input) => {
    let isDir = false;
    try {
      isDir = statSync(input).isDirectory();
    } catch {
      return [input]; // not there: reading it reports ERR_IO like any other unreadable dump
    }
    if (!isDir) return [input];
    const entries = new Set(readdirSync(input));
    if (CRASHPAD_MARKERS.some((name) => entries.has(name))) {
      const dumps = FINISHED_DIRS.flatMap((dir) => dumpsIn(join(input, dir)));
      const unfinished = dumpsIn(join(input, UNFINISHED_DIR)).length;
      if (unfinished > 0) process.stderr.write(`${input}: ${unfinished} report(s) in new/ are still being written: skipped\n`);
      if (dumps.length === 0) process.stderr.write(`no finished reports in the Crashpad database ${input}\n`);
      return dumps;
    }
    const dumps = dumpsIn(input);
    if (dumps.length === 0) process.stderr.write(`no *.dmp files in ${input}\n`);
    return dumps;
  });
}

async function processDump(dump: string, format: Format, options: ParseOptions): Promise<DumpOutcome> {
  try {
    if (format === 'json') {
      const json = await runAsync('stackwalkJsonAsync', dump, options);
      return { dump, json, crashed: (JSON.parse(json) as { crash_info?: { type?: unknown } }).crash_info?.type != null };
    }
    const report = await parseMinidump(dump, options);
    return { dump, report, crashed: report.crash !== null };
  } catch (e) {
    const error = e instanceof MinidumpError ? e : new MinidumpError('ERR_INTERNAL', String(e), { cause: e });
    return { dump, error, crashed: false };
  }
}

/** A one-line counter on stderr, drawn only for a person watching a terminal; CI logs stay clean. */
class Progress {
  private done = 0;
  private readonly tty = process.stderr.isTTY === true;
  constructor(private readonly total: number) {}

  tick(): void {
    this.done++;
    if (this.tty) process.stderr.write(`\r\x1b[Ksymbolicating: ${this.done}/${this.total}`);
  }

  /** Writes a line to stderr without leaving the counter mangled. */
  note(line: string): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
    process.stderr.write(`${line}\n`);
    if (this.tty && this.done < this.total) process.stderr.write(`symbolicating: ${this.done}/${this.total}`);
  }

  finish(): void {
    if (this.tty && this.total > 0) process.stderr.write('\r\x1b[K');
  }
}

/** Prints one dump's result as soon as it and every dump before it are done, so output keeps input order. */
function printInOrder(o: DumpOutcome, format: Format, several: boolean): void {
  if (format === 'text' && o.report) {
    const header = several ? `==> ${o.dump} <==\n` : '';
    process.stdout.write(`${header}${formatText(o.report)}\n${missingSymbolsText(o.report)}${several ? '\n' : ''}`);
  } else if (format === 'json' && o.json !== undefined) {
    // One dump: the object as minidump-stackwalk prints it. Several: NDJSON, each line naming its dump.
    const line = several ? JSON.stringify({ dump: o.dump, ...(JSON.parse(o.json) as object) }) : o.json.trimEnd();
    process.stdout.write(`${line}\n`);
  }
}

export async function symbolicateCommand(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    return usageFailure(e, SYMBOLICATE_USAGE);
  }
  const dumps = expandInputs(args.inputs);
  const bar = new Progress(dumps.length);
  setMaxConcurrentParses(CONCURRENCY);
  const pending = dumps.map((d) => processDump(d, args.format, args.options).finally(() => bar.tick()));
  const outcomes: DumpOutcome[] = [];
  for (const p of pending) {
    const o = await p;
    outcomes.push(o);
    if (o.error) bar.note(`${o.dump}: ${errorLine(o.error)}`);
    printInOrder(o, args.format, dumps.length > 1);
  }
  bar.finish();

  if (args.format === 'markdown') process.stdout.write(formatMarkdown(outcomes));
  if (args.format === 'github') {
    process.stdout.write(githubAnnotations(outcomes));
    const summary = writeJobSummary(outcomes);
    if (summary !== null) process.stdout.write(summary);
  }
  if (args.failOnCrash && outcomes.some((o) => o.crashed)) return EXIT_CRASH;
  return outcomes.some((o) => o.error) ? EXIT_BAD_INPUT : EXIT_OK;
}
