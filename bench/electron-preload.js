// The bench app's own window preload (sandboxed: only `electron` can be required), as an app exposes things to its
// page: a native crash of this renderer (`process.crash()`, a real SIGSEGV through the host's crash addon); raw
// `ipcRenderer.send` messages on a channel no SDK listens to (the host's own IPC cost); and valid event envelopes
// sent straight on the SDKs' envelope channel as fast as a loop can (a renderer faster than any renderer SDK, to
// see main's admission beyond its rate).
const { contextBridge, ipcRenderer } = require('electron');

const hex = (n) => n.toString(16).padStart(32, '0');

contextBridge.exposeInMainWorld('benchApp', {
  crash: () => process.crash(),
  raw: (count, bytes) => {
    const payload = 'x'.repeat(bytes);
    for (let i = 0; i < count; i++) ipcRenderer.send('bench.raw', payload);
    return count;
  },
  envelopes: (count, tag) => {
    const sdk = { name: 'sentry.javascript.browser', version: '10.0.0' };
    for (let i = 0; i < count; i++) {
      const id = hex(0xbe00000 + i);
      const now = Date.now() / 1000;
      const event = { event_id: id, timestamp: now, platform: 'javascript', level: 'error', exception: { values: [{ type: 'Error', value: `bench ${tag} ${i}` }] } };
      const envelope = `${JSON.stringify({ event_id: id, sent_at: new Date().toISOString(), sdk })}\n${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}`;
      ipcRenderer.send('sentry-ipc.envelope', envelope);
    }
    return count;
  },
});
