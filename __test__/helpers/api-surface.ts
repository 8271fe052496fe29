/**
 * The public names of an entry point, read from its declaration files with TypeScript's compiler API (TypeScript 7
 * has none, so this uses TypeScript 5 under the `typescript5` alias; that package also links a `tsc` bin, which is
 * why package.json's scripts call TypeScript 7's compiler by its path). Used to hold our entry points to
 * @sentry/electron 7's: every value and type it exports from a subpath must be exported by ours of the same subpath.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript5';

/** The subpaths that @sentry/electron 7 publishes and that ours must match. */
export const DROP_IN_ENTRIES = ['main', 'renderer', 'utility', 'preload', 'native'] as const;
export type DropInEntry = (typeof DROP_IN_ENTRIES)[number];

const root = join(__dirname, '..', '..');

/** The CommonJS declaration file that a package's `exports` map names for a subpath, or undefined. */
export function declarationsOf(packageDir: string, subpath: DropInEntry): string | undefined {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> };
  let target = manifest.exports?.[`./${subpath}`];
  // Conditions nest: { require: { types } }, { types }, or a plain string for a file without conditions.
  for (const condition of ['require', 'types']) {
    if (target && typeof target === 'object' && condition in target) target = (target as Record<string, unknown>)[condition];
  }
  if (typeof target !== 'string' || !target.endsWith('.d.ts')) return undefined;
  const file = join(packageDir, target);
  return existsSync(file) ? file : undefined;
}

/** Every name (value or type) that a declaration file exports, re-exports included. */
export function exportedNames(dtsFile: string): Set<string> {
  const program = ts.createProgram([dtsFile], {
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(dtsFile);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${dtsFile} is not a module`);
  return new Set(checker.getExportsOfModule(moduleSymbol).map((s) => s.getName()));
}

export interface SurfaceDiff {
  theirs: string;
  ours: string | undefined;
  /** Names that @sentry/electron exports from the subpath and ours does not. */
  missing: string[];
}

/** Compares our built entry point (`npm run build` first) with @sentry/electron's of the same subpath. */
export function dropInDiff(subpath: DropInEntry): SurfaceDiff {
  const theirs = declarationsOf(join(root, 'node_modules', '@sentry', 'electron'), subpath);
  if (!theirs) throw new Error(`@sentry/electron declares no ./${subpath} (is the devDependency installed?)`);
  const ours = declarationsOf(root, subpath);
  const have = ours ? exportedNames(ours) : new Set<string>();
  const missing = [...exportedNames(theirs)].filter((name) => !have.has(name)).sort();
  return { theirs, ours, missing };
}

/** Where a built declaration file came from, for messages. */
export const relativeToRoot = (file: string): string => file.slice(dirname(root).length + 1);
