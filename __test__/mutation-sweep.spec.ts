// Damaged dumps from JavaScript, through the package's public entry: every corpus dump and every generated
// fixture, truncated at many offsets and with seeded random bit flips, and patched to claim absurd counts
// and sizes. parseMinidump must resolve to a report or reject with a MinidumpError whose code is an input
// error (ERR_NOT_A_MINIDUMP, ERR_INVALID_MINIDUMP: never ERR_INTERNAL, which is a caught panic), within a
// per-input budget, without aborting the process (each sweep runs in a child) and within bounded memory.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { CORPUS, HAS_CORPUS, SKIP_REASON } from './helpers/corpus';
import { FIXTURES } from './helpers/fixtures';
import type { SweepResult } from './helpers/mutation-sweep-child';

const CHILD = join(__dirname, 'helpers', 'mutation-sweep-child.ts');

/**
 * Peak RSS growth allowed while parsing the absurd dumps. Each crafted input is a real dump of at most a few
 * hundred KiB with one claim made absurd: 2^32 - 1 entries (at least 48 GiB of threads, 4 GiB of directory),
 * a 4 GiB stream, stack, context or region, 2^62 memory64 regions. Honouring any one claim would take
 * gigabytes; checking it against the bytes there takes nothing. The child first parses every dump as it is,
 * so the growth measured is what the run adds beyond that: V8's heap and the allocator's churn over hundreds
 * of reports, 10 to 25 MiB here (the sweep of mildly damaged dumps shows the same). 64 MiB leaves room for
 * that and is still 64 times less than the smallest absurd claim.
 */
const MAX_RSS_GROWTH_MIB = 64;
/** Per child; each takes under 10 s on a loaded 2-core machine. */
const CHILD_TIMEOUT_MS = 100_000;

function dumpsUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.dmp'))
      .map((e) => join(e.parentPath, e.name))
      .sort();
  } catch {
    return [];
  }
}

const fixtureDumps = dumpsUnder(FIXTURES);
const corpusDumps = HAS_CORPUS ? dumpsUnder(join(CORPUS, 'dumps')) : [];
// Without the corpus the generated fixtures are still swept; the skipped test says what was left out.
if (!HAS_CORPUS) test.skip(`mutation sweep of the corpus dumps: ${SKIP_REASON}`, () => {});

/** Runs the child on `dumps`; resolves to its exit status and its last stdout line as a result. */
function sweep(mode: 'sweep' | 'absurd', dumps: string[]): Promise<{ code: number | null; signal: string | null; result?: SweepResult; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, ...dumps], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      const last = stdout.trim().split('\n').pop();
      let result: SweepResult | undefined;
      try {
        result = last ? (JSON.parse(last) as SweepResult) : undefined;
      } catch {
        result = undefined;
      }
      resolve({ code, signal, result, stderr });
    });
  });
}

test('truncated and bit-flipped dumps give a report or a typed error, in time, and never abort', async (t) => {
  t.timeout(CHILD_TIMEOUT_MS + 10_000);
  const dumps = [...corpusDumps, ...fixtureDumps];
  t.true(fixtureDumps.length > 0, `no generated fixtures in ${FIXTURES}: run \`npm run fixtures\``);
  const { code, signal, result, stderr } = await sweep('sweep', dumps);
  t.is(signal, null, `the sweep was killed by ${signal}: ${stderr}`);
  t.truthy(result, `no result from the sweep: ${stderr}`);
  t.deepEqual(result?.failures, []);
  t.is(code, 0, stderr);
  const errors = Object.values(result?.errors ?? {}).reduce((a, b) => a + b, 0);
  t.is((result?.reports ?? 0) + errors, result?.inputs ?? -1);
  // Per dump: the fixed cuts, 24 spread ones and 24 flipped copies.
  t.true((result?.inputs ?? 0) >= dumps.length * 48, `${result?.inputs} inputs`);
  t.log(`${dumps.length} dumps, ${result?.inputs} inputs: ${result?.reports} reports, errors ${JSON.stringify(result?.errors)}; peak RSS +${result?.peakRssGrowthMiB?.toFixed(1)} MiB; slowest ${result?.slowestMs} ms`);
});

test('dumps claiming absurd counts and sizes are answered within bounded memory', async (t) => {
  t.timeout(CHILD_TIMEOUT_MS + 10_000);
  const dumps = [...corpusDumps.filter((d) => !d.includes('invalid-')), ...fixtureDumps];
  const { code, signal, result, stderr } = await sweep('absurd', dumps);
  t.is(signal, null, `the sweep was killed by ${signal}: ${stderr}`);
  t.truthy(result, `no result from the sweep: ${stderr}`);
  t.deepEqual(result?.failures, []);
  t.is(code, 0, stderr);
  t.true((result?.inputs ?? 0) >= dumps.length * 10, `${result?.inputs} inputs`);
  t.true(
    (result?.peakRssGrowthMiB ?? Infinity) < MAX_RSS_GROWTH_MIB,
    `peak RSS grew by ${result?.peakRssGrowthMiB?.toFixed(1)} MiB (bound ${MAX_RSS_GROWTH_MIB} MiB)`,
  );
  t.log(`${result?.inputs} absurd inputs: ${result?.reports} reports, errors ${JSON.stringify(result?.errors)}; peak RSS +${result?.peakRssGrowthMiB?.toFixed(1)} MiB; slowest ${result?.slowestMs} ms`);
});
