/** The transport layer: `makeNativeTransport` and the pieces it is built from, for SDK code and tests. */
export { makeNativeTransport, type NativeTransport, type NativeTransportOptions } from './transport';
export { endpointFromDsn, type SentryEndpoint } from './dsn';
export { DurableQueue, type QueueOptions, type Claim } from './queue';
export { RateLimiter, envelopeCategories } from './rate-limits';
export { SENTRY_SIZE_LIMITS, isCrashEnvelope, type SizeLimits, type MinidumpStripper } from './size-policy';
export { makeNodeRequest } from './lazy-node-request';
export { makeElectronNetRequest } from './electron-net-request';
export type { RequestFn, HttpRequest, HttpResponse } from './request';
export type { EntryWriter, EntryInfo } from './queue-entry';
export type { NativeCrash, CrashSendResult } from './crash-send';
