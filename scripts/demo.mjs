#!/usr/bin/env node
// The demo after `npm run build` and `npm run fixtures`: crash a real program (crates/crash-fixture, its dump
// written by an out-of-process monitor), turn the dump into a Sentry event, send event + minidump through the
// transport's crash path (envelope written natively, streamed from disk) to a local Sentry receiver — or to
// $SENTRY_DSN — and print what arrived. Uses the compiled package (build/), as an app would.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { parseMinidump } = require(join(root, 'build/index.js'));
const { eventFromReport } = require(join(root, 'build/common/event-from-report.js'));
const { makeNativeTransport, endpointFromDsn } = require(join(root, 'build/transport/index.js'));
const { startReceiver } = require(join(root, 'build/receiver/index.js'));

const fixtures = join(root, '__test__/fixtures/generated');
const symbols = join(fixtures, 'symbols');

/** The crash-fixture binary, as make-fixtures.sh finds it: cargo says where it put it (no target path guessed). */
function crashFixture() {
  const r = spawnSync('cargo', ['build', '-q', '-p', 'crash-fixture', '--message-format=json'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) return undefined;
  const exe = r.stdout
    .split('\n')
    .map((line) => (line.startsWith('{') ? JSON.parse(line) : {}))
    .filter((m) => m.reason === 'compiler-artifact' && m.target?.name === 'crash-fixture' && m.executable)
    .map((m) => m.executable)
    .pop();
  return exe && existsSync(exe) ? exe : undefined;
}

/** A fresh crash when the binary can be built; otherwise the dump make-fixtures.sh made from the same crash. */
function crash(dir) {
  const exe = crashFixture();
  if (exe) {
    const out = join(dir, 'crash.dmp');
    const r = spawnSync(exe, ['crash', 'null_write', '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status === 0 && existsSync(out)) return { dump: out, how: `crashed ${exe} (null_write)` };
    console.error(`crash-fixture failed (exit ${r.status}): using the generated fixture dump`);
  } else {
    console.error('crash-fixture could not be built: using the generated fixture dump');
  }
  const dump = join(fixtures, 'null_write.dmp');
  if (!existsSync(dump)) throw new Error(`${dump} is missing: run \`npm run fixtures\` first`);
  return { dump, how: 'fixture dump (no fresh crash)' };
}

const sha256File = (file) =>
  new Promise((ok, fail) => {
    const hash = createHash('sha256');
    createReadStream(file).on('data', (c) => hash.update(c)).on('end', () => ok(hash.digest('hex'))).on('error', fail);
  });

const frameLine = (f) =>
  `${f.function ?? '??'}${f.filename ? ` (${f.filename.split('/').pop()}:${f.lineno})` : ''} [${f.package?.split('/').pop() ?? '?'} ${f.instruction_addr}]`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sentry-demo-'));
  const external = process.env.SENTRY_DSN;
  const receiver = external ? undefined : await startReceiver({ lifetimeMs: 60_000 });
  try {
    const { dump, how } = crash(dir);
    const report = await parseMinidump(dump, { symbols: [symbols] });
    const event = eventFromReport(report);
    const dsn = external ?? receiver.dsn;
    const endpoint = endpointFromDsn(dsn);
    if (!endpoint) throw new Error(`not a DSN: ${dsn}`);
    const drops = [];
    const transport = makeNativeTransport({
      url: endpoint.url,
      queueDir: join(dir, 'queue'),
      flushAtStartup: false,
      recordDroppedEvent: (reason, category) => drops.push(`${reason}:${category}`),
      log: (message, error) => console.error(`[transport] ${message}`, error ?? ''),
    });
    const result = await transport.sendCrash({ event, minidumpPath: dump });
    transport.close();
    const dumpSha = await sha256File(dump);

    console.log(`crash:        ${how}`);
    console.log(`destination:  ${external ? `${endpoint.dsn.host} (SENTRY_DSN)` : `local receiver ${receiver.url}`}`);
    console.log(`send:         ${result.outcome} (${result.form})${drops.length ? `, dropped: ${drops.join(' ')}` : ''}`);
    const ex = event.exception?.values?.[0];
    if (!receiver) {
      // An outside server does not tell what it stored: show what was sent.
      console.log(`event id:     ${result.eventId}`);
      console.log(`exception:    ${ex ? `${ex.type}: ${ex.value}` : '(none)'}`);
      console.log(`minidump:     ${statSync(dump).size} bytes, sha256 ${dumpSha}`);
      process.exitCode = result.outcome === 'sent' ? 0 : 1;
      return;
    }
    const [arrived] = await receiver.waitForEnvelopes(1, 10_000);
    const item = (type, pred = () => true) => arrived.items.find((i) => i.type === type && pred(i));
    const got = item('event')?.payload;
    const minidump = item('attachment', (i) => i.headers.attachment_type === 'event.minidump');
    const gotEx = got?.exception?.values?.[0];
    const frames = gotEx?.stacktrace?.frames ?? [];
    console.log(`event id:     ${arrived.headers.event_id}`);
    console.log(`exception:    ${gotEx ? `${gotEx.type}: ${gotEx.value}` : '(none)'}`);
    console.log(`top frames:`);
    for (const f of frames.slice(-5).reverse()) console.log(`  ${frameLine(f)}`);
    console.log(
      `minidump:     ${minidump ? `${minidump.payload.length} bytes, sha256 ${minidump.sha256 === dumpSha ? 'matches' : 'DIFFERS FROM'} the dump on disk` : 'missing'}`,
    );
    console.log(`encoding:     ${arrived.contentEncoding ?? 'identity'}`);
    if (!minidump || minidump.sha256 !== dumpSha || result.outcome !== 'sent') process.exitCode = 1;
  } finally {
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
