/**
 * The receiver's switchable misbehaviour, each over real HTTP: 429 with rate-limit headers that @sentry/core
 * reads as a rate limit, 413, 500, a slow answer, a connection cut mid-body; for N requests or until changed.
 */
import test from 'ava';
import { isRateLimited, updateRateLimits } from '@sentry/core';
import { request } from 'node:http';
import { crashEnvelope, nullWriteDump, post, sentryAuth } from './helpers/envelope';
import { startReceiver, type Receiver } from '../ts/receiver';

const DUMP = nullWriteDump();

const started = async (t: { teardown(fn: () => unknown): void }): Promise<Receiver> => {
  const r = await startReceiver({ lifetimeMs: 60_000 });
  t.teardown(() => r.close());
  return r;
};
const send = (r: Receiver) => post(`${r.url}/api/1/envelope/`, crashEnvelope(DUMP).bytes, { encoding: 'gzip' });

test('429 for the next 2 requests with Retry-After and X-Sentry-Rate-Limits, which @sentry/core honours; then accepted', async (t) => {
  const r = await started(t);
  r.setBehaviour({ kind: '429', retryAfter: 30, rateLimits: '30:error;attachment:organization:quota_exceeded' }, { times: 2 });
  const first = await send(r);
  t.is(first.status, 429);
  t.is(first.headers['retry-after'], '30');
  t.is(first.headers['x-sentry-rate-limits'], '30:error;attachment:organization:quota_exceeded');
  const now = Date.now();
  const limits = updateRateLimits({}, { statusCode: first.status, headers: { 'retry-after': '30', 'x-sentry-rate-limits': String(first.headers['x-sentry-rate-limits']) } }, now);
  t.true(isRateLimited(limits, 'error', now + 29_000));
  t.true(isRateLimited(limits, 'attachment', now + 29_000));
  t.false(isRateLimited(limits, 'transaction', now + 29_000));
  t.false(isRateLimited(limits, 'error', now + 31_000));

  t.is((await send(r)).status, 429);
  t.is((await send(r)).status, 200, 'the third request is served again');
  t.is(r.envelopes.length, 1);
  t.deepEqual(r.requests.map((q) => [q.behaviour, q.status]), [['429', 429], ['429', 429], ['accept', 200]]);
});

test('429 without rateLimits: Retry-After 60 only, which core applies to every category', async (t) => {
  const r = await started(t);
  r.setBehaviour({ kind: '429' }, { times: 1 });
  const res = await send(r);
  t.is(res.status, 429);
  t.is(res.headers['retry-after'], '60');
  t.is(res.headers['x-sentry-rate-limits'], undefined);
  const now = Date.now();
  t.true(isRateLimited(updateRateLimits({}, { statusCode: 429, headers: { 'retry-after': '60', 'x-sentry-rate-limits': null } }, now), 'error', now));
});

test('413 and 500 last until changed; { kind: "accept" } restores service', async (t) => {
  const r = await started(t);
  r.setBehaviour({ kind: '413' });
  t.deepEqual([(await send(r)).status, (await send(r)).status], [413, 413]);
  r.setBehaviour({ kind: '500' });
  const outage = await send(r);
  t.is(outage.status, 500);
  t.regex(JSON.parse(outage.body).detail, /internal server error/);
  t.is((await send(r)).status, 500);
  t.is(r.envelopes.length, 0, 'refused envelopes are not kept');
  r.setBehaviour({ kind: 'accept' });
  t.is((await send(r)).status, 200);
  t.is(r.envelopes.length, 1);
});

test('slow: the answer comes after `ms`, and the envelope is still accepted', async (t) => {
  const r = await started(t);
  r.setBehaviour({ kind: 'slow', ms: 700 }, { times: 1 });
  const slow = await send(r);
  t.is(slow.status, 200);
  t.true(slow.ms >= 650, `answered after ${slow.ms} ms`);
  t.is(r.envelopes.length, 1);
  const fast = await send(r);
  t.true(fast.ms < 650, `then at once (${fast.ms} ms)`);
});

test('slow answers do not outlive close(): the pending request is cut, not left hanging', async (t) => {
  const r = await started(t);
  r.setBehaviour({ kind: 'slow', ms: 30_000 });
  const pending = send(r);
  await new Promise((ok) => setTimeout(ok, 200));
  const closing = Date.now();
  await r.close();
  await t.throwsAsync(pending);
  t.true(Date.now() - closing < 5_000);
});

test('reset: the socket is destroyed mid-body, the client gets a connection error, nothing is kept', async (t) => {
  const r = await started(t);
  r.setBehaviour({ kind: 'reset' }, { times: 1 });
  // Only the first kilobyte of the body is ever written: the cut must come while the rest is still owed.
  const { bytes } = crashEnvelope(DUMP);
  const req = request(`${r.url}/api/1/envelope/`, {
    method: 'POST',
    headers: { 'x-sentry-auth': sentryAuth('public'), 'content-length': bytes.length, 'content-type': 'application/x-sentry-envelope' },
  });
  const failed = new Promise<Error>((ok) => req.on('error', ok).on('response', () => ok(new Error('got a response'))));
  req.write(bytes.subarray(0, 1024));
  const error = (await failed) as NodeJS.ErrnoException;
  t.true(error.code === 'ECONNRESET' || /socket hang up/.test(error.message), error.message);
  t.is(r.envelopes.length, 0);
  t.is(r.requests[0]!.status, 'reset');
  t.is((await send(r)).status, 200, 'the next request is served');
});

test('setBehaviour refuses nonsense: times 0 or fractional, slow beyond 60 s or negative', async (t) => {
  const r = await started(t);
  t.throws(() => r.setBehaviour({ kind: '500' }, { times: 0 }), { instanceOf: RangeError });
  t.throws(() => r.setBehaviour({ kind: '500' }, { times: 1.5 }), { instanceOf: RangeError });
  t.throws(() => r.setBehaviour({ kind: 'slow', ms: 120_000 }), { instanceOf: RangeError });
  t.throws(() => r.setBehaviour({ kind: 'slow', ms: -1 }), { instanceOf: RangeError });
  t.is((await send(r)).status, 200, 'a refused switch leaves the receiver as it was');
});
