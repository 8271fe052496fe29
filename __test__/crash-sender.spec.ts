/**
 * The crash sender's event (crates/crash-sender, Rust) against the SDK's own (ts/event/native-crash-event.ts plus
 * @sentry/core's scope merge) for the same dump and the same spooled scope, field by field: main's crash must read
 * alike whether its sender reported it at once or the next launch did, so the two builders cannot drift apart.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareEvent, type Event } from '@sentry/core';
import { nativeCrashEvent } from '../ts/event/native-crash-event';
import type { MinidumpPolicy } from '../ts/event/minidump-policy';
import { scopeFromRun, type RunScope } from '../ts/main/native-crashes/run-scope';
import { parseMinidumpSync } from '../ts/index';
import { fixtureDump, fixtureManifest } from './helpers/fixtures';
import { SENDER_MISSING, senderBinary } from './helpers/sender';

const sender = senderBinary();
const senderTest = sender ? test : test.skip;
if (!sender) test.skip(`crash sender tests skipped: ${SENDER_MISSING}`, () => {});

/** A scope as main spools it: tags, user, breadcrumbs, contexts, extra, fingerprint, release. */
const RUN: RunScope = {
  startedAt: 1_700_000_000_000.5,
  release: 'MyApp@3.1.4',
  environment: 'staging',
  dist: '7',
  tags: { 'demo.main': 'yes', 'event.process': 'from-scope-loses', count: 3 },
  extra: { answer: 42, nested: { a: [1, 2] } },
  contexts: { app: { app_name: 'MyApp', app_version: '3.1.4' }, os: { name: 'scope-os-loses' } },
  user: { id: 'u-1', email: 'a@example.com' },
  fingerprint: ['{{ default }}', 'main'],
  breadcrumbs: [
    { timestamp: 1_700_000_001, category: 'ui', message: 'clicked' },
    { timestamp: 1_700_000_002, category: 'main', message: 'about to crash', data: { n: 1 } },
  ],
};

/** The fields both paths own; the rest (event_id, sdk, sdkProcessingMetadata) differ by design. */
const COMPARED = ['platform', 'level', 'message', 'exception', 'threads', 'debug_meta', 'contexts', 'tags', 'user', 'extra', 'breadcrumbs', 'fingerprint', 'release', 'environment', 'dist', 'timestamp'] as const;

function pick(event: Event): Record<string, unknown> {
  return Object.fromEntries(COMPARED.filter((k) => event[k] !== undefined).map((k) => [k, event[k]]));
}

async function jsEvent(dump: string, policy: MinidumpPolicy, pii: boolean): Promise<Event> {
  const report = parseMinidumpSync(dump, { allThreads: true });
  const event = nativeCrashEvent({ report, policy, sendDefaultPii: pii });
  const options = { release: RUN.release, environment: RUN.environment, dist: RUN.dist, normalizeDepth: 100, maxValueLength: 100_000, integrations: [], stackParser: () => [] };
  // The SDK's next-launch path: the crashed run's release on the event, its scope as the current scope.
  const prepared = await prepareEvent(options as never, event, {}, scopeFromRun(RUN));
  return JSON.parse(JSON.stringify(prepared)) as Event;
}

function rustEvent(dump: string, scopeFile: string, policy: MinidumpPolicy, pii: boolean): Event {
  const args = ['--event', dump, '--scope', scopeFile, '--policy', policy, '--home', homedir(), ...(pii ? ['--pii'] : [])];
  return JSON.parse(execFileSync(sender!, args, { encoding: 'utf8', maxBuffer: 64 << 20 })) as Event;
}

for (const kind of ['null_write', 'abort', 'no_crash', 'thread_null_write'] as const) {
  for (const [policy, pii] of [['attach', false], ['omit', true]] as const) {
    senderTest(`${kind}, policy ${policy}${pii ? ', personal data on' : ''}: the sender's event is the SDK's`, async (t) => {
      const k = fixtureManifest().kinds[kind];
      if (!k) return t.pass(`no ${kind} fixture`);
      const dir = mkdtempSync(join(tmpdir(), 'sender-event-'));
      t.teardown(() => rmSync(dir, { recursive: true, force: true }));
      const scopeFile = join(dir, 'run-scope.json');
      writeFileSync(scopeFile, JSON.stringify(RUN));
      const dump = fixtureDump(k);
      const rust = rustEvent(dump, scopeFile, policy, pii);
      const js = await jsEvent(dump, policy, pii);
      for (const key of COMPARED) t.deepEqual(pick(rust)[key], pick(js)[key], key);
      t.is(rust.tags?.['event.process'], 'browser');
      t.is(rust.tags?.['demo.main'], 'yes');
      t.regex(rust.event_id ?? '', /^[0-9a-f]{32}$/);
    });
  }
}

senderTest('a spooled scope that is not a scope is left out, not trusted: the event still comes', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sender-event-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const scopeFile = join(dir, 'run-scope.json');
  writeFileSync(scopeFile, JSON.stringify({ startedAt: 'x', tags: [1, 2], user: 'root', breadcrumbs: { a: 1 } }).slice(0, -3));
  const event = rustEvent(fixtureDump(fixtureManifest().kinds.null_write!), scopeFile, 'attach', false);
  t.is(event.tags?.['event.process'], 'browser');
  t.is(event.user, undefined);
  t.is(event.breadcrumbs, undefined);
  t.is(event.environment, 'production');
});
