// The app's own preload (sandboxed: it can only require "electron"). It lets the page crash its renderer on
// purpose; Electron's sandboxed preloads have process.crash().
const { contextBridge } = require('electron');

contextBridge.exposeInMainWorld('demo', {
  crashRenderer: () => process.crash(),
});
