/**
 * The utility-process-to-main wire. A utility process's SDK says hello over `process.parentPort`; main, which
 * wrapped `utilityProcess.fork`, answers with the same hello and one end of a MessageChannelMain, and the SDK posts
 * its envelopes (string or bytes, capped as a renderer's: LIMITS.envelopeBytes in ./ipc.ts) on that port. The
 * hello is an object with one marker key, the same as @sentry/electron 7's, so that either SDK's main understands
 * either SDK's utility process; both sides hide it from the app's own `message` listeners.
 */

/** The marker key of the hello. */
export const UTILITY_HELLO_KEY = '__sentry_message_port_message__';

/** The hello both sides send. */
export function utilityHello(): Record<string, true> {
  return { [UTILITY_HELLO_KEY]: true };
}

/** True for the hello (and nothing an app would send by accident). */
export function isUtilityHello(message: unknown): boolean {
  return typeof message === 'object' && message !== null && UTILITY_HELLO_KEY in message;
}
