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
export { checkMinidump, checkMinidumpSync } from './native/complete';
export { symbolicate, symbolicateSync, type SymbolicateOptions } from './native/symbolicate';
export { defaultSymbolCacheDir } from './native/cache-dir';
export {
  buildEnvelope,
  buildEnvelopeSync,
  downgradeEnvelopeFile,
  downgradeEnvelopeFileSync,
  stripMinidumpMemory,
  stripMinidumpMemorySync,
  writeEnvelope,
  writeEnvelopeSync,
  type EnvelopeItemSpec,
  type EnvelopeSpec,
  type DowngradedEnvelope,
  type DowngradeMode,
  type StrippedMinidump,
  type WrittenEnvelope,
} from './envelope/native-envelope';
export { MinidumpError } from './native/errors';
export type * from './native/types';
