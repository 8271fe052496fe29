// The app's own preload in the end-to-end tests (sandboxed: only `electron` can be required): it lets the page
// crash its renderer natively, as an app's preload would expose `process.crash()`.
const { contextBridge } = require('electron');

contextBridge.exposeInMainWorld('testApp', { crash: () => process.crash() });
