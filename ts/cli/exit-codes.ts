/** Exit codes of `sentry-electron-native`, stable for scripts and CI steps. */

/** Every dump was processed (crashed or not). */
export const EXIT_OK = 0;
/** At least one dump could not be read (the others are still reported); the error code is on stderr. */
export const EXIT_BAD_INPUT = 1;
/** The command line was wrong. */
export const EXIT_USAGE = 2;
/** `symbolicate --fail-on-crash` found at least one dump of a crash. Wins over `EXIT_BAD_INPUT`. */
export const EXIT_CRASH = 3;
