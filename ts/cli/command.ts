/** What every `sentry-electron-native` command shares: argument parsing and how errors are printed. */
import { MinidumpError } from '../native/errors';
import { EXIT_USAGE } from './exit-codes';

/** A wrong command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/**
 * Runs Node's `util.parseArgs` (flags before or after paths, `--flag=value`, `--` before odd paths) and
 * turns what it throws into a `UsageError`. A wrapper, not a re-implementation, so the parser's types hold.
 */
export function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Prints a `UsageError` and the command's usage on stderr, and gives exit code 2; anything else is rethrown. */
export function usageFailure(e: unknown, usage: string): number {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(`${e.message}\n\n${usage}`);
  return EXIT_USAGE;
}

/** `error ERR_X: message`, the line scripts grep for; `ERR_INTERNAL` for anything that is not ours. */
export function errorLine(e: unknown): string {
  const code = e instanceof MinidumpError ? e.code : 'ERR_INTERNAL';
  return `error ${code}: ${e instanceof Error ? e.message : String(e)}`;
}
