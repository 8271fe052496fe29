// Runs in a child process of __test__/mutation-sweep.spec.ts, so that an abort in native code fails that
// spec rather than killing ava. Prints one JSON line (`SweepResult`) last, and exits 0 when every input gave a
// report or a typed error in time.
//
//   node --import tsx mutation-sweep-child.ts sweep  <dump>...   truncations and seeded bit flips of each dump
//   node --import tsx mutation-sweep-child.ts absurd <dump>...   dumps patched to claim absurd counts and sizes
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { checkMinidump, MinidumpError, parseMinidump } from '@acme/sentry-electron-native';

/** Codes a damaged input may reject with. `ERR_INTERNAL` is documented too, but it means a caught panic: a bug. */
export const INPUT_ERROR_CODES = ['ERR_NOT_A_MINIDUMP', 'ERR_INVALID_MINIDUMP'] as const;

export interface SweepResult {
  mode: string;
  inputs: number;
  reports: number;
  errors: Record<string, number>;
  /** At most 20: what went wrong, with the input's name. */
  failures: string[];
  /** Growth of the process's peak RSS over the run, beyond a warm-up parse of every dump as it is. */
  peakRssGrowthMiB: number;
  slowestMs: number;
}

const BUDGET_MS = Number(process.env.SWEEP_BUDGET_MS ?? 10_000);
const TRUNCATIONS = Number(process.env.SWEEP_TRUNCATIONS ?? 48);
const FLIPS = Number(process.env.SWEEP_FLIPS ?? 64);

/** xorshift64*: a failure names a seed that reproduces it. */
function rng(seed: bigint): (n: number) => number {
  let s = seed || 1n;
  const mask = (1n << 64n) - 1n;
  return (n) => {
    s ^= s >> 12n;
    s = (s ^ (s << 25n)) & mask;
    s ^= s >> 27n;
    return Number(((s * 0x2545f4914f6cdd1dn) & mask) % BigInt(n));
  };
}

/** Where each directory entry and each stream lies: `[entry offset, type, size, rva]`. */
function directory(dump: Buffer): Array<{ entry: number; type: number; size: number; rva: number }> {
  const [count, dir] = [dump.readUInt32LE(8), dump.readUInt32LE(12)];
  const out = [];
  for (let i = 0; i < count && dir + 12 * i + 12 <= dump.length; i++) {
    const entry = dir + 12 * i;
    out.push({ entry, type: dump.readUInt32LE(entry), size: dump.readUInt32LE(entry + 4), rva: dump.readUInt32LE(entry + 8) });
  }
  return out;
}

function* truncations(name: string, dump: Buffer): Generator<[string, Buffer]> {
  const cuts = new Set([0, 1, 4, 31, 32, 33, dump.length - 1]);
  for (let i = 1; i <= TRUNCATIONS; i++) cuts.add(Math.floor((dump.length * i) / (TRUNCATIONS + 1)));
  for (const cut of [...cuts].sort((a, b) => a - b)) yield [`${name} cut at ${cut}`, dump.subarray(0, cut)];
}

function* bitFlips(name: string, dump: Buffer): Generator<[string, Buffer]> {
  for (let seed = 1; seed <= FLIPS; seed++) {
    const below = rng(BigInt(seed) * 0x9e3779b97f4a7c15n ^ BigInt(dump.length));
    const bytes = Buffer.from(dump);
    // Past the signature, so the damage reaches the directory and the streams; one in four writes 0xff.
    for (let n = 1 + below(16); n > 0; n--) {
      const at = 4 + below(bytes.length - 4);
      bytes[at] = below(4) === 0 ? 0xff : bytes[at]! ^ (1 << below(8));
    }
    yield [`${name} flips seed ${seed}`, bytes];
  }
}

const THREAD_LIST = 3;
const MODULE_LIST = 4;
const MEMORY_LIST = 5;
const EXCEPTION = 6;
const MEMORY64_LIST = 9;
const THREAD_NAMES = 24;
const CRASHPAD_INFO = 0x43500001;

/** `dump` with `edit` applied to a copy, when the edit applies (it returns false when the dump lacks what it needs). */
function patched(dump: Buffer, edit: (b: Buffer) => boolean): Buffer | null {
  const b = Buffer.from(dump);
  return edit(b) ? b : null;
}

/** Offset of the first entry of a list stream (count, optional padding, entries of `size` bytes). */
function firstEntry(b: Buffer, s: { size: number; rva: number }, size: number): number {
  const count = b.readUInt32LE(s.rva);
  return s.size === 8 + count * size ? s.rva + 8 : s.rva + 4;
}

/**
 * Variants of `dump` that claim absurd amounts: counts of 2^32 - 1 (or 2^62 for the 64-bit memory list) and
 * sizes of 4 GiB - 1, in the directory and in the lists it points at. Honouring any one claim would take
 * gigabytes; a reader must check each claim against the bytes actually there.
 */
function* absurd(name: string, dump: Buffer): Generator<[string, Buffer]> {
  const HUGE = 0xffff_ffff;
  const streams = directory(dump);
  const of = (type: number) => streams.filter((s) => s.type === type);
  const variants: Array<[string, Buffer | null]> = [
    ['directory count', patched(dump, (b) => (b.writeUInt32LE(HUGE, 8), true))],
    ...streams.map((s): [string, Buffer | null] => [
      `stream ${s.type.toString(16)} size`,
      patched(dump, (b) => (b.writeUInt32LE(HUGE, s.entry + 4), true)),
    ]),
  ];
  for (const type of [THREAD_LIST, MODULE_LIST, MEMORY_LIST, THREAD_NAMES]) {
    for (const s of of(type)) {
      variants.push([`list ${type} count`, patched(dump, (b) => (b.writeUInt32LE(HUGE, s.rva), true))]);
      // The count and the stream size agreeing: a list that claims to be 4 GiB.
      variants.push([
        `list ${type} count and size`,
        patched(dump, (b) => (b.writeUInt32LE(0x0fff_ffff, s.rva), b.writeUInt32LE(HUGE, s.entry + 4), true)),
      ]);
    }
  }
  for (const s of of(THREAD_LIST)) {
    const [count, first] = [dump.readUInt32LE(s.rva), firstEntry(dump, s, 48)];
    const each = (field: number) => (b: Buffer) => {
      for (let i = 0; i < count; i++) b.writeUInt32LE(HUGE, first + 48 * i + field);
      return count > 0;
    };
    variants.push(['every thread stack size', patched(dump, each(32))]);
    variants.push(['every thread context size', patched(dump, each(40))]);
    variants.push([
      'every thread stack at the top of memory',
      patched(dump, (b) => {
        for (let i = 0; i < count; i++) b.writeBigUInt64LE(0xffff_ffff_ffff_f000n, first + 48 * i + 24);
        return count > 0;
      }),
    ]);
  }
  for (const s of of(MODULE_LIST)) {
    const [count, first] = [dump.readUInt32LE(s.rva), firstEntry(dump, s, 108)];
    const each = (write: (b: Buffer, at: number) => void) => (b: Buffer) => {
      for (let i = 0; i < count; i++) write(b, first + 108 * i);
      return count > 0;
    };
    variants.push(['every module image size', patched(dump, each((b, at) => b.writeUInt32LE(HUGE, at + 8)))]);
    variants.push(['every module CodeView size', patched(dump, each((b, at) => b.writeUInt32LE(HUGE, at + 76)))]);
    variants.push([
      'every module name length',
      patched(dump, each((b, at) => {
        const name = b.readUInt32LE(at + 20);
        if (name + 4 <= b.length) b.writeUInt32LE(0xffff_fffe, name);
      })),
    ]);
  }
  for (const s of of(MEMORY_LIST)) {
    const [count, first] = [dump.readUInt32LE(s.rva), firstEntry(dump, s, 16)];
    variants.push([
      'every memory region size',
      patched(dump, (b) => {
        for (let i = 0; i < count; i++) b.writeUInt32LE(HUGE, first + 16 * i + 8);
        return count > 0;
      }),
    ]);
  }
  for (const s of of(MEMORY64_LIST)) {
    variants.push(['memory64 count', patched(dump, (b) => (b.writeBigUInt64LE(1n << 62n, s.rva), true))]);
  }
  for (const s of of(EXCEPTION)) {
    variants.push(['exception context size', patched(dump, (b) => (b.writeUInt32LE(HUGE, s.rva + 160), true))]);
  }
  for (const s of of(CRASHPAD_INFO).filter((s) => s.size >= 52)) {
    const dictionary = dump.readUInt32LE(s.rva + 40);
    const modules = dump.readUInt32LE(s.rva + 48);
    for (const [what, at] of [['Crashpad annotations count', dictionary], ['Crashpad module count', modules]] as const) {
      variants.push([what, patched(dump, (b) => at > 0 && at + 4 <= b.length && (b.writeUInt32LE(HUGE, at), true))]);
    }
  }
  for (const [what, bytes] of variants) if (bytes) yield [`${name}: ${what}`, bytes];
}

async function main(): Promise<void> {
  const [mode, ...paths] = process.argv.slice(2);
  const make = mode === 'sweep' ? [truncations, bitFlips] : mode === 'absurd' ? [absurd] : null;
  if (!make) throw new Error(`unknown mode ${mode}`);
  const dumps = paths.map((p) => [basename(p), readFileSync(p)] as const);
  const result: SweepResult = { mode, inputs: 0, reports: 0, errors: {}, failures: [], peakRssGrowthMiB: 0, slowestMs: 0 };
  const fail = (msg: string) => {
    if (result.failures.length < 20) result.failures.push(msg);
  };
  // Warm-up: the addon loaded, the pool's threads started, and the peak that parsing the dumps as they are
  // reaches: what the run adds beyond it is what the damage costs.
  for (const [, dump] of dumps) {
    await parseMinidump(dump, { allThreads: true }).catch(() => {});
    await checkMinidump(dump).catch(() => {});
  }
  const rssBefore = process.resourceUsage().maxRSS;

  for (const [name, dump] of dumps) {
    for (const generate of make) {
      for (const [label, bytes] of generate(name, dump)) {
        result.inputs++;
        const started = performance.now();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), BUDGET_MS)));
        const allThreads = mode === 'absurd' || result.inputs % 2 === 0;
        const parse = parseMinidump(bytes, { allThreads }).then(
          (report) => ({ report }),
          (error: unknown) => ({ error }),
        );
        const outcome = await Promise.race([parse, timeout]);
        clearTimeout(timer);
        result.slowestMs = Math.max(result.slowestMs, performance.now() - started);
        if (outcome === 'timeout') {
          fail(`${label}: no answer within ${BUDGET_MS} ms`);
        } else if ('report' in outcome) {
          if (Array.isArray(outcome.report.modules) && Array.isArray(outcome.report.warnings)) result.reports++;
          else fail(`${label}: resolved to something that is not a report`);
        } else if (!(outcome.error instanceof MinidumpError)) {
          fail(`${label}: rejected with ${String(outcome.error)}, not a MinidumpError`);
        } else if (!(INPUT_ERROR_CODES as readonly string[]).includes(outcome.error.code)) {
          fail(`${label}: rejected with ${outcome.error.code}: ${outcome.error.message}`);
        } else {
          result.errors[outcome.error.code] = (result.errors[outcome.error.code] ?? 0) + 1;
        }
        if (mode === 'absurd') {
          // The completeness check must answer these too, without allocating for the claims.
          await checkMinidump(bytes).catch((e: unknown) => fail(`${label}: checkMinidump rejected: ${String(e)}`));
        }
      }
    }
  }
  result.peakRssGrowthMiB = Math.max(0, process.resourceUsage().maxRSS - rssBefore) / 1024;
  result.slowestMs = Math.round(result.slowestMs);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(result.failures.length === 0 ? 0 : 1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(2);
});
