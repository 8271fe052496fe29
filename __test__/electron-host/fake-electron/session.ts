/**
 * `session`: one Session per partition (`''` is the default session, `persist:x` persistent, others in memory),
 * each with its own `protocol` and preload scripts. Sessions exist only once the app is ready: before, getting
 * one throws, as in Electron.
 *
 * Preloads follow the Electron version played: from 35, `registerPreloadScript` / `unregisterPreloadScript` /
 * `getPreloadScripts`, with `setPreloads` / `getPreloads` deprecated and built on them (so `setPreloads` replaces
 * every frame script, registered ones included, exactly as Electron's own implementation does); before 35 those
 * three methods do not exist and `setPreloads` keeps its own list. Session preloads run before a window's own.
 */
import type * as Electron from 'electron';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { isAbsolute, join } from 'node:path';
import { electronMajor } from '../host-env';
import { app } from './app';
import { deprecateOnce } from './event';
import { FakeProtocol } from './protocol';
import { assertReady } from './registry';

/** The Session of Electron before 35: no preload registration API. */
export class LegacySession extends EventEmitter {
  readonly protocol = new FakeProtocol();
  protected legacyPreloads: string[] = [];

  constructor(readonly partition: string) {
    super();
  }

  isPersistent(): boolean {
    return this.partition === '' || this.partition.startsWith('persist:');
  }

  getStoragePath(): string | null {
    if (!this.isPersistent()) return null;
    const base = app.getPath('sessionData');
    return this.partition === '' ? base : join(base, 'Partitions', encodeURIComponent(this.partition.slice('persist:'.length)));
  }

  setPreloads(preloads: string[]): void {
    this.legacyPreloads = [...preloads];
  }

  getPreloads(): string[] {
    return [...this.legacyPreloads];
  }

  /** The session's frame preloads for a document, in order (not an Electron API). */
  framePreloadsFor(_url: string): string[] {
    return this.getPreloads();
  }
}

/** The Session of Electron 35 and later. */
export class FakeSession extends LegacySession {
  private readonly scripts: Electron.PreloadScript[] = [];

  registerPreloadScript(script: Electron.PreloadScriptRegistration): string {
    const id = script.id ?? randomUUID();
    if (this.scripts.some((s) => s.id === id)) throw new Error(`Cannot register preload script with existing ID '${id}'`);
    if (!isAbsolute(script.filePath)) throw new Error(`Preload script must have absolute path: ${script.filePath}`);
    validateRegistration(script);
    this.scripts.push({ ...script, id });
    return id;
  }

  unregisterPreloadScript(id: string): void {
    const at = this.scripts.findIndex((s) => s.id === id);
    if (at < 0) throw new Error(`Cannot unregister preload script with non-existing ID '${id}'`);
    this.scripts.splice(at, 1);
  }

  getPreloadScripts(): Electron.PreloadScript[] {
    return this.scripts.map((s) => ({ ...s }));
  }

  override setPreloads(preloads: string[]): void {
    deprecateOnce('session.setPreloads', 'session.registerPreloadScript');
    for (const s of this.scripts.filter((x) => x.type === 'frame')) this.unregisterPreloadScript(s.id);
    // Electron logs (does not throw) for a relative path given through the deprecated API, and keeps it.
    for (const filePath of preloads) this.scripts.push({ type: 'frame', filePath, id: randomUUID() });
  }

  override getPreloads(): string[] {
    deprecateOnce('session.getPreloads', 'session.getPreloadScripts');
    return this.scripts.filter((s) => s.type === 'frame').map((s) => s.filePath);
  }

  override framePreloadsFor(url: string): string[] {
    return this.scripts.filter((s) => s.type === 'frame' && preloadApplies(s, url)).map((s) => s.filePath);
  }
}

const sessions = new Map<string, LegacySession>();

function sessionFor(partition: string): LegacySession {
  assertReady('Session');
  let s = sessions.get(partition);
  if (!s) {
    s = electronMajor() >= 35 ? new FakeSession(partition) : new LegacySession(partition);
    sessions.set(partition, s);
    app.emit('session-created', s);
  }
  return s;
}

/** The `session` module. The type says 35+; at runtime an older version's sessions lack the preload API. */
export const session = {
  get defaultSession(): FakeSession {
    return sessionFor('') as FakeSession;
  },
  fromPartition(partition: string, _options?: Electron.FromPartitionOptions): FakeSession {
    return sessionFor(partition) as FakeSession;
  },
};

/** Every session created so far (not an Electron API). */
export function allSessions(): LegacySession[] {
  return [...sessions.values()];
}

/**
 * Which registered preload scripts run for a document URL: `matches` / `excludeMatches` (Chrome match patterns:
 * `<all_urls>`, `scheme://host/path` with `*` wildcards) and `includeGlobs` / `excludeGlobs` (`*` any run, `?` zero or
 * one character, over the whole URL). Registration throws for an invalid pattern or an empty `matches` /
 * `includeGlobs`, as Electron documents.
 */
function validateRegistration(script: Electron.PreloadScriptRegistration): void {
  if (script.matches?.length === 0) throw new Error('matches must not be empty');
  if (script.includeGlobs?.length === 0) throw new Error('includeGlobs must not be empty');
  for (const p of [...(script.matches ?? []), ...(script.excludeMatches ?? [])]) matchPattern(p);
}

function preloadApplies(script: Electron.PreloadScript, url: string): boolean {
  if (script.matches && !script.matches.some((p) => matchPattern(p).test(url))) return false;
  if (script.excludeMatches?.some((p) => matchPattern(p).test(url))) return false;
  if (script.includeGlobs && !script.includeGlobs.some((g) => glob(g).test(url))) return false;
  if (script.excludeGlobs?.some((g) => glob(g).test(url))) return false;
  return true;
}

const escape = (s: string): string => s.replace(/[.+^${}()|[\]\\]/g, '\\$&');

function glob(pattern: string): RegExp {
  return new RegExp(`^${escape(pattern).replace(/\*/g, '.*').replace(/\?/g, '.?')}$`);
}

function matchPattern(pattern: string): RegExp {
  if (pattern === '<all_urls>') return /^/;
  const m = /^(\*|[a-z][a-z0-9+.-]*):\/\/(\*|\*\.[^/*]+|[^/*]*)(\/.*)$/.exec(pattern);
  if (!m) throw new Error(`Invalid URL pattern: ${pattern}`);
  const [, scheme, host, path] = m as unknown as [string, string, string, string];
  const schemeRe = scheme === '*' ? '(?:https?)' : escape(scheme);
  const hostRe = host === '*' ? '[^/]*' : host.startsWith('*.') ? `(?:[^/]*\\.)?${escape(host.slice(2))}` : escape(host);
  const pathRe = escape(path).replace(/\*/g, '.*');
  return new RegExp(`^${schemeRe}://${hostRe}(?::\\d+)?${pathRe}$`);
}
