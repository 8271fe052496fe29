/**
 * Test app: a window whose page is served by main's `protocol.handle` on a privileged scheme, talks to main over
 * IPC through a contextBridge preload (send, invoke, reply), fetches the scheme with a binary body, and is read
 * back with executeJavaScript.
 */
import { app, BrowserWindow, ipcMain, protocol, webContents } from 'electron';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSETS, report } from './report';

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let win: BrowserWindow;
ipcMain.on('to-main', (event, ...args) => {
  report('to-main', {
    args,
    senderIsWindow: event.sender === win.webContents,
    senderId: event.sender.id,
    processId: event.processId,
    frameId: event.frameId,
    frameUrl: event.senderFrame?.url,
    osPid: event.sender.getOSProcessId(),
  });
  event.reply('to-renderer', 'pong', new Uint8Array([9, 8, 7]));
});
ipcMain.on('page-got', (_event, ...args) => report('page-got', { args }));
ipcMain.on('page-results', (_event, results) => report('page-results', { results }));
ipcMain.handle('add', (_event, a: number, b: number) => a + b);
ipcMain.handle('fail', () => {
  throw new Error('handler failed');
});

void app.whenReady().then(async () => {
  protocol.handle('app', async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/index.html') {
      return new Response('<html><head><title>App page</title><script src="page.js"></script></head></html>', { headers: { 'content-type': 'text/html' } });
    }
    if (pathname === '/page.js') return new Response(readFileSync(join(ASSETS, 'ipc-page.js')), { headers: { 'content-type': 'text/javascript' } });
    if (pathname === '/echo') {
      const bytes = new Uint8Array(await request.arrayBuffer());
      report('echo-request', { method: request.method, header: request.headers.get('x-test'), bytes });
      return new Response(bytes.slice().reverse(), { status: 201, headers: { 'x-echo': 'yes' } });
    }
    return new Response('not found', { status: 404 });
  });
  win = new BrowserWindow({ webPreferences: { preload: join(ASSETS, 'bridge-preload.js') } });
  await win.loadURL('app://bundle/index.html');
  report('loaded', {
    title: win.webContents.getTitle(),
    url: win.webContents.getURL(),
    count: webContents.getAllWebContents().length,
    fromId: webContents.fromId(win.webContents.id) === win.webContents,
    fromWindow: BrowserWindow.fromWebContents(win.webContents) === win,
    pageState: await win.webContents.executeJavaScript('window.pageState'),
    execError: await win.webContents.executeJavaScript('throw new Error("in page")').catch((e: Error) => e.message),
  });
  win.webContents.send('to-renderer', 'sent', new Uint8Array([1]));
});
