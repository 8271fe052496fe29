// Crashes this renderer natively when main asks, after naming the window in the crash annotations.
const { crashReporter, ipcRenderer } = require('electron');
crashReporter.addExtraParameter('window', 'main-window');
ipcRenderer.on('crash', () => process.crash());
