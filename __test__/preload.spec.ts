/**
 * The shipped preload files, loaded the way a sandboxed Electron preload is: in a fresh V8 context, with a
 * `require` that knows `electron` and nothing else, and a fake `electron` that records what the bridge does.
 * These run without Chromium (the Chromium specs load the same files in a real page).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { DEFAULT_NAMESPACE, LIMITS, bridgeKey, channelName } from '../ts/common/ipc';

const PRELOAD = require.resolve('@acme/sentry-electron-native/preload');
const NAMESPACED = require.resolve('@acme/sentry-electron-native/preload-namespaced');

interface Sandbox {
  /** The preload world's global object (the window, with contextIsolation off). */
  global: Record<string, unknown>;
  /** What went through `contextBridge.exposeInMainWorld`. */
  exposed: Map<string, Record<string, (...args: unknown[]) => unknown>>;
  /** `ipcRenderer.send` calls, in order. */
  sent: Array<[string, unknown[]]>;
  /** Modules the preload asked for. */
  required: string[];
  /** Runs a preload file in this world; returns its `module.exports`. */
  load(file: string): Record<string, unknown>;
}

function sandbox(contextIsolation: boolean): Sandbox {
  const exposed = new Map<string, Record<string, (...args: unknown[]) => unknown>>();
  const sent: Array<[string, unknown[]]> = [];
  const required: string[] = [];
  const electron = {
    ipcRenderer: { send: (channel: string, ...args: unknown[]) => void sent.push([channel, args]) },
    contextBridge: {
      exposeInMainWorld(key: string, api: Record<string, (...args: unknown[]) => unknown>) {
        if (!contextIsolation) throw new Error('contextBridge API can only be used when contextIsolation is enabled');
        if (exposed.has(key)) throw new Error('Cannot bind an API on top of an existing property on the window object');
        exposed.set(key, api);
      },
    },
  };
  // A context of its own: the preload sees no Node globals (no Buffer, no process.env), as in a sandbox.
  const global = runInNewContext('globalThis') as Record<string, unknown>;
  const process = { contextIsolated: contextIsolation, sandboxed: true, type: 'renderer' };
  const require = (name: string): unknown => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`Cannot find module '${name}' (a sandboxed preload can require only electron here)`);
  };
  return {
    global,
    exposed,
    sent,
    required,
    load(file) {
      const module = { exports: {} as Record<string, unknown> };
      const wrapper = runInNewContext(`(function (require, process, module, exports) {${readFileSync(file, 'utf8')}\n})`, global, { filename: file }) as (
        ...a: unknown[]
      ) => void;
      wrapper(require, process, module, module.exports);
      return module.exports;
    },
  };
}

test('each preload is one file that requires nothing but electron', (t) => {
  for (const file of [PRELOAD, NAMESPACED]) {
    const source = readFileSync(file, 'utf8');
    const requires = [...source.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    t.deepEqual([...new Set(requires)], ['electron'], file);
    const world = sandbox(true);
    t.notThrows(() => world.load(file), file);
    t.deepEqual([...new Set(world.required)], ['electron'], file);
  }
});

test('the default preload exposes the bridge under the default key and forwards strings and bytes', (t) => {
  const world = sandbox(true);
  world.load(PRELOAD);
  t.deepEqual([...world.exposed.keys()], [bridgeKey(DEFAULT_NAMESPACE)]);
  const bridge = world.exposed.get(bridgeKey(DEFAULT_NAMESPACE))!;
  t.deepEqual(Object.keys(bridge).sort(), ['sendEnvelope', 'sendScope', 'sendStatus']);

  bridge.sendEnvelope('{"event_id":"x"}\n');
  // Bytes of the preload's own realm, as contextBridge copies them into the isolated world.
  bridge.sendEnvelope(runInNewContext('new Uint8Array([1, 2, 3])', world.global));
  bridge.sendScope('{"v":1}');
  bridge.sendStatus('{"v":1,"status":"alive"}');
  t.is(world.sent.length, 4);
  t.deepEqual(world.sent[0], [channelName(DEFAULT_NAMESPACE, 'envelope'), ['{"event_id":"x"}\n']]);
  t.is(world.sent[1]![0], channelName(DEFAULT_NAMESPACE, 'envelope'));
  t.deepEqual([...(world.sent[1]![1][0] as Uint8Array)], [1, 2, 3]);
  t.deepEqual(world.sent[2], [channelName(DEFAULT_NAMESPACE, 'scope'), ['{"v":1}']]);
  t.deepEqual(world.sent[3], [channelName(DEFAULT_NAMESPACE, 'status'), ['{"v":1,"status":"alive"}']]);
});

test('the bridge forwards nothing structured and nothing over the caps', (t) => {
  const world = sandbox(true);
  world.load(PRELOAD);
  const bridge = world.exposed.get(bridgeKey(DEFAULT_NAMESPACE))!;
  bridge.sendEnvelope({ event_id: 'x' });
  bridge.sendEnvelope(['a']);
  bridge.sendEnvelope(null);
  bridge.sendEnvelope('x'.repeat(LIMITS.envelopeBytes + 1));
  bridge.sendEnvelope(runInNewContext(`new Uint8Array(${LIMITS.envelopeBytes + 1})`, world.global));
  bridge.sendScope({ v: 1 });
  bridge.sendScope(runInNewContext('new Uint8Array([123, 125])', world.global));
  bridge.sendScope(JSON.stringify({ v: 1, extra: { big: 'x'.repeat(LIMITS.scopeBytes) } }));
  bridge.sendStatus({ v: 1, status: 'alive' });
  bridge.sendStatus('x'.repeat(LIMITS.statusBytes + 1));
  t.deepEqual(world.sent, []);
});

test('with contextIsolation off the bridge is put on the window itself, where a page cannot overwrite it', (t) => {
  const world = sandbox(false);
  world.load(PRELOAD);
  t.is(world.exposed.size, 0);
  const bridge = world.global[bridgeKey(DEFAULT_NAMESPACE)] as Record<string, (p: unknown) => void>;
  t.is(typeof bridge.sendEnvelope, 'function');
  bridge.sendScope('{"v":1}');
  t.deepEqual(world.sent, [[channelName(DEFAULT_NAMESPACE, 'scope'), ['{"v":1}']]]);
  t.throws(() => runInNewContext(`'use strict'; globalThis[${JSON.stringify(bridgeKey(DEFAULT_NAMESPACE))}] = 1`, world.global));
  t.is(world.global[bridgeKey(DEFAULT_NAMESPACE)], bridge);
});

test('hooking up the same namespace twice is harmless, across both preload files', (t) => {
  for (const isolated of [true, false]) {
    const world = sandbox(isolated);
    world.load(PRELOAD);
    world.load(PRELOAD);
    const { hookupIpc } = world.load(NAMESPACED) as { hookupIpc: (ns?: string) => void };
    t.notThrows(() => hookupIpc());
    t.notThrows(() => hookupIpc(DEFAULT_NAMESPACE));
    const bridge = isolated ? world.exposed.get(bridgeKey(DEFAULT_NAMESPACE))! : (world.global[bridgeKey(DEFAULT_NAMESPACE)] as Record<string, (p: unknown) => void>);
    t.is(world.exposed.size, isolated ? 1 : 0);
    bridge.sendEnvelope('e');
    t.is(world.sent.length, 1, 'one bridge, one message');
  }
});

test('hookupIpc with a custom namespace uses that namespace’s channels and bridge key', (t) => {
  const world = sandbox(true);
  const { hookupIpc } = world.load(NAMESPACED) as { hookupIpc: (ns?: string) => void };
  t.is(world.exposed.size, 0, 'the namespaced file hooks up nothing by itself');
  hookupIpc('my-app');
  hookupIpc('other.app');
  t.deepEqual([...world.exposed.keys()].sort(), [bridgeKey('my-app'), bridgeKey('other.app')].sort());
  t.not(bridgeKey('my-app'), bridgeKey(DEFAULT_NAMESPACE));
  world.exposed.get(bridgeKey('my-app'))!.sendEnvelope('e');
  world.exposed.get(bridgeKey('my-app'))!.sendScope('{"v":1}');
  world.exposed.get(bridgeKey('other.app'))!.sendScope('{"v":1}');
  t.deepEqual(
    world.sent.map(([channel]) => channel),
    [channelName('my-app', 'envelope'), channelName('my-app', 'scope'), channelName('other.app', 'scope')],
  );
});

test('hookupIpc refuses a namespace that cannot be a channel prefix and a URL scheme', (t) => {
  const world = sandbox(true);
  const { hookupIpc } = world.load(NAMESPACED) as { hookupIpc: (ns?: string) => void };
  for (const bad of ['', 'My-App', '1app', 'a b', 'a/b']) {
    t.throws(() => hookupIpc(bad), { message: /not a valid IPC namespace/ }, bad);
  }
  t.is(world.exposed.size, 0);
});
