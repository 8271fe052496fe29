// The demo app's own preload (sandboxed): lets the page crash its renderer, as Electron's `process.crash()` does.
const { contextBridge } = require('electron');

contextBridge.exposeInMainWorld('demo', { crash: () => process.crash() });
