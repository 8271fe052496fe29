/**
 * Child processes of main other than renderers: `utilityProcess.fork` (Electron's Node utility process) and, for
 * tests, a fake GPU process (`startFakeGpuProcess`, not an Electron API). Each is a real OS process
 * (./utility-entry.ts) that is a client of Crashpad's handler when crashReporter is started (ptype `utility` or
 * `gpu-process`) and can crash natively (`process.crash()` inside, or `crash()` from
 * main). When one dies other than by a normal exit, app emits `child-process-gone` (event, details) with Electron's
 * details: type `Utility` (serviceName `node.mojom.NodeService`, name the fork's `serviceName`, default
 * `Node Utility Process`) or `GPU`, reason and exitCode as for renderers. A UtilityProcess emits spawn, message and
 * exit (code) and has pid, postMessage, kill, stdout / stderr (with `stdio: 'pipe'`).
 * As in Electron, `fork` throws before `ready`. `postMessage(message, [port])` hands MessagePortMains to the child
 * (./message-port.ts). Not emulated: the `error` event.
 */
import type * as Electron from 'electron';
import { fork, type ChildProcess, type StdioOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { childEnv, hostExecArgv } from '../host-env';
import { app } from './app';
import { crashReporter } from './crash-reporter';
import { goneDetails, makeEvent } from './event';
import type { FakeMessagePortMain } from './message-port';
import { isAppReady, processes } from './registry';

type ChildKind = { type: 'Utility'; ptype: 'utility'; name: string } | { type: 'GPU'; ptype: 'gpu-process' };

export class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  private readonly child: ChildProcess;
  /** The ports handed to the child, by the id both sides know them by. */
  private readonly ports = new Map<number, FakeMessagePortMain>();
  private nextPortId = 1;

  constructor(kind: ChildKind, modulePath: string | undefined, args: string[], options: Electron.ForkOptions = {}) {
    super();
    const stdio = options.stdio ?? 'inherit';
    const std = typeof stdio === 'string' ? [stdio, stdio, stdio] : stdio;
    // Chromium hands every child the handler's socket; here it is main's end of it, at CHILD_FD.
    const handler = crashReporter.started();
    const connection = crashReporter.childConnection(kind.ptype);
    const crashFd = handler ? [handler.fd] : []; // stdio index 4 = CHILD_FD
    this.child = fork(join(__dirname, 'utility-entry.ts'), [modulePath ?? '', ...args], {
      execArgv: [...hostExecArgv(), ...(options.execArgv ?? [])],
      env: childEnv('utility', options.env as NodeJS.ProcessEnv | undefined),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: [std[0] ?? 'ignore', std[1] ?? 'inherit', std[2] ?? 'inherit', 'ipc', ...crashFd] as StdioOptions,
      serialization: 'advanced',
    });
    this.stdout = this.child.stdout;
    this.stderr = this.child.stderr;
    this.child.once('spawn', () => {
      this.pid = this.child.pid;
      const record = { pid: this.child.pid!, type: kind.type, creationTime: Date.now() };
      processes.set(this.child.pid!, kind.type === 'Utility' ? { ...record, name: kind.name, serviceName: 'node.mojom.NodeService' } : record);
      if (this.child.connected) this.child.send({ t: 'init', ...(connection ? { connection } : {}) });
    });
    this.child.on('message', (m: { t: string; data?: unknown; id?: number }) => {
      if (m.t === 'spawned') this.emit('spawn');
      else if (m.t === 'message') this.emit('message', m.data);
      // The child posted on a port it was handed: as if that port (still known here) posted to its peer.
      else if (m.t === 'port') this.ports.get(m.id ?? -1)?.postMessage(m.data);
      else if (m.t === 'port-close') this.ports.get(m.id ?? -1)?.close();
    });
    this.child.once('exit', (code, signal) => {
      processes.delete(this.child.pid ?? -1);
      const { reason, exitCode } = goneDetails(code, signal);
      this.pid = undefined;
      this.emit('exit', exitCode);
      if (reason === 'clean-exit') return; // Chromium reports a normal termination as a disconnection only
      const details: Electron.Details = kind.type === 'Utility' ? { type: 'Utility', reason, exitCode, serviceName: 'node.mojom.NodeService', name: kind.name } : { type: 'GPU', reason, exitCode };
      app.emit('child-process-gone', makeEvent(), details);
    });
  }

  postMessage(message: any, transfer?: Electron.MessagePortMain[]): void {
    if (!this.child.connected) return;
    const ids: number[] = [];
    for (const port of (transfer ?? []) as unknown as FakeMessagePortMain[]) {
      const id = this.nextPortId++;
      this.ports.set(id, port);
      port.remote = {
        send: (data) => this.child.connected && this.child.send({ t: 'port', id, data }),
        close: () => (this.ports.delete(id), this.child.connected && this.child.send({ t: 'port-close', id })),
      };
      ids.push(id);
    }
    this.child.send({ t: 'message', data: message, ports: ids });
  }

  kill(): boolean {
    return this.child.kill('SIGTERM');
  }

  /** Crashes the process natively (not an Electron API). */
  crash(): void {
    if (this.child.connected) this.child.send({ t: 'crash' });
  }
}

export const utilityProcess = {
  fork(modulePath: string, args?: string[], options?: Electron.ForkOptions): FakeUtilityProcess {
    if (!isAppReady()) throw new Error('utilityProcess cannot be created before app is ready.');
    return new FakeUtilityProcess({ type: 'Utility', ptype: 'utility', name: options?.serviceName ?? 'Node Utility Process' }, modulePath, args ?? [], options);
  },
};

/** A fake GPU process that idles until `crash()` or `kill()` (not an Electron API). */
export function startFakeGpuProcess(): FakeUtilityProcess {
  return new FakeUtilityProcess({ type: 'GPU', ptype: 'gpu-process' }, undefined, []);
}
