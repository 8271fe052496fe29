/**
 * `MessageChannelMain` / `MessagePortMain` of Electron's main process, as far as main and its utility processes use
 * them: two linked ports in main; one may be handed to a utility process with `child.postMessage(message, [port])`,
 * which then receives it in `process.parentPort`'s message event (`event.ports`) — ./utility-entry.ts plays that
 * end, and what either side posts crosses the child's IPC channel. As in Electron, a port queues what it receives
 * until `start()`, emits `message` with `{ data, ports }`, and `close()` makes the other end emit `close`. Not
 * emulated: transferring ports through a port (`postMessage(message, transfer)` with ports throws).
 */
import type * as Electron from 'electron';
import { EventEmitter } from 'node:events';

export class FakeMessagePortMain extends EventEmitter {
  /** The other end of the channel. */
  peer: FakeMessagePortMain | undefined;
  /** Set once the port is handed to a child process: what arrives for it is sent there. */
  remote: { send(data: unknown): void; close(): void } | undefined;
  private readonly queue: unknown[] = [];
  private started = false;
  private closed = false;

  postMessage(message: any, transfer?: Electron.MessagePortMain[]): void {
    if (transfer && transfer.length > 0) throw new Error('the fake Electron host cannot transfer ports through a port');
    if (this.closed) return;
    this.peer?.receive(message);
  }

  start(): void {
    this.started = true;
    for (const data of this.queue.splice(0)) this.dispatch(data);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.remote?.close();
    const peer = this.peer;
    if (peer && !peer.closed) {
      peer.closed = true;
      setImmediate(() => peer.emit('close'));
    }
  }

  /** A message for this port (from its peer, or from the child that holds it). */
  receive(data: unknown): void {
    if (this.closed) return;
    if (this.remote) return this.remote.send(data);
    if (!this.started) this.queue.push(data);
    else this.dispatch(data);
  }

  private dispatch(data: unknown): void {
    setImmediate(() => this.emit('message', { data, ports: [] }));
  }
}

export class MessageChannelMain {
  readonly port1 = new FakeMessagePortMain();
  readonly port2 = new FakeMessagePortMain();
  constructor() {
    this.port1.peer = this.port2;
    this.port2.peer = this.port1;
  }
}
