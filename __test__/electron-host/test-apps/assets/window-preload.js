// A window's own preload (webPreferences.preload): runs after the session's, in the same world.
const { contextBridge, ipcRenderer } = require('electron');
globalThis.preloadOrder.push('window');
const api = { order: globalThis.preloadOrder, report: (data) => ipcRenderer.send('report', data), nested: { list: [1, { deep: true }] } };
if (process.contextIsolated) {
  contextBridge.exposeInMainWorld('preloaded', api);
} else {
  // Without context isolation the preload shares the page's window: it sets globals directly.
  window.preloaded = { ...api, bridgeError: globalThis.sessionPreloadError };
}
process.once('loaded', () => {
  globalThis.loadedEventSeen = true;
});
