/**
 * The local receiver as an SDK meets it: real HTTP on 127.0.0.1, every Content-Encoding SDKs use, Sentry's auth
 * answers, a real minidump arriving byte for byte, and the strict envelope parser checked against @sentry/core's.
 * Its switchable misbehaviour is in receiver-behaviour.spec.ts.
 */
import test from 'ava';
import { createAttachmentEnvelopeItem, createEnvelope, getEnvelopeEndpointWithUrlEncodedAuth, makeDsn, parseEnvelope, serializeEnvelope } from '@sentry/core';
import type { EventEnvelope } from '@sentry/core';
import { crashEnvelope, envelopeBytes, nullWriteDump, post, sentryAuth, type Encoding } from './helpers/envelope';
import { fixtureDump, fixtureManifest } from './helpers/fixtures';
import { buildEnvelope, buildEnvelopeSync } from '../ts';
import { EnvelopeParseError, parseEnvelopeStrict, sha256, startReceiver, type BinaryItem, type Receiver } from '../ts/receiver';

const DUMP = nullWriteDump();
const DUMP_SHA = sha256(DUMP);

const started = async (t: { teardown(fn: () => unknown): void }, options = {}): Promise<Receiver> => {
  const r = await startReceiver({ lifetimeMs: 60_000, ...options });
  t.teardown(() => r.close());
  return r;
};
const envelopeUrl = (r: Receiver, project = '1') => `${r.url}/api/${project}/envelope/`;
const minidumpOf = (items: { headers: Record<string, unknown> }[]) => items.find((i) => i.headers.attachment_type === 'event.minidump');

for (const encoding of ['identity', 'gzip', 'deflate', 'br'] as Encoding[]) {
  test(`${encoding}: an event with the null-write minidump arrives intact`, async (t) => {
    const r = await started(t);
    const { bytes, eventId } = crashEnvelope(DUMP);
    const res = await post(envelopeUrl(r), bytes, { encoding });
    t.is(res.status, 200, res.body);
    t.deepEqual(JSON.parse(res.body), { id: eventId });

    t.is(r.envelopes.length, 1);
    const got = r.envelopes[0]!;
    t.is(got.contentEncoding, encoding === 'identity' ? null : encoding);
    t.true(got.raw.equals(bytes), 'the decompressed body is the bytes sent');
    t.is(got.headers.event_id, eventId);
    t.deepEqual(got.items.map((i) => [i.kind, i.type]), [['json', 'event'], ['binary', 'attachment']]);
    t.like(got.items[0]!.payload, { event_id: eventId, level: 'fatal' });
    const dump = minidumpOf(got.items) as BinaryItem;
    t.is(dump.sha256, DUMP_SHA);
    t.true(dump.payload.equals(DUMP));
    t.is(got.auth.sentryKey, 'public');
  });
}

test('the strict parser agrees with @sentry/core parseEnvelope on the crash envelope', (t) => {
  const { bytes } = crashEnvelope(DUMP);
  const ours = parseEnvelopeStrict(bytes);
  const [coreHeaders, coreItems] = parseEnvelope(bytes);
  t.deepEqual(ours.headers, coreHeaders);
  t.is(ours.items.length, coreItems.length);
  ours.items.forEach((item, i) => {
    const [h, p] = coreItems[i]!;
    t.deepEqual(item.headers, h);
    // Core hands back bytes for any item with a `length`, JSON or not; ours parses JSON items.
    if (item.kind === 'json') t.deepEqual(item.payload, p instanceof Uint8Array ? JSON.parse(Buffer.from(p).toString('utf8')) : p);
    else t.is(item.sha256, sha256(p as Uint8Array));
  });
});

test('items without `length` end at the newline, a trailing newline is allowed; core reads the same', (t) => {
  const bytes = envelopeBytes({ event_id: 'a'.repeat(32) }, [
    { headers: { type: 'event' }, payload: { message: 'no length' }, omitLength: true },
    { headers: { type: 'client_report' }, payload: { discarded_events: [] }, omitLength: true },
  ]);
  const ours = parseEnvelopeStrict(bytes);
  t.deepEqual(ours.items.map((i) => i.payload), [{ message: 'no length' }, { discarded_events: [] }]);
  t.deepEqual(ours.items.map((i) => i.payload), parseEnvelope(bytes)[1].map(([, p]) => p));
  // The last item may also end the body without a newline.
  t.is(parseEnvelopeStrict(bytes.subarray(0, bytes.length - 1)).items.length, 2);
  // `length: 0` is an empty payload (core's parser takes 0 for "no length" and reads the next line instead).
  const empty = parseEnvelopeStrict(Buffer.from('{}\n{"type":"attachment","length":0}\n\n{"type":"event"}\n{}\n'));
  t.deepEqual(empty.items.map((i) => [i.type, i.kind === 'binary' ? i.payload.length : i.payload]), [['attachment', 0], ['event', {}]]);
});

test('the parser refuses what core would let pass: a wrong length, headers that are not objects, binary past the end', (t) => {
  const good = crashEnvelope(DUMP).bytes;
  const header = '{"type":"attachment","length":10}\n';
  const cases: [string, Buffer][] = [
    ['length too short', Buffer.from(`{}\n${header}0123456789abc\n`)],
    ['length past the end', Buffer.from(`{}\n{"type":"attachment","length":99}\nshort\n`)],
    ['negative length', Buffer.from('{}\n{"type":"event","length":-1}\n{}\n')],
    ['envelope header an array', Buffer.from('[]\n')],
    ['item without type', Buffer.from('{}\n{"length":2}\n{}\n')],
    ['event payload not JSON', Buffer.from('{}\n{"type":"event"}\nnot json\n')],
    ['truncated dump', good.subarray(0, good.length - 100)],
    ['empty body', Buffer.alloc(0)],
  ];
  for (const [name, bytes] of cases) t.throws(() => parseEnvelopeStrict(bytes), { instanceOf: EnvelopeParseError }, name);
});

test('an envelope built by @sentry/core (createAttachmentEnvelopeItem + serializeEnvelope) is accepted, dump intact', async (t) => {
  const r = await started(t);
  const eventId = 'b'.repeat(32);
  const envelope = createEnvelope<EventEnvelope>({ event_id: eventId, sent_at: new Date().toISOString() }, [
    [{ type: 'event' }, { event_id: eventId, message: 'from core' }],
    createAttachmentEnvelopeItem({ filename: 'crash.dmp', attachmentType: 'event.minidump', data: new Uint8Array(DUMP) }) as never,
  ]);
  const bytes = Buffer.from(serializeEnvelope(envelope));
  // Sentry's own endpoint URL for the receiver's DSN: auth in the query string (sentry_key, sentry_version=7).
  const url = getEnvelopeEndpointWithUrlEncodedAuth(makeDsn(r.dsn)!, undefined, { name: 'acme.test', version: '1.0.0' });
  const res = await post(url, bytes, { encoding: 'gzip', auth: null });
  t.is(res.status, 200, res.body);
  const got = r.envelopes[0]!;
  t.is(got.auth.from, 'query');
  t.is((minidumpOf(got.items) as BinaryItem).sha256, DUMP_SHA);
});

// The native envelope builder is new: an addon built before it lacks the function (then this test says so).
const nativeBuilderMissing = (() => {
  try {
    buildEnvelopeSync({ header: {}, items: [] });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
})();
(nativeBuilderMissing === null ? test : test.skip)(
  `the native buildEnvelope (dump streamed from disk, gzip) is accepted, dump intact${nativeBuilderMissing ? ` — skipped: ${nativeBuilderMissing}` : ''}`,
  async (t) => {
    const r = await started(t);
    const eventId = 'e'.repeat(32);
    const gz = await buildEnvelope({
      header: { event_id: eventId, sent_at: new Date().toISOString() },
      items: [
        { type: 'event', json: { event_id: eventId, level: 'fatal', platform: 'native' } },
        { type: 'attachment', attachmentType: 'event.minidump', filename: 'null_write.dmp', path: fixtureDump(fixtureManifest().kinds.null_write!) },
      ],
      gzip: true,
    });
    const res = await post(envelopeUrl(r), gz, { contentEncoding: 'gzip' });
    t.is(res.status, 200, res.body);
    const got = r.envelopes[0]!;
    t.like(got.items[0]!.payload, { event_id: eventId, level: 'fatal' });
    t.is((minidumpOf(got.items) as BinaryItem).sha256, DUMP_SHA);
    t.deepEqual(parseEnvelope(got.raw)[0], got.headers, "core reads the native envelope's header the same");
  },
);

test('auth: missing → 401, wrong key or project → 403, bad scheme or version → 400, other routes 404/405', async (t) => {
  const r = await started(t);
  const { bytes } = crashEnvelope(DUMP);
  const status = async (url: string, options: Parameters<typeof post>[2]) => (await post(url, bytes, options)).status;
  t.is(await status(envelopeUrl(r), { auth: null }), 401);
  t.is(await status(envelopeUrl(r), { auth: 'Sentry sentry_version=7' }), 401);
  t.is(await status(envelopeUrl(r), { auth: sentryAuth('wrong') }), 403);
  t.is(await status(`${envelopeUrl(r)}?sentry_key=wrong&sentry_version=7`, { auth: null }), 403);
  t.is(await status(envelopeUrl(r, '2'), {}), 403);
  t.is(await status(envelopeUrl(r), { auth: 'Bearer public' }), 400);
  t.is(await status(envelopeUrl(r), { auth: 'Sentry sentry_key=public, sentry_version=6' }), 400);
  t.is(await status(`${r.url}/api/1/store/`, {}), 404);
  t.is(await status(envelopeUrl(r), { method: 'PUT' }), 405);
  t.is(r.envelopes.length, 0, 'nothing refused was kept');
  t.deepEqual(r.requests.map((q) => q.status), [401, 401, 403, 403, 403, 400, 400, 404, 405]);
  // The right credentials in the query string alone are enough (no trailing slash either).
  t.is(await status(`${r.url}/api/1/envelope?sentry_key=public&sentry_version=7`, { auth: null }), 200);
  t.is(new URL(r.dsn).username, 'public');
});

test('minidump check: an event.minidump item without MDMP or empty → 400, nothing kept', async (t) => {
  const r = await started(t);
  const notADump = Buffer.from(DUMP);
  notADump.write('MDMQ', 0, 'latin1');
  for (const payload of [notADump, Buffer.alloc(0), Buffer.from('MD')]) {
    const res = await post(envelopeUrl(r), crashEnvelope(payload).bytes, { encoding: 'gzip' });
    t.is(res.status, 400);
    t.regex(JSON.parse(res.body).detail, /invalid minidump/);
  }
  // A plain attachment may hold anything: only minidumps are checked.
  const plain = envelopeBytes({}, [{ headers: { type: 'attachment', filename: 'log.txt' }, payload: Buffer.from('not a dump') }]);
  t.is((await post(envelopeUrl(r), plain)).status, 200);
  t.is(r.envelopes.length, 1);
});

test('bodies: over maxBodyBytes (compressed or once decompressed) → 413, corrupt gzip or unknown encoding → 400', async (t) => {
  const r = await started(t, { maxBodyBytes: 16 * 1024 });
  const { bytes } = crashEnvelope(DUMP); // ~23 kB: over the limit raw, well under it gzipped
  t.true(bytes.length > 16 * 1024 && (await post(envelopeUrl(r), bytes)).status === 413, 'raw body over the limit');
  const bomb = envelopeBytes({}, [{ headers: { type: 'attachment', filename: 'zeros' }, payload: Buffer.alloc(1024 * 1024) }]);
  const res = await post(envelopeUrl(r), bomb, { encoding: 'gzip' });
  t.is(res.status, 413, 'a 1 kB gzip that inflates to 1 MiB');
  t.regex(JSON.parse(res.body).detail, /decompressed/);
  const small = envelopeBytes({}, [{ headers: { type: 'event' }, payload: { message: 'small' } }]);
  t.is((await post(envelopeUrl(r), small, { contentEncoding: 'gzip' })).status, 400, 'says gzip, is not');
  t.is((await post(envelopeUrl(r), small, { contentEncoding: 'zstd' })).status, 400);
  t.is((await post(envelopeUrl(r), small, { encoding: 'br' })).status, 200);
});

test('listens on 127.0.0.1 only, emits each envelope, closes twice safely and by itself after lifetimeMs', async (t) => {
  const r = await started(t, { lifetimeMs: 1_500 });
  t.regex(r.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.regex(r.dsn, /^http:\/\/public@127\.0\.0\.1:\d+\/1$/);
  const seen: string[] = [];
  r.on('envelope', (e) => seen.push(String(e.headers.event_id)));
  const waiting = r.waitForEnvelopes(2, 5_000);
  await post(envelopeUrl(r), crashEnvelope(DUMP, 'c'.repeat(32)).bytes);
  await post(envelopeUrl(r), crashEnvelope(DUMP, 'd'.repeat(32)).bytes, { encoding: 'br' });
  t.is((await waiting).length, 2);
  t.deepEqual(seen, ['c'.repeat(32), 'd'.repeat(32)]);
  await t.throwsAsync(r.waitForEnvelopes(3, 100), { message: /2 of 3 envelopes/ });
  // Not told to close: the lifetime runs out and the port refuses connections.
  await new Promise((ok) => setTimeout(ok, 2_000));
  await t.throwsAsync(post(envelopeUrl(r), Buffer.from('{}\n')), { code: 'ECONNREFUSED' });
  await r.close();
  await r.close();
});
