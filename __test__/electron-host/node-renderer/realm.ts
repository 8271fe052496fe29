/**
 * JavaScript worlds of a Node-mode renderer and what crosses between them.
 *
 * The page's main world and the preloads' isolated world are separate `vm` contexts, each with its own built-ins
 * (`Object`, `Array`, `Promise`, `Uint8Array`, …), as in Chromium: a value made in one is not `instanceof` the other's
 * classes. `copyValue` moves a value from one realm into another the way Electron's contextBridge does:
 * primitives as they are; plain objects and arrays deep-copied (prototypes dropped, getters read); typed arrays,
 * ArrayBuffers, Dates, RegExps, Maps, Sets and Errors (message and name) copied into the target's classes; promises
 * and functions proxied (a function called from the target runs in its own realm, with its arguments copied back
 * and its result copied over); symbols dropped. The host realm (the renderer process's Node context, where IPC
 * messages arrive) is a realm too.
 */
import vm from 'node:vm';

const INTRINSICS = ['Object', 'Array', 'Promise', 'Error', 'TypeError', 'RangeError', 'Date', 'RegExp', 'Map', 'Set', 'ArrayBuffer', 'DataView'] as const;
const TYPED = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'] as const;

type Ctor = new (...args: any[]) => any;
type Impl = (thisArg: unknown, args: unknown[]) => unknown;

export interface Realm {
  readonly name: string;
  /** The realm's global object (the contextified sandbox for a vm context). */
  readonly global: Record<string, any>;
  readonly classes: Record<(typeof INTRINSICS)[number] | (typeof TYPED)[number], Ctor>;
  /** A function of this realm that calls `impl`. */
  makeFunction(impl: Impl, name: string): (...args: unknown[]) => unknown;
  /** Runs a script in this realm; `filename` is what stacks and errors name. */
  run(source: string, filename: string): unknown;
}

/** Makes a vm context from `globals` (copied onto its global object) and describes it as a realm. */
export function createRealm(name: string, globals: Record<string, unknown>): Realm {
  const context = vm.createContext({ ...globals }, { name });
  const run = (source: string, filename: string): unknown => new vm.Script(source, { filename }).runInContext(context);
  const classes = run(`({ ${[...INTRINSICS, ...TYPED].join(', ')} })`, 'realm:classes') as Realm['classes'];
  const factory = run(`(impl, name) => { const f = { [name](...args) { return impl(this, args); } }[name]; return f; }`, 'realm:function') as (impl: Impl, name: string) => (...a: unknown[]) => unknown;
  return { name, global: context as Record<string, any>, classes, makeFunction: factory, run };
}

/** The renderer process's own Node realm. */
export function hostRealm(): Realm {
  const g = globalThis as unknown as Record<string, Ctor>;
  const classes = Object.fromEntries([...INTRINSICS, ...TYPED].map((k) => [k, g[k]])) as Realm['classes'];
  return {
    name: 'host',
    global: globalThis as unknown as Record<string, any>,
    classes,
    makeFunction: (impl, name) => ({ [name]: function (this: unknown, ...args: unknown[]) { return impl(this, args); } })[name]!,
    run: (source, filename) => new vm.Script(source, { filename }).runInThisContext(),
  };
}

const tag = (v: object): string => Object.prototype.toString.call(v).slice(8, -1);

/** Copies `value` from realm `from` into realm `to` (contextBridge semantics; see above). */
export function copyValue(value: unknown, from: Realm, to: Realm, seen = new Map<object, unknown>()): unknown {
  if (typeof value === 'symbol') return undefined;
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  if (from === to) return value;
  const source = value as object;
  if (seen.has(source)) return seen.get(source);
  const remember = <T>(out: T): T => (seen.set(source, out), out);

  if (typeof value === 'function') {
    const fn = value as (...a: unknown[]) => unknown;
    return remember(
      to.makeFunction((_this, args) => {
        let result: unknown;
        try {
          result = fn(...args.map((a) => copyValue(a, to, from)));
        } catch (error) {
          throw copyValue(error, from, to);
        }
        return copyValue(result, from, to);
      }, fn.name || 'anonymous'),
    );
  }
  const kind = tag(source);
  if (kind === 'Promise') {
    return remember(
      new to.classes.Promise((ok: (v: unknown) => void, fail: (e: unknown) => void) =>
        (source as Promise<unknown>).then((v) => ok(copyValue(v, from, to)), (e) => fail(copyValue(e, from, to))),
      ),
    );
  }
  if (ArrayBuffer.isView(source)) {
    const bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    const buffer = new to.classes.ArrayBuffer(bytes.byteLength);
    new Uint8Array(buffer).set(bytes);
    const ctor = kind === 'DataView' ? to.classes.DataView : to.classes[kind as (typeof TYPED)[number]] ?? to.classes.Uint8Array;
    return remember(new ctor(buffer));
  }
  if (kind === 'ArrayBuffer') {
    const buffer = new to.classes.ArrayBuffer((source as ArrayBuffer).byteLength);
    new Uint8Array(buffer).set(new Uint8Array(source as ArrayBuffer));
    return remember(buffer);
  }
  if (kind === 'Error') {
    const e = source as Error;
    const Ctor = e.name === 'TypeError' ? to.classes.TypeError : e.name === 'RangeError' ? to.classes.RangeError : to.classes.Error;
    return remember(new Ctor(e.message));
  }
  if (kind === 'Date') return remember(new to.classes.Date((source as Date).getTime()));
  if (kind === 'RegExp') return remember(new to.classes.RegExp((source as RegExp).source, (source as RegExp).flags));
  if (kind === 'Map') {
    const out = remember(new to.classes.Map());
    for (const [k, v] of source as Map<unknown, unknown>) out.set(copyValue(k, from, to, seen), copyValue(v, from, to, seen));
    return out;
  }
  if (kind === 'Set') {
    const out = remember(new to.classes.Set());
    for (const v of source as Set<unknown>) out.add(copyValue(v, from, to, seen));
    return out;
  }
  if (Array.isArray(source)) {
    const out = remember(new to.classes.Array());
    for (const v of source) out.push(copyValue(v, from, to, seen));
    return out;
  }
  const out = remember(new to.classes.Object());
  for (const key of Object.keys(source)) out[key] = copyValue((source as Record<string, unknown>)[key], from, to, seen);
  return out;
}

/** Freezes an object and everything reachable from it (contextBridge freezes what it exposes). */
export function deepFreeze(value: unknown, seen = new Set<object>()): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value) || ArrayBuffer.isView(value)) return;
  seen.add(value);
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key], seen);
}
