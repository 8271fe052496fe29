/** The local receiver, for tests and local development; to become the package's `./receiver` subpath. */
export { startReceiver, type ReceiverOptions, type Receiver, type ReceivedEnvelope, type ReceivedRequest } from './receiver';
export type { Behaviour, BehaviourOptions } from './behaviour';
export { parseEnvelopeStrict, EnvelopeParseError, sha256, type ParsedEnvelope, type EnvelopeItem, type JsonItem, type BinaryItem } from '../envelope/parse-envelope';
export { MINIDUMP_ATTACHMENT_TYPE } from './minidump-check';
export { parseAuthHeader } from './auth';
export { spotlightEnvelopeUrl, DEFAULT_SPOTLIGHT_URL } from '../transport/spotlight-url';
