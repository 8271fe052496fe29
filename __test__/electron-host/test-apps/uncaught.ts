/**
 * Test app: uncaught errors in main. Electron's own listener shows its error box and the app keeps running; once
 * the app has a listener of its own, Electron's stays silent.
 */
import { app } from 'electron';
import { fakeElectron } from '../fake-electron/main';
import { report } from './report';

void app.whenReady().then(() => {
  setTimeout(() => {
    throw new Error('main boom');
  }, 0);
  void Promise.reject(new Error('rejected in main'));
  setTimeout(() => {
    report('after-first', { boxes: fakeElectron.errorBoxes() });
    process.on('uncaughtException', (e) => report('own-handler', { message: e.message }));
    setTimeout(() => {
      throw new Error('second boom');
    }, 0);
    setTimeout(() => report('after-second', { boxes: fakeElectron.errorBoxes().length }), 50);
  }, 100);
});
