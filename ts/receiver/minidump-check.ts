/**
 * Relay refuses a minidump attachment that is not one ("invalid minidump", 400) before it queues anything; the
 * receiver does the same so that a transport that truncates, re-encodes or empties a dump fails its test here.
 */
import { MINIDUMP_ATTACHMENT_TYPE } from '../envelope/minidump-attachment';
import { EnvelopeParseError, type ParsedEnvelope } from '../envelope/parse-envelope';

export { MINIDUMP_ATTACHMENT_TYPE };

/** The first four bytes of every minidump (MINIDUMP_SIGNATURE, little-endian 0x504d444d). */
const MDMP = Buffer.from('MDMP', 'latin1');

/** Throws `EnvelopeParseError` (a 400) when an `event.minidump` attachment is empty or lacks the `MDMP` magic. */
export function checkMinidumps(envelope: ParsedEnvelope): void {
  envelope.items.forEach((item, index) => {
    if (item.headers.attachment_type !== MINIDUMP_ATTACHMENT_TYPE) return;
    if (item.kind !== 'binary') throw new EnvelopeParseError(`item ${index}: a minidump must be an attachment`, 0);
    if (item.payload.length === 0) throw new EnvelopeParseError(`item ${index}: invalid minidump: empty`, 0);
    if (item.payload.length < MDMP.length || !item.payload.subarray(0, MDMP.length).equals(MDMP)) {
      throw new EnvelopeParseError(`item ${index}: invalid minidump: no MDMP signature`, 0);
    }
  });
}
