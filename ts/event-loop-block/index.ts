/**
 * `@acme/sentry-electron-native/native`: event loop block detection for Electron's main process, the names
 * @sentry/electron 7 exports from `/native` (there from @sentry/node-native, which has no Sentry JS v11; here on a
 * worker thread and the inspector, with no native module).
 */
export {
  eventLoopBlockIntegration,
  pauseEventLoopBlockDetection,
  restartEventLoopBlockDetection,
  disableBlockDetectionForCallback,
  type EventLoopBlockOptions,
} from './integration';
