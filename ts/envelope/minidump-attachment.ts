/** The `attachment_type` of a Crashpad/Breakpad minidump item: what Sentry and Relay look for to process a crash. */
export const MINIDUMP_ATTACHMENT_TYPE = 'event.minidump';
