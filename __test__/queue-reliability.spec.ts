import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { DurableQueue, endpointFromDsn } from '../ts/transport';
import { startReceiver } from '../ts/receiver';
import { eventEnvelope, messages, scratchDir } from './helpers/transport';

const CHILD_WRITER = path.join(__dirname, 'helpers', 'queue-writer-child.ts');
const CHILD_DRAIN = path.join(__dirname, 'helpers', 'queue-drain-child.ts');

/** Runs one writer child, SIGKILLs it `killAfterMs` after it is ready; resolves with the entries it reported done. */
function writeThenKill(dir: string, killAfterMs: number, writer: 'native' | 'js', seen: Set<string>): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD_WRITER, dir, writer], { stdio: ['ignore', 'pipe', 'inherit'] });
    const done: string[] = [];
    let buffered = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('ready ')) {
          seen.add(line.slice(6));
          setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        }
        else if (line.startsWith('done ')) done.push(line.slice(5));
      }
    });
    child.once('error', reject);
    child.once('exit', (_code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited without being killed (${signal})`));
      else resolve(done);
    });
  });
}

test.serial('SIGKILL at random points while writing: no corrupt entry is ever yielded, no finished entry is lost (50 runs)', async (t) => {
  const RUNS = 50;
  const PARALLEL = 5;
  let written = 0;
  let killedMidway = 0;
  const writers = new Set<string>();
  let run = 0;
  for (let batch = 0; batch < RUNS / PARALLEL; batch++) {
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        const dir = scratchDir(t, 'kill-');
        const done = await writeThenKill(dir, Math.floor(Math.random() * 250), run++ % 2 ? 'native' : 'js', writers);
        written += done.length;
        const queue = new DurableQueue({ dir });
        await queue.recover();
        const entries = (await queue.list()).map((e) => e.name);
        for (const name of done) t.true(entries.includes(name), `finished entry ${name} survived`);
        if (entries.length > done.length) killedMidway++; // renamed in, killed before it could say so
        // Every entry the queue yields reads back whole: drain it all through claims.
        let yielded = 0;
        for (let claim = await queue.claim(); claim; claim = await queue.claim()) {
          const envelope = await claim.read(); // throws on a damaged entry
          t.truthy(envelope[0].event_id);
          t.true(envelope[1].length >= 1);
          await claim.ack();
          yielded++;
        }
        t.is(yielded, entries.length);
        t.deepEqual(readdirSync(path.join(dir, 'tmp')), [], 'the dead writer’s temporary file is cleaned up');
      }),
    );
  }
  t.log(`writers: ${[...writers].join(', ')}`);
  t.log(`${RUNS} kills, ${written} entries acknowledged before the kill, ${killedMidway} runs killed between rename and ack`);
  t.true(written > 0);
});

test.serial('two processes draining one queue: every entry is sent exactly once', async (t) => {
  const dir = scratchDir(t);
  const receiver = await startReceiver({ lifetimeMs: 60_000, maxEnvelopes: 500 });
  t.teardown(() => receiver.close());
  const queue = new DurableQueue({ dir });
  const N = 40;
  for (let i = 0; i < N; i++) await queue.push(eventEnvelope(`m${i}`));
  const url = endpointFromDsn(receiver.dsn)!.url;
  const run = () =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD_DRAIN, dir, url], { stdio: ['ignore', 'ignore', 'inherit'] });
      const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('error', reject);
      child.once('exit', (code) => (clearTimeout(guard), code === 0 ? resolve() : reject(new Error(`drain child exited ${code}`))));
    });
  await Promise.all([run(), run()]);
  const got = messages(receiver.envelopes);
  t.is(got.length, N);
  t.is(new Set(got).size, N, 'no entry twice');
  t.deepEqual([...got].sort(), Array.from({ length: N }, (_, i) => `m${i}`).sort());
  t.deepEqual(await queue.list(), []);
  t.false(existsSync(path.join(dir, 'queue.lock')));
});
