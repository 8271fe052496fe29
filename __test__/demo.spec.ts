import test from 'ava';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startReceiver } from '../ts/receiver';

const run = promisify(execFile);
const DEMO = join(__dirname, '..', 'scripts', 'demo.mjs');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** `npm run demo` without npm: the compiled package (build/) is what it runs, as `npm run build` leaves it. */
async function demo(env: Record<string, string> = {}): Promise<string> {
  const { SENTRY_DSN: _ignored, ...rest } = process.env;
  const { stdout } = await run(process.execPath, [DEMO], { env: { ...rest, ...env }, timeout: 90_000 });
  return stdout;
}

test('the demo crashes a real process and shows what the embedded receiver got', async (t) => {
  const out = await demo();
  t.log(out);
  t.regex(out, /^crash: +crashed .*crash-fixture \(null_write\)$/m);
  t.regex(out, /^destination: +local receiver http:\/\/127\.0\.0\.1:\d+$/m);
  t.regex(out, /^send: +sent \(full\)$/m);
  t.regex(out, /^event id: +[0-9a-f]{32}$/m);
  t.regex(out, /^exception: +SIGSEGV: SIGSEGV \/ SEGV_MAPERR at 0x0$/m);
  t.regex(out, /^top frames:\n {2}crash_null_write \(crashers\.c:16\) \[crash-fixture 0x[0-9a-f]+\]$/m);
  t.regex(out, /^minidump: +\d+ bytes, sha256 matches the dump on disk$/m);
  t.regex(out, /^encoding: +gzip$/m);
});

test('with SENTRY_DSN the demo sends there instead', async (t) => {
  const receiver = await startReceiver({ lifetimeMs: 120_000 });
  t.teardown(() => receiver.close());
  const out = await demo({ SENTRY_DSN: receiver.dsn });
  t.log(out);
  t.regex(out, /^destination: +127\.0\.0\.1 \(SENTRY_DSN\)$/m);
  t.regex(out, /^send: +sent \(full\)$/m);
  t.is(receiver.envelopes.length, 1);
  const [envelope] = receiver.envelopes;
  t.is(envelope!.contentEncoding, 'gzip');
  t.is(envelope!.headers.event_id, /^event id: +([0-9a-f]{32})$/m.exec(out)?.[1]);
  const event = envelope!.items.find((i) => i.type === 'event')!;
  t.like(event.payload as object, { platform: 'native', level: 'fatal' });
  const dump = envelope!.items.find((i) => i.headers.attachment_type === 'event.minidump');
  t.truthy(dump);
  if (dump?.kind !== 'binary') return t.fail('minidump item is not binary');
  t.is(sha256(dump.payload), dump.sha256);
  t.regex(out, new RegExp(`^minidump: +${dump.payload.length} bytes, sha256 ${dump.sha256}$`, 'm'));
});
