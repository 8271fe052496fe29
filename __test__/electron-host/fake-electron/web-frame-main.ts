/**
 * A web contents' main frame (`WebFrameMain`), as far as IPC events and console messages refer to it: its URL,
 * origin, process and routing ids, and `send` / `executeJavaScript` through its web contents. Subframes are not
 * emulated (a page is one frame).
 */
import { EventEmitter } from 'node:events';

export interface FrameOwner {
  getURL(): string;
  getProcessId(): number;
  getOSProcessId(): number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  executeJavaScript(code: string, userGesture?: boolean): Promise<unknown>;
}

export class FakeWebFrameMain extends EventEmitter {
  readonly routingId = 1;
  readonly frameTreeNodeId = 1;
  readonly name = '';
  readonly parent = null;
  readonly frames: FakeWebFrameMain[] = [];

  constructor(private readonly owner: FrameOwner) {
    super();
  }

  get url(): string {
    return this.owner.getURL();
  }
  get origin(): string {
    try {
      const origin = new URL(this.url).origin;
      return origin === 'null' ? 'null' : origin;
    } catch {
      return 'null';
    }
  }
  get processId(): number {
    return this.owner.getProcessId();
  }
  get osProcessId(): number {
    return this.owner.getOSProcessId();
  }
  get top(): FakeWebFrameMain {
    return this;
  }
  get framesInSubtree(): FakeWebFrameMain[] {
    return [this];
  }
  get detached(): boolean {
    return this.owner.isDestroyed();
  }

  isDestroyed(): boolean {
    return this.owner.isDestroyed();
  }
  send(channel: string, ...args: any[]): void {
    this.owner.send(channel, ...args);
  }
  executeJavaScript(code: string, userGesture?: boolean): Promise<unknown> {
    return this.owner.executeJavaScript(code, userGesture);
  }
}
