/**
 * The real Spotlight sidecar (4.x) as the destination of the SDK's `spotlight` option: a gzip envelope with an
 * event and the null-write minidump goes in through the URL `spotlightEnvelopeUrl` gives, and comes back out
 * through Spotlight's SSE stream (what its UI reads) and its raw-envelope endpoint with the same sha256.
 * The sidecar runs on 127.0.0.1, sends no telemetry, and is stopped by the test (or by itself after a minute).
 */
import test from 'ava';
import { crashEnvelope, nullWriteDump, post } from './helpers/envelope';
import { nextSseEvent, startSpotlight, type SseEvent } from './helpers/spotlight';
import { DEFAULT_SPOTLIGHT_URL, parseEnvelopeStrict, sha256, spotlightEnvelopeUrl, type BinaryItem } from '../ts/receiver';

const DUMP = nullWriteDump();

/** Spotlight's SSE `data`: `[envelopeHeader, [[itemHeader, payload], …]]`, binary payloads as `{ data: base64 }`. */
type SpotlightEnvelope = [Record<string, unknown>, [Record<string, unknown>, Record<string, unknown>][]];
const forEvent = (eventId: string) => (e: SseEvent) => (JSON.parse(e.data) as SpotlightEnvelope)[0].event_id === eventId;

test('spotlightEnvelopeUrl: true → the sidecar default, a string → that URL, false or junk → none', (t) => {
  t.is(spotlightEnvelopeUrl(true), 'http://localhost:8969/stream');
  t.is(DEFAULT_SPOTLIGHT_URL, 'http://localhost:8969/stream');
  t.is(spotlightEnvelopeUrl('http://127.0.0.1:9000/stream'), 'http://127.0.0.1:9000/stream');
  t.is(spotlightEnvelopeUrl(false), undefined);
  t.is(spotlightEnvelopeUrl(undefined), undefined);
  t.is(spotlightEnvelopeUrl('not a url'), undefined);
  t.is(spotlightEnvelopeUrl('file:///etc/passwd'), undefined);
});

test('an event with a minidump, gzip, through Spotlight: the SSE stream and the raw envelope carry the same dump', async (t) => {
  const spotlight = await startSpotlight();
  t.teardown(() => spotlight.close());
  t.is(spotlight.sentryClient(), undefined, 'Spotlight has no Sentry client: no telemetry');

  const { bytes, eventId } = crashEnvelope(DUMP);
  const { event, ready } = nextSseEvent(spotlight.url, forEvent(eventId));
  await ready;
  // What the SDK will do with `spotlight: <sidecar url>`: POST the envelope there, gzipped.
  const target = spotlightEnvelopeUrl(`${spotlight.url}/stream`)!;
  const res = await post(target, bytes, { encoding: 'gzip', auth: null });
  t.is(res.status, 200, res.body);

  const sse = await event;
  t.is(sse.event, 'application/x-sentry-envelope');
  const [header, items] = JSON.parse(sse.data) as SpotlightEnvelope;
  t.is(header.event_id, eventId);
  t.deepEqual(items.map(([h]) => h.type), ['event', 'attachment']);
  t.like(items[0]![1], { event_id: eventId, level: 'fatal', platform: 'native' });
  const [dumpHeader, dumpPayload] = items[1]!;
  t.like(dumpHeader, { attachment_type: 'event.minidump', filename: 'crash.dmp', length: DUMP.length });
  t.is(sha256(Buffer.from(String(dumpPayload.data), 'base64')), sha256(DUMP), 'the dump in the stream is the dump sent');

  // Spotlight also keeps the decompressed envelope as it came; read it back by the id the stream gave.
  const raw = await fetch(`${spotlight.url}/envelope/${sse.id}`);
  t.is(raw.status, 200);
  const back = Buffer.from(await raw.arrayBuffer());
  t.true(back.equals(bytes), 'the stored envelope is byte for byte the one sent');
  const dump = parseEnvelopeStrict(back).items.find((i) => i.headers.attachment_type === 'event.minidump') as BinaryItem;
  t.is(dump.sha256, sha256(DUMP));

  t.deepEqual(
    spotlight.outgoing.filter((a) => a !== '127.0.0.1' && a !== '::ffff:127.0.0.1'),
    [],
    'every connection this process made went to loopback',
  );
  t.true(spotlight.outgoing.length >= 2, 'the recorder saw the test’s own connections');
});

test('Spotlight also takes the Sentry envelope route, /api/<project>/envelope/, with brotli', async (t) => {
  const spotlight = await startSpotlight();
  t.teardown(() => spotlight.close());
  const { bytes, eventId } = crashEnvelope(DUMP);
  const { event, ready } = nextSseEvent(spotlight.url, forEvent(eventId));
  await ready;
  t.is((await post(`${spotlight.url}/api/1/envelope/`, bytes, { encoding: 'br' })).status, 200);
  const [, items] = JSON.parse((await event).data) as SpotlightEnvelope;
  t.is(sha256(Buffer.from(String(items[1]![1].data), 'base64')), sha256(DUMP));
});
