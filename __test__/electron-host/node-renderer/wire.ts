/**
 * The messages between main and a Node-mode renderer process (Node's IPC channel with `serialization: 'advanced'`,
 * so bytes, Maps, Dates and errors' fields cross as they are). Requests carry an id answered by a `reply`.
 */
import type { ConsoleMessage, ProtocolRequest, RendererSpec } from '../renderer-host';

export type ToRenderer =
  | { t: 'init'; spec: RendererSpec }
  | { t: 'ipc'; channel: string; args: unknown[] }
  | { t: 'exec'; id: number; code: string }
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: string }
  | { t: 'close' };

export type FromRenderer =
  | { t: 'loaded'; title: string }
  | { t: 'load-failed'; errorCode: number; description: string }
  | { t: 'ipc'; channel: string; args: unknown[] }
  | { t: 'invoke'; id: number; channel: string; args: unknown[] }
  | { t: 'protocol'; id: number; request: ProtocolRequest }
  | { t: 'exec-result'; id: number; ok: true; value: unknown }
  | { t: 'exec-result'; id: number; ok: false; error: string }
  | { t: 'console'; message: ConsoleMessage }
  | { t: 'preload-error'; path: string; message: string; stack?: string };
