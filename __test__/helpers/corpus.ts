import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The shared corpus of real minidumps lives beside the repository, never inside it. */
export const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpus');
export const HAS_CORPUS = existsSync(join(CORPUS, 'MANIFEST.md'));
export const SKIP_REASON = `../shared/corpus not found at ${CORPUS}: corpus tests skipped`;

export const dump = (name: string): string => join(CORPUS, 'dumps', name);
export const SYMBOLS = join(CORPUS, 'symbols');

if (!HAS_CORPUS) console.warn(SKIP_REASON);
