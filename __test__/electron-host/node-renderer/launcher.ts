/**
 * The Node renderer mode, main's side: each renderer is a Node process (./process.ts) forked with the host's hook
 * in the renderer role and `serialization: 'advanced'`, so bytes cross as bytes. `launch` resolves once the
 * process has spawned; the page then loads (`loaded`). Messages that arrive before main registered a handler are
 * held for the first one; requests (invoke, protocol) wait for theirs. A renderer whose main went away exits
 * (IPC disconnect), so none outlives the app.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { childEnv, hostExecArgv } from '../host-env';
import type { ConsoleMessage, ProtocolHandler, RendererChannel, RendererLauncher, RendererSpec } from '../renderer-host';
import type { FromRenderer, ToRenderer } from './wire';

type Exit = { code: number | null; signal: string | null };
const CLOSE_GRACE_MS = 3000;

/** One kind of message from the renderer: held until its handler is set. */
class Inbox<T> {
  private handler: ((m: T) => void) | undefined;
  private readonly held: T[] = [];
  set(handler: (m: T) => void): void {
    this.handler = handler;
    for (const m of this.held.splice(0)) handler(m);
  }
  put(m: T): void {
    if (this.handler) this.handler(m);
    else this.held.push(m);
  }
}

class NodeRendererChannel implements RendererChannel {
  readonly pid: number;
  readonly loaded: Promise<{ title: string }>;
  private settleLoad!: { ok: (v: { title: string }) => void; fail: (e: Error) => void };
  private readonly ipc = new Inbox<{ channel: string; args: unknown[] }>();
  private readonly invokes = new Inbox<{ id: number; channel: string; args: unknown[] }>();
  private readonly protocol = new Inbox<{ id: number; request: Parameters<ProtocolHandler>[0] }>();
  private readonly console = new Inbox<ConsoleMessage>();
  private readonly preloadErrors = new Inbox<{ path: string; error: Error }>();
  private readonly exits = new Inbox<Exit>();
  private readonly execs = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  private nextExec = 1;
  private exited: Exit | undefined;

  constructor(private readonly child: ChildProcess) {
    this.pid = child.pid!;
    this.loaded = new Promise((ok, fail) => (this.settleLoad = { ok, fail }));
    this.loaded.catch(() => undefined); // main may never ask
    child.on('message', (m: FromRenderer) => this.receive(m));
    child.once('exit', (code, signal) => {
      this.exited = { code, signal };
      this.settleLoad.fail(Object.assign(new Error('ERR_ABORTED'), { errorCode: -3 }));
      for (const e of this.execs.values()) e.fail(new Error('the renderer process is gone'));
      this.execs.clear();
      this.exits.put(this.exited);
    });
  }

  onIpc(listener: (channel: string, args: unknown[]) => void): void {
    this.ipc.set((m) => listener(m.channel, m.args));
  }
  onInvoke(handler: (channel: string, args: unknown[]) => Promise<unknown>): void {
    this.invokes.set((m) => this.answer(m.id, handler(m.channel, m.args)));
  }
  onProtocolRequest(handler: ProtocolHandler): void {
    this.protocol.set((m) => this.answer(m.id, handler(m.request)));
  }
  onConsole(listener: (message: ConsoleMessage) => void): void {
    this.console.set(listener);
  }
  onPreloadError(listener: (preloadPath: string, error: Error) => void): void {
    this.preloadErrors.set((m) => listener(m.path, m.error));
  }
  onExit(listener: (exit: Exit) => void): void {
    this.exits.set(listener);
  }

  executeJavaScript(code: string): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error('the renderer process is gone'));
    const id = this.nextExec++;
    return new Promise((ok, fail) => {
      this.execs.set(id, { ok, fail });
      this.post({ t: 'exec', id, code });
    });
  }

  send(channel: string, args: unknown[]): void {
    this.post({ t: 'ipc', channel, args });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((ok) => this.child.once('exit', () => ok()));
    this.post({ t: 'close' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_GRACE_MS);
    await gone;
    clearTimeout(timer);
  }

  private receive(m: FromRenderer): void {
    switch (m.t) {
      case 'loaded': return this.settleLoad.ok({ title: m.title });
      case 'load-failed': return this.settleLoad.fail(Object.assign(new Error(m.description), { errorCode: m.errorCode }));
      case 'ipc': return this.ipc.put(m);
      case 'invoke': return this.invokes.put(m);
      case 'protocol': return this.protocol.put(m);
      case 'console': return this.console.put(m.message);
      case 'preload-error': return this.preloadErrors.put({ path: m.path, error: Object.assign(new Error(m.message), m.stack ? { stack: m.stack } : {}) });
      case 'exec-result': {
        const pending = this.execs.get(m.id);
        this.execs.delete(m.id);
        if (m.ok) pending?.ok(m.value);
        else pending?.fail(new Error(m.error));
      }
    }
  }

  private answer(id: number, result: Promise<unknown>): void {
    result.then(
      (value) => this.post({ t: 'reply', id, ok: true, value }),
      (error: unknown) => this.post({ t: 'reply', id, ok: false, error: String(error) }),
    );
  }

  private post(m: ToRenderer): void {
    if (!this.child.connected) return;
    try {
      this.child.send(m);
    } catch (error) {
      // A value that cannot cross (a function in an invoke result): the renderer gets an error instead.
      if (m.t === 'reply') this.child.send({ t: 'reply', id: m.id, ok: false, error: `Error: ${(error as Error).message}` });
      else throw error;
    }
  }
}

export const nodeRendererLauncher: RendererLauncher = {
  async launch(spec: RendererSpec): Promise<RendererChannel> {
    const child = fork(join(__dirname, 'process.ts'), [spec.url], {
      execArgv: hostExecArgv(),
      env: childEnv('renderer'),
      // Main's end of Crashpad's socket at stdio index 4 (CHILD_FD), as Chromium hands it to every child.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc', ...(spec.crashpad ? [spec.crashpad.fd] : [])],
      serialization: 'advanced',
    });
    await new Promise<void>((ok, fail) => {
      child.once('spawn', ok);
      child.once('error', fail);
    });
    const channel = new NodeRendererChannel(child);
    child.send({ t: 'init', spec } satisfies ToRenderer);
    return channel;
  },
};
