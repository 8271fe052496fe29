// The renderer side of RendererEventLoopBlock as @sentry/electron 7's renderer SDK speaks it (a status every
// pollInterval ms on `sentry-ipc.status`), played by a preload for renderer-event-loop-block.ts; on `block` from
// main, it blocks this renderer's loop for two seconds.
const { ipcRenderer } = require('electron');
const config = { anrThreshold: 300, pollInterval: 100, captureStackTrace: true };
ipcRenderer.send('sentry-ipc.status', { status: 'visible', config });
setInterval(() => ipcRenderer.send('sentry-ipc.status', { status: 'alive', config }), config.pollInterval);
ipcRenderer.on('block', () => {
  const end = Date.now() + 2000;
  while (Date.now() < end);
  ipcRenderer.send('test.unblocked');
});
