/**
 * `crashReporter` in main. `start()` spawns the fake crashpad_handler on `app.getPath('crashDumps')` and connects
 * the main process itself with Electron's annotations (`prod: Electron`, `ver`, `ptype: browser`, the globalExtra
 * defaults `_productName` and `_version`, then `extra` and `globalExtra`, global winning); processes started
 * afterwards (renderers, utility and GPU processes) connect with their own `ptype` and the global annotations only.
 * A renderer started before `start()` is not monitored, as in Electron.
 *
 * As Electron: `submitURL` is required unless `uploadToServer` is false; a second `start()` does nothing; keys over
 * 39 bytes are ignored with a warning and values over 20320 bytes truncated; `getParameters()` returns this
 * process's extra parameters (not the global ones); `getUploadedReports()` lists the database's reports, not
 * uploaded ones included (id `''`), and `getLastCrashReport()` the newest of them or null. Nothing is uploaded.
 *
 * The handler starts asynchronously (Electron's is synchronous): `whenStarted()` (not an Electron API) resolves once
 * main is connected; `process.crash()` in main waits for that.
 */
import type * as Electron from 'electron';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { electronVersion } from '../host-env';
import { app } from './app';
import { connectingThisProcess, connectThisProcess, startCrashpadHandler, updateAnnotations, type CrashpadHandler } from './native-crash';
import { beforeExit } from './registry';

const MAX_KEY_BYTES = 39;
const MAX_VALUE_BYTES = 20320;

export type ProcessTypeAnnotation = 'browser' | 'renderer' | 'gpu-process' | 'utility';

export class FakeCrashReporter {
  private started: Promise<CrashpadHandler> | undefined;
  private upload = true;
  private extra: Record<string, string> = {};
  private global: Record<string, string> = {};

  start(options: Electron.CrashReporterStartOptions): void {
    const { productName = app.name, companyName, extra = {}, globalExtra = {}, submitURL = '', uploadToServer = true } = options ?? {};
    if (uploadToServer && !submitURL) throw new Error('submitURL must be specified when uploadToServer is true');
    if (this.started) return;
    this.upload = uploadToServer;
    this.extra = limited(extra);
    this.global = limited({
      _productName: productName,
      _version: app.getVersion(),
      ...(companyName ? { _companyName: companyName } : {}),
      ...globalExtra,
    });
    const database = app.getPath('crashDumps');
    this.started = (async () => {
      const handler = await startCrashpadHandler(database);
      beforeExit.push(() => handler.stop());
      // The handler outlives a killed app (as Crashpad's does); a test that launched the app ends it too.
      if (process.send && process.connected) process.send({ fakeElectron: 'crash-handler', pid: handler.pid });
      await connectThisProcess(handler.socketName, this.annotations('browser', this.extra));
      return handler;
    })();
    connectingThisProcess(this.started);
    // A failure surfaces through whenStarted() and the processes that wait for it; not as an unhandled rejection.
    this.started.catch((e: unknown) => process.emitWarning(`fake crashReporter: the crash handler did not start: ${String(e)}`));
  }

  getUploadToServer(): boolean {
    return this.upload;
  }
  setUploadToServer(uploadToServer: boolean): void {
    if (this.started) this.upload = uploadToServer;
  }

  getParameters(): Record<string, string> {
    return { ...this.extra };
  }
  addExtraParameter(key: string, value: string): void {
    Object.assign(this.extra, limited({ [key]: value }));
    void updateAnnotations(() => this.annotations('browser', this.extra));
  }
  removeExtraParameter(key: string): void {
    delete this.extra[key];
    void updateAnnotations(() => this.annotations('browser', this.extra));
  }

  getUploadedReports(): Electron.CrashReport[] {
    const database = app.getPath('crashDumps');
    const reports: Electron.CrashReport[] = [];
    for (const dir of ['pending', 'completed']) {
      let names: string[] = [];
      try {
        names = readdirSync(join(database, dir));
      } catch {
        continue;
      }
      for (const name of names.filter((n) => n.endsWith('.dmp'))) reports.push({ id: '', date: statSync(join(database, dir, name)).mtime });
    }
    return reports.sort((a, b) => b.date.getTime() - a.date.getTime());
  }
  getLastCrashReport(): Electron.CrashReport | null {
    return this.getUploadedReports()[0] ?? null;
  }

  /** Resolves once the handler runs and main is connected (not an Electron API). Undefined before `start()`. */
  whenStarted(): Promise<CrashpadHandler> | undefined {
    return this.started;
  }

  /** Where and with what a child process started now connects; undefined when the reporter is not started. */
  async childConnection(ptype: Exclude<ProcessTypeAnnotation, 'browser'>): Promise<{ socketName: string; annotations: Record<string, string> } | undefined> {
    if (!this.started) return undefined;
    const handler = await this.started;
    return { socketName: handler.socketName, annotations: this.annotations(ptype, {}) };
  }

  private annotations(ptype: ProcessTypeAnnotation, own: Record<string, string>): Record<string, string> {
    return { prod: 'Electron', ver: electronVersion(), ...own, ...this.global, ptype };
  }
}

/** Electron's limits on annotation keys and values. */
export function limited(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(params)) {
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
      process.emitWarning(`crashReporter: the key '${key}' is over ${MAX_KEY_BYTES} bytes and is ignored`);
      continue;
    }
    const value = String(raw);
    out[key] = Buffer.byteLength(value) > MAX_VALUE_BYTES ? Buffer.from(value).subarray(0, MAX_VALUE_BYTES).toString() : value;
  }
  return out;
}

export const crashReporter = new FakeCrashReporter();
