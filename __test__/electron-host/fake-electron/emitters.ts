/**
 * `powerMonitor` and `autoUpdater`: event emitters with Electron's event names, for the breadcrumbs an SDK records.
 * Nothing happens by itself: a test app emits the events it wants to see (`powerMonitor.emit('suspend')`,
 * `autoUpdater.emit('update-downloaded', event, notes, name, date, url)`).
 *
 * powerMonitor events: suspend, resume, on-ac, on-battery, shutdown, lock-screen, unlock-screen,
 * user-did-become-active, user-did-resign-active, speed-limit-change, thermal-state-change. The machine is awake,
 * on AC, idle 0 s.
 * autoUpdater: `setFeedURL` / `getFeedURL`; `checkForUpdates()` emits checking-for-update then
 * update-not-available; `quitAndInstall()` emits before-quit-for-update and quits the app.
 */
import type * as Electron from 'electron';
import { EventEmitter } from 'node:events';
import { app } from './app';

export class FakePowerMonitor extends EventEmitter {
  readonly onBatteryPower = false;

  getSystemIdleState(_idleThreshold: number): 'active' | 'idle' | 'locked' | 'unknown' {
    return 'active';
  }
  getSystemIdleTime(): number {
    return 0;
  }
  getCurrentThermalState(): 'unknown' | 'nominal' | 'fair' | 'serious' | 'critical' {
    return 'unknown';
  }
  isOnBatteryPower(): boolean {
    return false;
  }
}

export class FakeAutoUpdater extends EventEmitter {
  private feedURL = '';

  setFeedURL(options: Electron.FeedURLOptions): void {
    this.feedURL = options.url;
  }
  getFeedURL(): string {
    return this.feedURL;
  }
  checkForUpdates(): void {
    setImmediate(() => {
      this.emit('checking-for-update');
      this.emit('update-not-available');
    });
  }
  quitAndInstall(): void {
    this.emit('before-quit-for-update');
    app.quit();
  }
}

export const powerMonitor = new FakePowerMonitor();
export const autoUpdater = new FakeAutoUpdater();
