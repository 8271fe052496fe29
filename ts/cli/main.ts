#!/usr/bin/env node
/**
 * `sentry-electron-native`: minidumps into readable, symbolicated crash reports, for CI logs and scripts.
 */
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { STACKWALK_USAGE, stackwalkCommand } from './stackwalk';
import { SYMBOLICATE_USAGE, symbolicateCommand } from './symbolicate';

export { EXIT_BAD_INPUT, EXIT_CRASH, EXIT_OK, EXIT_USAGE } from './exit-codes';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  stackwalk: { run: stackwalkCommand, usage: STACKWALK_USAGE },
  symbolicate: { run: symbolicateCommand, usage: SYMBOLICATE_USAGE },
};

/** `--help` or `-h` among a command's arguments (before a `--`, after which everything is a path). */
const asksForHelp = (argv: string[]): boolean => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

const USAGE = `${SYMBOLICATE_USAGE}\n${STACKWALK_USAGE}`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const cmd = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!cmd) {
    process.stderr.write(`unknown command ${command}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  // Asked for, help is an answer, not a usage error: on stdout, exit code 0, for every command alike.
  if (asksForHelp(rest)) {
    process.stdout.write(cmd.usage);
    return EXIT_OK;
  }
  return cmd.run(rest);
}

if (require.main === module) {
  // A reader that stops early (`| head`) ends the output, not the process with a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
  });
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
