/**
 * The first code of a utility (or fake GPU) process started by ./utility-process.ts. Waits for main's `init`
 * (whether Crashpad's handler runs; its socket is at CHILD_FD), becomes its client, gives the module `process.parentPort` as Electron does, then runs
 * the module (none for a GPU process, which only waits). `crash` from main crashes natively.
 */
import { EventEmitter } from 'node:events';
import { connectChild, crashThisProcess, type ChildConnection } from './native-crash';

type FromMain =
  | { t: 'init'; connection?: ChildConnection }
  | { t: 'message'; data: unknown; ports?: number[] }
  | { t: 'port'; id: number; data: unknown }
  | { t: 'port-close'; id: number }
  | { t: 'crash' };

class ParentPort extends EventEmitter {
  postMessage(message: unknown): void {
    process.send?.({ t: 'message', data: message });
  }
}

/** This end of a MessagePortMain that main handed over (../message-port.ts has main's end). */
class ChildPort extends EventEmitter {
  private readonly queue: unknown[] = [];
  private started = false;
  private closed = false;
  constructor(private readonly id: number) {
    super();
  }
  postMessage(message: unknown): void {
    if (!this.closed) process.send?.({ t: 'port', id: this.id, data: message });
  }
  start(): void {
    this.started = true;
    for (const data of this.queue.splice(0)) this.emit('message', { data, ports: [] });
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    ports.delete(this.id);
    process.send?.({ t: 'port-close', id: this.id });
  }
  receive(data: unknown): void {
    if (this.closed) return;
    if (this.started) this.emit('message', { data, ports: [] });
    else this.queue.push(data);
  }
  remoteClosed(): void {
    this.closed = true;
    ports.delete(this.id);
    this.emit('close');
  }
}

const ports = new Map<number, ChildPort>();

const [modulePath] = process.argv.slice(2);
const parentPort = new ParentPort();
Object.assign(process, { parentPort });

process.on('message', (m: FromMain) => {
  if (m.t === 'message') {
    const handed = (m.ports ?? []).map((id) => {
      const port = new ChildPort(id);
      ports.set(id, port);
      return port;
    });
    parentPort.emit('message', { data: m.data, ports: handed });
  } else if (m.t === 'port') ports.get(m.id)?.receive(m.data);
  else if (m.t === 'port-close') ports.get(m.id)?.remoteClosed();
  else if (m.t === 'crash') crashThisProcess();
  else if (m.t === 'init') void start(m.connection);
});
// Main gone: so is this process (Chromium's children do not outlive the browser).
process.on('disconnect', () => process.exit(0));

async function start(connection: ChildConnection | undefined): Promise<void> {
  if (connection) {
    try {
      connectChild(connection);
    } catch (e) {
      process.stderr.write(`fake utility process: cannot become a Crashpad client: ${String(e)}\n`);
    }
  }
  process.send?.({ t: 'spawned' });
  if (!modulePath) return; // a GPU process: waits for main
  // The IPC channel keeps a utility process alive only while its module listens on parentPort.
  process.channel?.unref();
  parentPort.on('newListener', (event) => event === 'message' && process.channel?.ref());
  require(modulePath);
}
