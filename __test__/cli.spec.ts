import test from 'ava';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fixtureDump, fixtureManifest, FIXTURE_SYMBOLS } from './helpers/fixtures';

const CLI = join(__dirname, '..', 'build', 'cli', 'main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
const nullWrite = fixtureDump(fixtureManifest().kinds.null_write!);

test('stackwalk prints a readable, symbolicated report', (t) => {
  const r = run('stackwalk', nullWrite, '--symbols', FIXTURE_SYMBOLS);
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /Crash reason: +SIGSEGV \/ SEGV_MAPERR/);
  t.regex(r.stdout, / 0 {2}crash-fixture!crash_null_write \[.*crashers\.c : 16/);
  t.regex(r.stdout, /Found by: call frame info/);
});

test('flags may come before the path', (t) => {
  const after = run('stackwalk', nullWrite, '--symbols', FIXTURE_SYMBOLS, '--all-threads');
  const before = run('stackwalk', '--all-threads', `--symbols=${FIXTURE_SYMBOLS}`, nullWrite);
  t.is(before.status, 0, before.stderr);
  t.is(before.stdout, after.stdout);
});

test('--json follows minidump-stackwalk --json, plus a crashpad object', (t) => {
  const r = run('stackwalk', '--json', nullWrite, '--symbols', FIXTURE_SYMBOLS);
  t.is(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  for (const key of ['crash_info', 'system_info', 'crashing_thread', 'threads', 'modules', 'unloaded_modules', 'status']) {
    t.true(key in json, key);
  }
  t.is(json.crash_info.type, 'SIGSEGV / SEGV_MAPERR');
  t.is(json.crashing_thread.frames[0].function, 'crash_null_write');
  t.true('crashpad' in json);
});

test('bad input exits 1 with the error code; bad usage exits 2', (t) => {
  const missing = run('stackwalk', '/no/such/file.dmp');
  t.is(missing.status, 1);
  t.regex(missing.stderr, /ERR_IO/);
  const notDump = run('stackwalk', CLI);
  t.is(notDump.status, 1);
  t.regex(notDump.stderr, /ERR_NOT_A_MINIDUMP/);
  t.is(run('stackwalk').status, 2);
  t.is(run('stackwalk', '--bogus', nullWrite).status, 2);
  t.is(run('frobnicate').status, 2);
  t.is(run('--help').status, 0);
});
