/**
 * rust-minidump's own `minidump-stackwalk` (the version of minidump-processor we build on), the reference for
 * the differential tests: found on PATH or in ~/.cargo/bin, run with a time limit, its JSON parsed.
 */
import { execFile, spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dump, SYMBOLS } from './corpus';
import type { StackwalkJson } from './stackwalk-json';

const run = promisify(execFile);
export const REQUIRED_VERSION = '0.27.0';
/** Per process; a corpus dump takes well under a second. */
const SPAWN_TIMEOUT_MS = 30_000;

/** minidump-stackwalk on PATH, else in ~/.cargo/bin, at the version we build on; or why there is none. */
export function findStackwalk(): { bin: string | null; reason: string } {
  const candidates = ['minidump-stackwalk', join(homedir(), '.cargo', 'bin', 'minidump-stackwalk')];
  for (const bin of candidates) {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    if (r.error || r.status !== 0) continue;
    const version = r.stdout.trim();
    if (version.split(/\s+/).includes(REQUIRED_VERSION)) return { bin, reason: '' };
    return { bin: null, reason: `${bin} --version says "${version}"; the differential test needs ${REQUIRED_VERSION}` };
  }
  return {
    bin: null,
    reason: `minidump-stackwalk not found on PATH nor in ~/.cargo/bin (cargo install --locked minidump-stackwalk --version ${REQUIRED_VERSION})`,
  };
}

/** Runs `file args` and parses its stdout as minidump-stackwalk JSON. */
export async function jsonOf(file: string, args: string[]): Promise<StackwalkJson> {
  const { stdout } = await run(file, args, { maxBuffer: 256 * 1024 * 1024, timeout: SPAWN_TIMEOUT_MS, encoding: 'utf8' });
  return JSON.parse(stdout) as StackwalkJson;
}

/**
 * `minidump-stackwalk --json --symbols-path <corpus symbols>` for a corpus dump (`<source>/<name>.dmp`), run
 * once per dump however many tests ask.
 */
export function corpusReference(bin: string): (rel: string) => Promise<StackwalkJson> {
  const refs = new Map<string, Promise<StackwalkJson>>();
  return (rel) => {
    let p = refs.get(rel);
    if (!p) refs.set(rel, (p = jsonOf(bin, ['--json', '--symbols-path', SYMBOLS, dump(rel)])));
    return p;
  };
}
