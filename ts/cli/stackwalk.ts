/** `sentry-electron-native stackwalk`: one dump, minidump-stackwalk's human or JSON output. */
import { parseArgs } from 'node:util';
import { parseMinidump, runAsync } from '../native/parse';
import { asUsage, errorLine, usageFailure, UsageError } from './command';
import { EXIT_BAD_INPUT, EXIT_OK } from './exit-codes';
import { formatText } from './text';

export const STACKWALK_USAGE = `Usage: sentry-electron-native stackwalk <dump> [--json] [--symbols DIR]... [--all-threads]

  --json          minidump-stackwalk --json output (every thread), plus a "crashpad" object
  --symbols DIR   a symbol root in the store layout <debug_file>/<DEBUG_ID>/<name>.sym (repeatable)
  --all-threads   walk every thread, not only the crashing one
`;

export async function stackwalkCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = asUsage(() =>
      parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: { json: { type: 'boolean' }, symbols: { type: 'string', multiple: true }, 'all-threads': { type: 'boolean' } },
      }),
    );
    if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length ? 'one dump at a time' : 'no dump given');
    if (parsed.values.symbols?.includes('')) throw new UsageError('--symbols needs a directory');
  } catch (e) {
    return usageFailure(e, STACKWALK_USAGE);
  }
  const { values, positionals } = parsed;
  const dump = positionals[0]!;
  const options = { symbols: values.symbols ?? [], allThreads: values['all-threads'] === true };
  try {
    const output = values.json ? await runAsync('stackwalkJsonAsync', dump, options) : formatText(await parseMinidump(dump, options));
    process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    return EXIT_OK;
  } catch (e) {
    process.stderr.write(`${errorLine(e)}\n`);
    return EXIT_BAD_INPUT;
  }
}
