/**
 * What happens to the minidump of a native crash:
 * - `attach`: sent with the event as `event.minidump` (the server can re-process it with symbols);
 * - `strip`: sent with heap memory removed (thread stacks, module lists and the exception kept): smaller and safer
 *   for privacy;
 * - `omit`: the event alone (the crash facts were read on the client); the dump is deleted once the event is safe.
 */
export type MinidumpPolicy = 'attach' | 'strip' | 'omit';
