/**
 * The stack parser of main: Node's stack lines, each frame's `module` named from its file — the package path after
 * the last `node_modules`, or the path inside the app — so that grouping does not depend on where the app is
 * installed. (@sentry/electron 7's `defaultStackParser`; its module naming is @sentry/node's, ours has no
 * dependency on @sentry/node's start-up.)
 */
import * as path from 'node:path';
import { createStackParser, type StackParser } from '@sentry/core';
import { nodeStackLineParser } from '@sentry/core/server';
import { electron } from './electron';
import { safe } from './integrations/shared';

/** `a/b/c.js` → `a.b:c`: directories joined with dots, then the file without its extension. */
function moduleName(dir: string, file: string): string {
  const dotted = dir.split('/').filter(Boolean).join('.');
  return dotted ? `${dotted}:${file}` : file;
}

/** The module of a frame's file: relative to `base` (the app's folder), or the package path inside node_modules. */
export function moduleFromFilename(base: string | undefined, filename: string | undefined): string | undefined {
  if (!filename) return undefined;
  const normalized = filename.replace(/^file:\/\//, '').replace(/\\/g, '/');
  const file = path.posix.basename(normalized, path.posix.extname(normalized));
  const dir = path.posix.dirname(normalized);
  const inModules = dir.lastIndexOf('/node_modules');
  if (inModules >= 0) return moduleName(dir.slice(inModules + '/node_modules'.length), file);
  const root = base?.replace(/\\/g, '/').replace(/\/$/, '');
  if (root && (dir === root || dir.startsWith(`${root}/`))) return moduleName(dir.slice(root.length), file);
  return file;
}

let appPath: string | null | undefined;

/**
 * The app's folder, asked of Electron at the first frame (not at require: this module loads without Electron).
 * Outside Electron there is none (and requiring the `electron` npm package there would start its binary download).
 */
const appFolder = (): string | undefined => {
  if (appPath === undefined) appPath = (process.versions.electron ? safe(() => electron().app.getAppPath()) : undefined) ?? null;
  return appPath ?? undefined;
};

export const defaultStackParser: StackParser = createStackParser(nodeStackLineParser((filename) => moduleFromFilename(appFolder(), filename)));
