/**
 * `ipcMain`: messages from renderers, with Electron's event objects.
 *
 * `ipcRenderer.send` → the web contents' `ipc-message` event, then `ipcMain` listeners of the channel, each with an
 * `IpcMainEvent` whose `sender` is the sending WebContents, `senderFrame` its main frame, `processId` the renderer's
 * internal process id, `frameId` 1 (the main frame), and `reply()` sending back to it.
 * `ipcRenderer.invoke` → the one `handle`d handler (a second `handle` for a channel throws, as Electron's does);
 * none or a throwing one rejects the renderer's promise with Electron's message.
 * Not emulated: `sendSync` / `returnValue`, MessagePorts (`ports` is always empty), `webContents.ipc`.
 */
import type * as Electron from 'electron';
import { EventEmitter } from 'node:events';
import { makeEvent } from './event';

/** What ipcMain needs of a web contents (the class is in ./web-contents.ts, which imports this file). */
export interface IpcSender {
  readonly id: number;
  getProcessId(): number;
  readonly mainFrame: unknown;
  send(channel: string, ...args: unknown[]): void;
  emit(event: string, ...args: unknown[]): boolean;
}

type InvokeHandler = (event: Electron.IpcMainInvokeEvent, ...args: any[]) => Promise<any> | any;

export class FakeIpcMain extends EventEmitter {
  private readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, listener: (event: Electron.IpcMainInvokeEvent, ...args: any[]) => Promise<any> | any): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  handleOnce(channel: string, listener: (event: Electron.IpcMainInvokeEvent, ...args: any[]) => Promise<any> | any): void {
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel);
      return listener(event, ...args);
    });
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** A message from a renderer (not an Electron API). */
  dispatch(sender: IpcSender, channel: string, args: unknown[]): void {
    const event = makeEvent({
      ...ipcEventOrigin(sender),
      ports: [],
      returnValue: undefined as unknown,
      reply: (replyChannel: string, ...replyArgs: unknown[]) => sender.send(replyChannel, ...replyArgs),
    });
    sender.emit('ipc-message', event, channel, ...args);
    this.emit(channel, event, ...args);
  }

  /** An invoke from a renderer (not an Electron API): the handler's value, or a rejection. */
  async invoke(sender: IpcSender, channel: string, args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return await handler(makeEvent(ipcEventOrigin(sender)) as unknown as Electron.IpcMainInvokeEvent, ...args);
  }
}

/** The fields every IPC event carries about its sender (exported for the type check). */
export function ipcEventOrigin<S extends IpcSender>(sender: S): { sender: S; senderFrame: S['mainFrame']; processId: number; frameId: number; type: 'frame' } {
  return { sender, senderFrame: sender.mainFrame, processId: sender.getProcessId(), frameId: 1, type: 'frame' };
}

export const ipcMain = new FakeIpcMain();
