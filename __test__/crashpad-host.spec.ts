/**
 * The fake Electron host's Crashpad (./electron-host/crashpad.ts): real Node.js processes crash natively through
 * crash-addon.node, and crash-fixture's crashpad-handler writes their dumps into a database laid out as Crashpad's
 * (`new/` → `pending/` → `completed/`), with Crashpad's info stream. The package then reads them as it would
 * Electron's.
 */
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseMinidump } from '../ts/index';
import {
  crashpadFixtures,
  crashpadReports,
  startCrashpadHandler,
  waitForCompletedDump,
  type CrashKind,
  type CrashpadFixtures,
  type CrashpadHandler,
} from './electron-host/crashpad';

const found = crashpadFixtures();
const skipReason = typeof found === 'string' ? found : process.platform !== 'linux' ? 'the handler is Linux-only' : null;
const fixtures = skipReason ? null : (found as CrashpadFixtures);
const crashpadTest = skipReason ? test.skip : test.serial;
if (skipReason) test.skip(`fake Crashpad host: ${skipReason}`, () => {});

const CRASHPAD_TS = join(__dirname, 'electron-host', 'crashpad.ts');
// By URL: the clients run in the database folder, where the package name would not resolve.
const TSX = pathToFileURL(require.resolve('tsx')).href;
const WAIT_MS = 20_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const ANNOTATIONS = {
  ptype: 'renderer',
  prod: 'Electron',
  ver: '35.0.0',
  plat: 'Linux',
  _productName: 'Crashpad Host Test',
  _version: '1.2.3',
};

/**
 * A client process: Node.js with tsx, which reports whether Node itself catches SIGSEGV (its WebAssembly trap
 * handler), connects through crashpad.ts (once per annotation set: later sets replace earlier ones) and then
 * crashes (`CRASH_KIND`) or waits until its stdin closes and exits 0.
 */
const CLIENT = `
const { connectCrashHandler, crashNatively } = require(process.env.CRASHPAD_TS);
const caught = BigInt('0x' + /^SigCgt:\\s*([0-9a-f]+)$/m.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]);
for (const set of JSON.parse(process.env.CRASHPAD_ANNOTATIONS)) connectCrashHandler(process.env.CRASHPAD_SOCKET, set);
const hello = JSON.stringify({ pid: process.pid, nodeCatchesSegv: ((caught >> 10n) & 1n) === 1n }) + '\\n';
process.stdout.write(hello, () => {
  if (process.env.CRASH_KIND) crashNatively(process.env.CRASH_KIND);
  process.stdin.resume().on('end', () => process.exit(0));
});
`;

interface Client {
  pid: number;
  nodeCatchesSegv: boolean;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Lets a client that does not crash exit (0). */
  release(): void;
}

/** Starts a client connected to `handler` and resolves once it is connected (when it crashes: it may be gone). */
function startClient(
  t: ExecutionContext,
  handler: CrashpadHandler,
  annotations: Record<string, string> | Record<string, string>[],
  crash: CrashKind | null,
): Promise<Client> {
  const child = spawn(process.execPath, ['--import', TSX, '-e', CLIENT], {
    cwd: handler.database,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      CRASHPAD_TS,
      CRASHPAD_SOCKET: handler.socketName,
      CRASHPAD_ANNOTATIONS: JSON.stringify(Array.isArray(annotations) ? annotations : [annotations]),
      CRASH_KIND: crash ?? '',
    },
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`client did not connect within ${WAIT_MS} ms`)), WAIT_MS);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      const hello = JSON.parse(out.split('\n')[0]!) as { pid: number; nodeCatchesSegv: boolean };
      resolve({ ...hello, exit, release: () => child.stdin.end() });
    });
    void exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`client ended before connecting (code ${code}, signal ${signal})`));
    });
  });
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A fresh database folder and a handler on it, both gone after the test. */
async function handlerFor(t: ExecutionContext, idleExitSecs?: number, database?: string): Promise<CrashpadHandler> {
  const dir = database ?? mkdtempSync(join(tmpdir(), 'fake-crashpad-'));
  if (!database) t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const handler = await startCrashpadHandler(dir, idleExitSecs === undefined ? {} : { idleExitSecs });
  t.teardown(() => handler.stop());
  return handler;
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

/** Checks what Crashpad would leave once a report is done: only `completed/<uuid>.dmp` + `.meta`, no lock. */
function assertCompletedReport(t: ExecutionContext, database: string, dump: string): string {
  const uuid = basename(dump, '.dmp');
  t.regex(uuid, UUID);
  t.is(statSync(join(database, 'completed', `${uuid}.meta`)).size, 32, "Crashpad's ReportMetadata");
  t.deepEqual(readdirSync(join(database, 'new')), [], 'new/ is empty once the report is written');
  t.deepEqual(readdirSync(join(database, 'pending')), [], 'nothing left pending: uploads are disabled');
  t.false(readdirSync(join(database, 'completed')).some((name) => name.endsWith('.lock')));
  t.true(existsSync(join(database, 'attachments')));
  return uuid;
}

crashpadTest('a Node.js renderer crashes natively: the dump lands in completed/ and reads as Crashpad\'s', async (t) => {
  t.timeout(60_000);
  const handler = await handlerFor(t);
  const client = await startClient(t, handler, ANNOTATIONS, 'null_write');
  t.true(client.nodeCatchesSegv, 'Node had its own SIGSEGV handler before the addon installed one');
  t.deepEqual(await within(client.exit, WAIT_MS, 'client crash'), { code: null, signal: 'SIGSEGV' });

  const dump = await waitForCompletedDump(handler.database, WAIT_MS);
  const uuid = assertCompletedReport(t, handler.database, dump);
  t.deepEqual(crashpadReports(handler.database).completed, [dump]);

  const report = await parseMinidump(dump, { symbols: [fixtures!.symbols] });
  t.true(report.crash?.reason.startsWith('SIGSEGV'), report.crash?.reason);
  t.is(report.crash?.address, '0x0');
  t.is(report.processId, client.pid, "the dump's process id is the crashing process's pid");
  t.is(report.processType, 'renderer', 'from the ptype annotation');
  t.is(report.crashpad?.reportId.toLowerCase(), uuid, 'report id = the file name');
  t.is(report.crashpad?.clientId.toLowerCase(), settingsClientId(handler.database), "client id = settings.dat's");
  t.deepEqual(report.crashpad?.simpleAnnotations, ANNOTATIONS);
  t.deepEqual(report.crashpad?.modules, []);
  t.deepEqual(report.warnings, []);

  // Symbolicated with the addon's .sym: the crash is in the addon's C function, at its CRASH_LINE.
  const expected = fixtures!.kinds.null_write;
  const addonModule = report.modules.find((m) => m.debugFile?.split('/').pop() === fixtures!.addonModule.debugFile);
  t.is(addonModule?.debugId, fixtures!.addonModule.debugId);
  t.true(addonModule?.symbolsLoaded);
  const top = report.crashingThread!.frames[0]!;
  t.is(top.module, 'crash-addon.node');
  t.is(top.function, expected.crashingFunction);
  t.is(top.file?.split('/').pop(), expected.file);
  t.is(top.line, expected.line);
  t.true(handler.log().includes(`pid ${client.pid} (renderer) crashed`), handler.log());
});

crashpadTest('two clients, one aborts and one exits cleanly: one dump, its own annotations; then the handler exits by itself', async (t) => {
  t.timeout(60_000);
  const handler = await handlerFor(t, 1);
  const browser = await startClient(t, handler, { ptype: 'browser', prod: 'Electron' }, null);
  // Connecting again (an extra parameter added, one removed) replaces what the handler holds for this process.
  const gpuAnnotations: Record<string, string>[] = [
    { ptype: 'gpu-process', prod: 'Electron', stale: 'yes' },
    { ptype: 'gpu-process', prod: 'Electron', extra: 'added later' },
  ];
  const gpu = await startClient(t, handler, gpuAnnotations, 'abort');
  t.deepEqual(await within(gpu.exit, WAIT_MS, 'client abort'), { code: null, signal: 'SIGABRT' });
  const dump = await waitForCompletedDump(handler.database, WAIT_MS);

  browser.release();
  t.deepEqual(await within(browser.exit, WAIT_MS, 'clean client exit'), { code: 0, signal: null });
  assertCompletedReport(t, handler.database, dump);
  t.deepEqual(crashpadReports(handler.database).completed, [dump], 'exactly one dump: the clean exit writes none');

  const report = await parseMinidump(dump, { symbols: [fixtures!.symbols] });
  t.true(report.crash?.reason.startsWith('SIGABRT'), report.crash?.reason);
  t.is(report.processId, gpu.pid);
  t.is(report.processType, 'gpu-process');
  t.deepEqual(report.crashpad?.simpleAnnotations, gpuAnnotations[1]);
  const frames = report.crashingThread!.frames.map((f) => f.function);
  t.true(frames.includes(fixtures!.kinds.abort.crashingFunction), frames.join(', '));

  // No client left: after its idle second the handler ends on its own, successfully.
  t.deepEqual(await within(handler.exited, 15_000, 'handler idle exit'), { code: 0, signal: null });
  t.true(handler.log().includes('exiting'), handler.log());
});

crashpadTest('a later run: new clients of a running handler, and a new handler on the same database, keep the client id', async (t) => {
  t.timeout(90_000);
  const first = await handlerFor(t);
  const database = first.database;
  const crashOnce = async (handler: CrashpadHandler, seen: string[]): Promise<string> => {
    const client = await startClient(t, handler, ANNOTATIONS, 'null_write');
    t.is((await within(client.exit, WAIT_MS, 'client crash')).signal, 'SIGSEGV');
    const dump = await waitForCompletedDump(database, WAIT_MS, seen);
    const report = await parseMinidump(dump);
    t.is(report.processId, client.pid);
    t.is(report.crashpad?.reportId.toLowerCase(), basename(dump, '.dmp'));
    return report.crashpad!.clientId;
  };

  const seen: string[] = [];
  const ids = [await crashOnce(first, seen)];
  seen.push(...crashpadReports(database).completed);
  ids.push(await crashOnce(first, seen)); // the app ran again; its handler was still up
  await first.stop();
  seen.push(...crashpadReports(database).completed);

  const second = await handlerFor(t, undefined, database);
  ids.push(await crashOnce(second, seen));
  const completed = crashpadReports(database).completed;
  t.is(completed.length, 3);
  t.is(new Set(completed.map((p) => basename(p))).size, 3, 'a report id per crash');
  t.deepEqual(new Set(ids.map((id) => id.toLowerCase())), new Set([settingsClientId(database)]));
});
