/**
 * `@acme/sentry-electron-native`: readable native crashes from minidumps, in plain Node or Electron.
 */
export {
  parseMinidump,
  parseMinidumpSync,
  parseQueueStats,
  setMaxConcurrentParses,
  type MinidumpInput,
} from './native/parse';
export { MinidumpError } from './native/errors';
export type * from './native/types';
