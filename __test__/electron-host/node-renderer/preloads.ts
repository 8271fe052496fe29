/**
 * Runs a renderer's preload scripts, in order, in the preloads' world (the isolated world, or the page's own when
 * contextIsolation is off), the way Electron wraps them.
 *
 * Sandboxed (the default): `(function (require, process, Buffer, global, setImmediate, clearImmediate, exports,
 * module) { … })`, where `require` gives only `electron` (the fake renderer module), `events`, `timers` and `url`
 * (anything else: `module not found: <name>`) and `process` is Electron's sandboxed subset (crash, hang, pid,
 * platform, arch, versions, env, type, sandboxed, contextIsolated, argv, execPath, and its events).
 * Not sandboxed: a CommonJS wrapper with Node's full `require` (whose `electron` is the fake, through the hook) and
 * the real `process`.
 * A preload that throws is reported (`preload-error`, and an error on the console) and the next one still runs.
 * After the last one, `process` emits `loaded`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { EventEmitter } from 'node:events';
import * as electron from '../fake-electron/renderer';
import { crashThisProcess } from '../fake-electron/native-crash';
import type { World } from './page-globals';

const SANDBOX_MODULES: Record<string, unknown> = {
  electron,
  'electron/renderer': electron,
  'electron/common': electron,
  events: require('node:events'),
  timers: require('node:timers'),
  url: require('node:url'),
};

function sandboxedRequire(name: string): unknown {
  const found = SANDBOX_MODULES[name.replace(/^node:/, '')];
  if (found === undefined) throw new Error(`module not found: ${name}`);
  return found;
}

/** Electron's `process` in a sandboxed preload. */
export function sandboxedProcess(contextIsolated: boolean): EventEmitter {
  return Object.assign(new EventEmitter(), {
    type: 'renderer',
    sandboxed: true,
    contextIsolated,
    pid: process.pid,
    platform: process.platform,
    arch: process.arch,
    version: process.version,
    versions: { ...process.versions },
    env: {},
    argv: [process.execPath],
    execPath: process.execPath,
    crash: (): void => crashThisProcess(),
    hang: (): void => {
      for (;;);
    },
    getCreationTime: (): number => Math.round(performance.timeOrigin),
    getSystemVersion: (): string => '',
  });
}

export interface PreloadOptions {
  world: World;
  sandbox: boolean;
  sandboxProcess: EventEmitter;
  onError(path: string, error: Error): void;
}

export function runPreloads(paths: string[], o: PreloadOptions): void {
  for (const path of paths) {
    try {
      const source = readFileSync(path, 'utf8');
      const module = { exports: {} };
      if (o.sandbox) {
        const wrapped = o.world.realm.run(`(function (require, process, Buffer, global, setImmediate, clearImmediate, exports, module) {${source}\n})`, path) as (...a: unknown[]) => void;
        wrapped(sandboxedRequire, o.sandboxProcess, Buffer, o.world.window, setImmediate, clearImmediate, module.exports, module);
      } else {
        const wrapped = o.world.realm.run(`(function (exports, require, module, __filename, __dirname, process, Buffer, global, setImmediate, clearImmediate) {${source}\n})`, path) as (...a: unknown[]) => void;
        wrapped(module.exports, createRequire(path), module, path, dirname(path), process, Buffer, o.world.window, setImmediate, clearImmediate);
      }
    } catch (error) {
      const e = hostError(error);
      o.world.consoleError(`Unable to load preload script: ${path}\n${e.stack ?? e.message}`, { sourceId: path, lineNumber: 0 });
      o.onError(path, e);
    }
  }
  (o.sandbox ? o.sandboxProcess : (process as EventEmitter)).emit('loaded');
}

/** An error of any realm as a host Error (one made in the preload's realm is not `instanceof Error` here). */
export function hostError(error: unknown): Error {
  if (error instanceof Error) return error;
  const e = error as { name?: unknown; message?: unknown; stack?: unknown } | null;
  const out = new Error(typeof e?.message === 'string' ? e.message : String(error));
  if (typeof e?.name === 'string') out.name = e.name;
  if (typeof e?.stack === 'string') out.stack = e.stack;
  return out;
}
