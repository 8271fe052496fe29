// Test app: the fake through `import`, in an ES module main script.
import electron, { app } from 'electron';

app.whenReady().then(() => {
  process.send({ type: 'esm', sameApp: electron.app === app, name: app.getName(), processType: process.type });
});
