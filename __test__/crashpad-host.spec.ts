/**
 * The fake Electron host's Crashpad (./electron-host/crashpad.ts) against Crashpad's own crashpad_handler: real
 * Node.js processes, clients in Chromium's Linux arrangement (the "browser" starts the handler, a child inherits
 * its socket), crash natively through crash-addon.node, and the handler writes their dumps into its database.
 * The package then reads them as it would Electron's.
 */
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseMinidump } from '../ts/index';
import { CLI, runProcess } from './helpers/cli';
import { findStackwalk, jsonOf } from './helpers/stackwalk-bin';
import type { StackwalkJson } from './helpers/stackwalk-json';
import { crashKeysOf, crashpadFixtures, crashpadReports, isLinuxProcStream, processRuns, streamTypes, waitForExit, waitForReport } from './electron-host/crashpad';

const found = crashpadFixtures();
const fixtures = typeof found === 'string' ? null : found;
const crashpadTest = fixtures ? test.serial : test.skip;
if (typeof found === 'string') test.skip(`Crashpad host: ${found}`, () => {});

const CRASHPAD_TS = join(__dirname, 'electron-host', 'crashpad.ts');
// By URL: the clients run in the database folder, where the package name would not resolve.
const TSX = pathToFileURL(require.resolve('tsx')).href;
const WAIT_MS = 20_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PROCESS_ANNOTATIONS = { prod: 'Electron', ver: '35.0.0', plat: 'Linux', _productName: 'Crashpad Host Test', _version: '1.2.3' };

/**
 * A "browser" process: starts the handler (`SETUP.url`, `SETUP.annotations`) and sets its crash keys; then, with
 * `SETUP.child`, starts a child with the handler's socket at fd 4, which becomes a client with its own keys and
 * crashes (`SETUP.child`); then crashes itself (`SETUP.crash`) or waits for its stdin to close. It prints one line:
 * its pid, the handler's pid, the child's pid and how the child ended.
 */
const BROWSER = `
const { spawn } = require('node:child_process');
const c = require(process.env.CRASHPAD_TS);
const setup = JSON.parse(process.env.SETUP);
const handler = c.startCrashpadHandler(setup.database, { url: setup.url, annotations: setup.annotations });
c.setCrashKeys({ ptype: 'browser', pid: String(process.pid), where: 'main' });
c.setSimpleAnnotations({ module_note: 'from the addon' });
const done = (child) => process.stdout.write(JSON.stringify({ pid: process.pid, handlerPid: handler.pid, ...child }) + '\\n', () => {
  if (setup.crash) c.crashNatively(setup.crash);
  process.stdin.resume().on('end', () => process.exit(0));
});
if (!setup.child) done({});
else {
  const child = spawn(process.execPath, ['--import', process.env.TSX, '-e', \`
    const c = require(process.env.CRASHPAD_TS);
    c.setHandlerSocket(4, \${handler.pid});
    c.setCrashKeys({ ptype: 'gpu-process', pid: String(process.pid) });
    c.crashNatively('\${setup.child}');\`], { stdio: ['ignore', 'inherit', 'inherit', 'ignore', handler.fd] });
  child.once('exit', (code, signal) => done({ childPid: child.pid, child: { code, signal } }));
}
`;

interface Browser {
  pid: number;
  handlerPid: number;
  childPid?: number;
  child?: { code: number | null; signal: string | null };
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Lets a browser that does not crash exit (0). */
  release(): void;
}

interface Setup {
  url?: string;
  annotations?: Record<string, string>;
  crash?: 'null_write' | 'abort';
  child?: 'null_write' | 'abort';
}

function startBrowser(t: ExecutionContext, database: string, setup: Setup): Promise<Browser> {
  const child = spawn(process.execPath, ['--import', TSX, '-e', BROWSER], {
    cwd: dirname(database),
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, CRASHPAD_TS, TSX, SETUP: JSON.stringify({ database, ...setup }) },
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the browser did not start within ${WAIT_MS} ms`)), WAIT_MS);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      const hello = JSON.parse(out.split('\n')[0]!) as Omit<Browser, 'exit' | 'release'>;
      t.teardown(() => {
        if (processRuns(hello.handlerPid)) process.kill(hello.handlerPid, 'SIGKILL');
      });
      resolve({ ...hello, exit, release: () => child.stdin.end() });
    });
    void exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the browser ended before it was set up (code ${code}, signal ${signal})`));
    });
  });
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const gone = (pid: number, ms: number): Promise<boolean> => waitForExit(pid, ms).then(() => true, () => false);

function freshDatabase(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'crashpad-host-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'Crashpad');
}

/** The client id in Crashpad's settings.dat (magic 'CPds', version 1, …, the UUID at byte 24), as Crashpad prints it. */
function settingsClientId(database: string): string {
  const data = readFileSync(join(database, 'settings.dat'));
  if (data.length < 40 || data.readUInt32LE(0) !== 0x43506473 || data.readUInt32LE(4) !== 1) throw new Error('bad settings.dat');
  // crashpad::UUID: data_1 (u32), data_2 and data_3 (u16) little-endian, then 8 bytes in order.
  const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
  const tail = data.subarray(32, 40).toString('hex');
  return `${hex(data.readUInt32LE(24), 8)}-${hex(data.readUInt16LE(28), 4)}-${hex(data.readUInt16LE(30), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

const STREAMS = { ThreadList: 3, ModuleList: 4, MemoryList: 5, Exception: 6, SystemInfo: 7, MiscInfo: 15, ThreadNames: 24, CrashpadInfo: 0x43500001 };

crashpadTest("the browser crashes natively: Crashpad's handler writes completed/<uuid>.dmp, Crashpad's own streams and annotations", async (t) => {
  t.timeout(60_000);
  const database = freshDatabase(t);
  const browser = await startBrowser(t, database, { url: 'https://uploads-disabled.invalid/', annotations: PROCESS_ANNOTATIONS, crash: 'null_write' });
  t.deepEqual(await within(browser.exit, WAIT_MS, 'browser crash'), { code: null, signal: 'SIGSEGV' });

  const dump = await waitForReport(database, WAIT_MS);
  const uuid = basename(dump, '.dmp');
  t.regex(uuid, UUID);
  t.is(statSync(join(database, 'completed', `${uuid}.meta`)).size > 0, true, "Crashpad's report metadata beside the dump");
  t.deepEqual(crashpadReports(database), { new: [], pending: [], completed: [dump] }, 'with a URL and uploads off: completed/ at once');
  t.false(readdirSync(join(database, 'completed')).some((name) => name.endsWith('.lock')));
  t.true(existsSync(join(database, 'attachments')) && existsSync(join(database, 'settings.dat')));

  const types = streamTypes(readFileSync(dump));
  for (const [name, type] of Object.entries(STREAMS)) t.true(types.includes(type), `${name} stream`);
  t.deepEqual(types.filter(isLinuxProcStream), [], 'none of the Linux /proc streams of minidump-writer');

  const report = await parseMinidump(dump, { symbols: [fixtures!.symbols] });
  t.true(report.crash?.reason.startsWith('SIGSEGV'), report.crash?.reason);
  t.is(report.crash?.address, '0x0');
  t.is(report.processId, browser.pid, "the dump's process id is the crashing process's pid");
  t.is(report.processType, 'browser', 'from the ptype annotation object');
  t.is(report.crashpad?.reportId, uuid.toUpperCase(), 'CrashpadInfo holds the report id upper case; the file name is lower case');
  t.is(report.crashpad?.clientId.toLowerCase(), settingsClientId(database), "client id = settings.dat's");
  t.deepEqual(report.crashpad?.simpleAnnotations, PROCESS_ANNOTATIONS, 'the handler\'s --annotation flags');
  t.deepEqual(crashKeysOf(report), { ptype: 'browser', pid: String(browser.pid), where: 'main' }, "the addon's annotation objects");
  const withKeys = report.crashpad!.modules.filter((m) => m.annotationObjects.length > 0);
  t.deepEqual(withKeys.map((m) => m.module?.split('/').pop()), ['crash-addon.node'], 'found through its .note.crashpad.info');
  t.deepEqual(withKeys[0]!.simpleAnnotations, { module_note: 'from the addon' }, "the module's simple annotations");

  // Symbolicated with the addon's .sym: the crash is in the addon's C function, at its CRASH_LINE.
  const expected = fixtures!.kinds.null_write;
  const top = report.crashingThread!.frames[0]!;
  t.is(top.module, 'crash-addon.node');
  t.is(top.function, expected.crashingFunction);
  t.is(top.file?.split('/').pop(), expected.file);
  t.is(top.line, expected.line);
  t.true(await gone(browser.handlerPid, 10_000), 'the handler ends once its last client is gone');
});

crashpadTest('a child inherits the socket: it aborts, its own dump and keys; without a URL the report stays in pending/', async (t) => {
  t.timeout(60_000);
  const database = freshDatabase(t);
  const browser = await startBrowser(t, database, { annotations: PROCESS_ANNOTATIONS, child: 'abort' });
  t.deepEqual(browser.child, { code: null, signal: 'SIGABRT' });
  const dump = await waitForReport(database, WAIT_MS, [], ['pending']);
  t.deepEqual(crashpadReports(database).completed, [], 'no URL: the handler never finishes a report');
  t.true(processRuns(browser.handlerPid), 'the browser still holds the socket');

  const report = await parseMinidump(dump, { symbols: [fixtures!.symbols] });
  t.true(report.crash?.reason.startsWith('SIGABRT'), report.crash?.reason);
  t.is(report.processId, browser.childPid ?? -1);
  t.is(report.processType, 'gpu-process');
  t.deepEqual(crashKeysOf(report), { ptype: 'gpu-process', pid: String(browser.childPid) }, "the child's keys, not the browser's");
  t.deepEqual(report.crashpad?.simpleAnnotations, PROCESS_ANNOTATIONS, 'process annotations of every report');
  const frames = report.crashingThread!.frames.map((f) => f.function);
  t.true(frames.includes(fixtures!.kinds.abort.crashingFunction), frames.join(', '));

  browser.release();
  t.deepEqual(await within(browser.exit, WAIT_MS, 'clean exit'), { code: 0, signal: null });
  t.true(await gone(browser.handlerPid, 10_000), 'no client left: the handler ends by itself');
  t.deepEqual(crashpadReports(database).pending, [dump], 'a clean exit writes no dump');
});

crashpadTest('a later run: a new handler on the same database keeps its client id, a report id per crash', async (t) => {
  t.timeout(90_000);
  const database = freshDatabase(t);
  const ids: string[] = [];
  const seen: string[] = [];
  for (let run = 0; run < 2; run++) {
    const browser = await startBrowser(t, database, { url: 'https://uploads-disabled.invalid/', crash: 'null_write' });
    t.is((await within(browser.exit, WAIT_MS, 'crash')).signal, 'SIGSEGV');
    const dump = await waitForReport(database, WAIT_MS, seen);
    seen.push(dump);
    const report = await parseMinidump(dump);
    t.is(report.processId, browser.pid);
    ids.push(report.crashpad!.clientId.toLowerCase());
    t.true(await gone(browser.handlerPid, 10_000));
  }
  t.is(new Set(seen.map((p) => basename(p))).size, 2, 'a report id per crash');
  t.deepEqual(new Set(ids), new Set([settingsClientId(database)]));
});


crashpadTest("`symbolicate <Crashpad database> --format json`: one object per finished report (completed/, pending/; not new/), each with its report id, minidump-stackwalk's crash reason and the process type", async (t) => {
  t.timeout(90_000);
  const database = freshDatabase(t);
  // A browser crash with a URL (completed/), then a child's abort without one (pending/), then an unfinished report.
  const first = await startBrowser(t, database, { url: 'https://uploads-disabled.invalid/', crash: 'null_write' });
  await within(first.exit, WAIT_MS, 'crash');
  const completed = await waitForReport(database, WAIT_MS);
  const second = await startBrowser(t, database, { child: 'abort' });
  const pending = await waitForReport(database, WAIT_MS, [], ['pending']);
  second.release();
  await within(second.exit, WAIT_MS, 'clean exit');
  mkdirSync(join(database, 'new'), { recursive: true });
  copyFileSync(completed, join(database, 'new', '0a0a0a0a-0000-4000-8000-000000000000.dmp'));

  // As a user's shell runs it: the bin entry itself, executable, through its shebang.
  const r = await runProcess(CLI, ['symbolicate', database, '--format', 'json']);
  t.is(r.status, 0, r.stderr);
  t.regex(r.stderr, /1 report\(s\) in new\/ are still being written: skipped/);
  const objects = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as StackwalkJson & { dump: string; process_type: string | null; crashpad: { report_id: string } });
  t.deepEqual(objects.map((o) => o.dump).sort(), [completed, pending].sort(), 'the finished reports, none from new/');
  const stackwalk = findStackwalk().bin;
  if (!stackwalk) t.log(`minidump-stackwalk missing: crash reasons checked against parseMinidump only (${findStackwalk().reason})`);
  for (const o of objects) {
    t.is(o.crashpad.report_id.toLowerCase(), basename(o.dump, '.dmp'), 'the report id, matched case-insensitively with the file name');
    t.is(o.process_type, o.dump === completed ? 'browser' : 'gpu-process', 'from the ptype annotation object');
    const reason = stackwalk ? (await jsonOf(stackwalk, ['--json', o.dump])).crash_info?.type : (await parseMinidump(o.dump)).crash?.reason;
    t.is(o.crash_info?.type, reason ?? null, `the crash reason of ${basename(o.dump)}`);
  }
  t.regex(objects.find((o) => o.dump === completed)!.crash_info!.type!, /^SIGSEGV/);
  t.regex(objects.find((o) => o.dump === pending)!.crash_info!.type!, /^SIGABRT/);
});
