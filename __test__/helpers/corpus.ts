import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The shared corpus of real minidumps lives beside the repository, never inside it. */
export const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpus');
export const HAS_CORPUS = existsSync(join(CORPUS, 'MANIFEST.md'));
export const SKIP_REASON = `../shared/corpus not found at ${CORPUS}: corpus tests skipped`;

export const dump = (name: string): string => join(CORPUS, 'dumps', name);
export const SYMBOLS = join(CORPUS, 'symbols');

/** The corpus dumps that are not malformed on purpose, as `<source>/<name>.dmp`, sorted. */
export function validCorpusDumps(): string[] {
  const invalid = new Set(['rust-minidump/invalid-range.dmp', 'rust-minidump/invalid-record-count.dmp']);
  return readdirSync(join(CORPUS, 'dumps'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(CORPUS, 'dumps', d.name)).filter((f) => f.endsWith('.dmp')).map((f) => `${d.name}/${f}`))
    .filter((rel) => !invalid.has(rel))
    .sort();
}

if (!HAS_CORPUS) console.warn(SKIP_REASON);
