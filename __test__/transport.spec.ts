import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { endpointFromDsn, makeNativeTransport, RateLimiter, type NativeTransportOptions } from '../ts/transport';
import { startReceiver, type Receiver } from '../ts/receiver';
import { crashEnvelope, dropRecorder, eventEnvelope, messages, scratchDir, sleep, transactionEnvelope } from './helpers/transport';

async function setup(t: ExecutionContext, extra: Partial<NativeTransportOptions> = {}, receiverOptions = {}) {
  const receiver: Receiver = await startReceiver({ lifetimeMs: 60_000, ...receiverOptions });
  t.teardown(() => receiver.close());
  const { drops, recordDroppedEvent } = dropRecorder();
  const logs: string[] = [];
  const transport = makeNativeTransport({
    url: endpointFromDsn(receiver.dsn)!.url,
    recordDroppedEvent,
    log: (m) => void logs.push(m),
    replayGapMs: 0,
    retryBackoffMs: 100,
    ...extra,
  });
  t.teardown(() => transport.close());
  return { receiver, transport, drops, logs };
}

test('a DSN becomes the envelope endpoint with its key in the query string', (t) => {
  const ep = endpointFromDsn('https://abc123@o1.ingest.sentry.io/42');
  t.is(ep?.url, 'https://o1.ingest.sentry.io/api/42/envelope/?sentry_version=7&sentry_key=abc123');
  t.is(endpointFromDsn('not a dsn'), undefined);
});

test('envelopes arrive; large ones gzipped, small ones not', async (t) => {
  const { receiver, transport } = await setup(t);
  await transport.send(eventEnvelope('small'));
  await transport.send(eventEnvelope('large', 100_000));
  await receiver.waitForEnvelopes(2);
  t.deepEqual(messages(receiver.envelopes), ['small', 'large']);
  t.is(receiver.envelopes[0]!.contentEncoding, null);
  t.is(receiver.envelopes[1]!.contentEncoding, 'gzip');
});

test('429 with X-Sentry-Rate-Limits: no request for that category before its deadline, others go on', async (t) => {
  const { receiver, transport, drops } = await setup(t);
  receiver.setBehaviour({ kind: '429', retryAfter: 1, rateLimits: '1:error:organization' }, { times: 1 });
  await transport.send(eventEnvelope('limited'));
  const limitedAt = Date.now(); // the 429 has been read: its deadline is at most 1 s from here
  const before = receiver.requests.length;
  await transport.send(eventEnvelope('during'));
  t.is(receiver.requests.length, before, 'no request for the error category during the limit');
  t.true(drops.some((d) => d.reason === 'ratelimit_backoff' && d.category === 'error'));
  await transport.send(transactionEnvelope('tx'));
  t.is(receiver.requests.length, before + 1, 'transactions are not limited');
  await sleep(Math.max(0, limitedAt + 1_100 - Date.now()));
  await transport.send(eventEnvelope('after'));
  await receiver.waitForEnvelopes(2);
  t.deepEqual(messages(receiver.envelopes), ['after']);
});

test('a crash envelope rate-limited before sending waits in the queue and goes once the limit ends', async (t) => {
  const queueDir = scratchDir(t);
  const { receiver, transport } = await setup(t, { queueDir });
  receiver.setBehaviour({ kind: '429', retryAfter: 1, rateLimits: '1:error:organization' }, { times: 1 });
  await transport.send(eventEnvelope('limited'));
  const start = Date.now();
  // The deadlines are kept beside the queue for the crash sender (crates/crash-sender), which honours them.
  await sleep(100);
  const kept = JSON.parse(readFileSync(join(queueDir, 'rate-limits.json'), 'utf8')) as Record<string, number>;
  t.true(kept.error! > start && kept.error! <= start + 1_100, JSON.stringify(kept));
  await transport.send(crashEnvelope('crash', 1000));
  t.is((await transport.queue!.list()).length, 1);
  await receiver.waitForEnvelopes(1, 5_000);
  t.true(Date.now() - start >= 900, 'not before the deadline');
  t.deepEqual(messages(receiver.envelopes), ['crash']);
});

test('rate limits: Retry-After, categories, bare 429 = 60 s, and overlapping limits keep the later deadline', (t) => {
  let now = 1_000_000;
  const limiter = new RateLimiter(() => now);
  limiter.update({ statusCode: 429, headers: { 'x-sentry-rate-limits': null, 'retry-after': null } });
  t.is(limiter.disabledUntil('error'), now + 60_000, 'bare 429');
  const l2 = new RateLimiter(() => now);
  l2.update({ statusCode: 429, headers: { 'x-sentry-rate-limits': '30:error;attachment:key, 5::organization', 'retry-after': '30' } });
  t.is(l2.disabledUntil('error'), now + 30_000);
  t.is(l2.disabledUntil('transaction'), now + 5_000, 'no categories = all');
  l2.update({ statusCode: 429, headers: { 'x-sentry-rate-limits': '10:error:key', 'retry-after': null } });
  t.is(l2.disabledUntil('error'), now + 30_000, 'a shorter later limit does not shorten the first');
  l2.update({ statusCode: 429, headers: { 'x-sentry-rate-limits': '90::organization', 'retry-after': null } });
  t.is(l2.disabledUntil('error'), now + 90_000, 'a later `all` wins over an earlier category deadline');
  now += 89_000;
  t.true(l2.isLimited('error'));
  now += 2_000;
  t.false(l2.isLimited('error'));
  const l3 = new RateLimiter(() => now);
  l3.update({ statusCode: 429, headers: { 'x-sentry-rate-limits': null, 'retry-after': '7' } });
  t.is(l3.disabledUntil('session'), now + 7_000, 'Retry-After alone limits every category');
});

test('413: a crash envelope is sent again with its minidump stripped', async (t) => {
  let stripped = 0;
  const { receiver, transport, drops } = await setup(
    t,
    { stripMinidump: async (d) => (stripped++, d.subarray(0, 50_000)) },
    { maxBodyBytes: 1024 * 1024 },
  );
  await transport.send(crashEnvelope('big crash', 2 * 1024 * 1024));
  await receiver.waitForEnvelopes(1);
  t.is(stripped, 1);
  t.deepEqual(receiver.requests.map((r) => r.status), [413, 200]);
  const dump = receiver.envelopes[0]!.items.find((i) => i.headers.attachment_type === 'event.minidump');
  t.is((dump?.payload as Uint8Array | undefined)?.length, 50_000);
  t.deepEqual(drops, []);
});

test('413: then without the minidump when stripping is not enough, and the lost dump is counted', async (t) => {
  const { receiver, transport, drops } = await setup(
    t,
    { stripMinidump: async (d) => d.subarray(0, 1536 * 1024) },
    { maxBodyBytes: 1024 * 1024 },
  );
  await transport.send(crashEnvelope('huge crash', 2 * 1024 * 1024));
  await receiver.waitForEnvelopes(1);
  t.deepEqual(receiver.requests.map((r) => r.status), [413, 413, 200]);
  t.deepEqual(messages(receiver.envelopes), ['huge crash']);
  t.false(receiver.envelopes[0]!.items.some((i) => i.headers.attachment_type === 'event.minidump'));
  t.deepEqual(drops, [{ reason: 'send_error', category: 'attachment', quantity: 1 }]);
});

test('413: any other envelope is dropped with a client report, not queued', async (t) => {
  const { receiver, transport, drops } = await setup(t, { queueDir: scratchDir(t) });
  receiver.setBehaviour({ kind: '413' }, { times: 1 });
  await transport.send(eventEnvelope('too big'));
  t.deepEqual(receiver.requests.map((r) => r.status), [413]);
  t.deepEqual(drops, [{ reason: 'send_error', category: 'error', quantity: 1 }]);
  t.deepEqual(await transport.queue!.list(), []);
});

test('pre-send size check: the same downgrade without a round trip', async (t) => {
  const { receiver, transport, drops } = await setup(t, {
    sizeLimits: { maxAttachmentsBytes: 1024 * 1024, maxEventItemBytes: 10_000 },
    stripMinidump: async (d) => d.subarray(0, 10_000),
  });
  await transport.send(crashEnvelope('crash', 2 * 1024 * 1024));
  await transport.send(eventEnvelope('fat event', 20_000));
  await receiver.waitForEnvelopes(1);
  t.deepEqual(receiver.requests.map((r) => r.status), [200], 'one request, already small enough');
  t.is((receiver.envelopes[0]!.items[1]!.payload as Uint8Array).length, 10_000);
  t.deepEqual(drops, [{ reason: 'send_error', category: 'error', quantity: 1 }], 'the fat event is dropped and counted');
});

test('5xx and connection errors queue envelopes; when the receiver is back, each arrives once, in order', async (t) => {
  const dir = scratchDir(t);
  const { receiver, transport, drops } = await setup(t, { queueDir: dir, retryBackoffMs: 60_000, flushAtStartup: false });
  receiver.setBehaviour({ kind: '500' }, { times: 1 });
  await transport.send(eventEnvelope('e0'));
  receiver.setBehaviour({ kind: 'reset' });
  for (let i = 1; i < 6; i++) await transport.send(eventEnvelope(`e${i}`));
  t.is((await transport.queue!.list()).length, 6);
  receiver.setBehaviour({ kind: 'accept' });
  await transport.drain(); // what the back-off timer does (the next test lets the timer do it)
  await receiver.waitForEnvelopes(6, 15_000);
  await transport.send(eventEnvelope('e6'));
  await receiver.waitForEnvelopes(7, 5_000);
  await sleep(300);
  t.deepEqual(messages(receiver.envelopes), ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
  t.deepEqual(await transport.queue!.list(), []);
  t.deepEqual(drops, []);
});

test('receiver down (connection refused), then up on the same port: the queue is delivered exactly once', async (t) => {
  const dir = scratchDir(t);
  const first = await startReceiver({ lifetimeMs: 60_000 });
  const port = Number(new URL(first.url).port);
  const dsn = first.dsn;
  await first.close();
  const { drops, recordDroppedEvent } = dropRecorder();
  const transport = makeNativeTransport({
    url: endpointFromDsn(dsn)!.url, recordDroppedEvent, queueDir: dir, replayGapMs: 0, retryBackoffMs: 200, maxRetryBackoffMs: 400, log: () => undefined,
  });
  t.teardown(() => transport.close());
  for (let i = 0; i < 5; i++) await transport.send(eventEnvelope(`q${i}`));
  t.is((await transport.queue!.list()).length, 5);
  const receiver = await startReceiver({ port, lifetimeMs: 60_000 });
  t.teardown(() => receiver.close());
  await receiver.waitForEnvelopes(5, 10_000);
  await sleep(500);
  t.deepEqual(messages(receiver.envelopes), ['q0', 'q1', 'q2', 'q3', 'q4']);
  t.deepEqual(drops, []);
});

test('a timeout counts as a network error: the envelope is queued', async (t) => {
  const { receiver, transport } = await setup(t, { queueDir: scratchDir(t), timeoutMs: 300, retryBackoffMs: 60_000 });
  receiver.setBehaviour({ kind: 'slow', ms: 2_000 }, { times: 1 });
  await transport.send(eventEnvelope('slow'));
  t.is((await transport.queue!.list()).length, 1);
});
