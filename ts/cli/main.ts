#!/usr/bin/env node
/**
 * `sentry-electron-native`: minidumps into readable, symbolicated crash reports, for CI logs and scripts.
 */
import { MinidumpError } from '../native/errors';
import { parseMinidump, runAsync } from '../native/parse';
import { formatText } from './text';

/** Exit codes, stable for scripts: 0 done, 1 bad input (the dump), 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage: sentry-electron-native stackwalk <dump> [--json] [--symbols DIR]... [--all-threads]

  --json          minidump-stackwalk --json output (every thread), plus a "crashpad" object
  --symbols DIR   a symbol root in the store layout <debug_file>/<DEBUG_ID>/<name>.sym (repeatable)
  --all-threads   walk every thread, not only the crashing one
`;

interface StackwalkArgs {
  dump: string;
  json: boolean;
  symbols: string[];
  allThreads: boolean;
}

class UsageError extends Error {}

/** Flags may come before or after the path. */
function parseArgs(argv: string[]): StackwalkArgs {
  const args: StackwalkArgs = { dump: '', json: false, symbols: [], allThreads: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') args.json = true;
    else if (a === '--all-threads') args.allThreads = true;
    else if (a === '--symbols' || a.startsWith('--symbols=')) {
      const dir = a === '--symbols' ? argv[++i] : a.slice('--symbols='.length);
      if (!dir) throw new UsageError('--symbols needs a directory');
      args.symbols.push(dir);
    } else if (a === '--') positional.push(...argv.slice(i + 1)), (i = argv.length);
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  if (positional.length !== 1) throw new UsageError(positional.length ? 'one dump at a time' : 'no dump given');
  args.dump = positional[0]!;
  return args;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command !== 'stackwalk') {
    process.stderr.write(`unknown command ${command}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  let args: StackwalkArgs;
  try {
    args = parseArgs(rest);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const options = { symbols: args.symbols, allThreads: args.allThreads };
  try {
    const output = args.json
      ? await runAsync('stackwalkJsonAsync', args.dump, options)
      : formatText(await parseMinidump(args.dump, options));
    process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    return EXIT_OK;
  } catch (e) {
    const code = e instanceof MinidumpError ? e.code : 'ERR_INTERNAL';
    process.stderr.write(`error ${code}: ${(e as Error).message}\n`);
    return EXIT_BAD_INPUT;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`error ERR_INTERNAL: ${(e as Error).stack ?? e}\n`);
      process.exitCode = EXIT_BAD_INPUT;
    },
  );
}
