/**
 * `crashReporter` in main, as Electron 16+ does it on Linux (Electron's crash_allow_setting_more_options.patch to
 * Chromium's components/crash/core/app/crashpad_linux.cc, lib/browser/api/crash-reporter.ts, shell/common/crash_keys.cc):
 * `start()` sets the database's uploads flag from `uploadToServer` (settings.dat) and starts Crashpad's real
 * handler on `app.getPath('crashDumps')`, synchronously, with
 * - `--url=<submitURL>` only when it is not empty (without it the handler never moves a report out of `pending/`);
 * - `--no-rate-limit` unless `rateLimit`, `--no-upload-gzip` when `compress` is false;
 * - process annotations `prod` (Electron), `ver` (Electron's version), `plat` (Linux), `lsb-release`, and every
 *   `globalExtra` key, with `_productName`, `_version` and a non-empty `_companyName` filled in first;
 * - `--monitor-self-annotation=ptype=crashpad-handler`.
 * Main is the handler's first client; its crash keys (annotation objects) are `ptype: browser`, `pid`, `osarch`,
 * `process_type`, `platform` and the `extra` parameters. Children started afterwards inherit main's end of the
 * socket and set their own `ptype`; a child started before `start()` is not monitored, as in Electron.
 *
 * As Electron: `submitURL` is required unless `uploadToServer` is false; a second `start()` does nothing; keys over
 * 39 bytes are ignored with a warning and values over 20320 bytes truncated; `getParameters()` returns this
 * process's extra parameters (not the global ones); `getUploadedReports()` lists the database's reports, not
 * uploaded ones included (id `''`), and `getLastCrashReport()` the newest of them or null.
 */
import type * as Electron from 'electron';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { electronVersion } from '../host-env';
import { app } from './app';
import { processCrashKeys, setCrashKeys, startCrashpadHandler, type ChildConnection, type CrashpadHandler, type ProcessTypeAnnotation } from './native-crash';
import { beforeExit } from './registry';

const MAX_KEY_BYTES = 39;
const MAX_VALUE_BYTES = 20320;

export class FakeCrashReporter {
  private handler: CrashpadHandler | undefined;
  private upload = true;
  private extra: Record<string, string> = {};

  start(options: Electron.CrashReporterStartOptions): void {
    const {
      productName = app.name,
      companyName,
      extra = {},
      globalExtra = {},
      submitURL = '',
      uploadToServer = true,
      rateLimit = false,
      compress = true,
    } = options ?? {};
    if (uploadToServer && !submitURL) throw new Error('submitURL must be specified when uploadToServer is true');
    if (this.handler) return;
    this.upload = uploadToServer;
    this.extra = limited(extra);
    const annotations = {
      prod: 'Electron',
      ver: electronVersion(),
      plat: 'Linux',
      'lsb-release': distro(),
      ...limited({ _productName: productName, _version: app.getVersion(), ...(companyName ? { _companyName: companyName } : {}), ...globalExtra }),
    };
    const args = ['--monitor-self-annotation=ptype=crashpad-handler'];
    if (!rateLimit) args.push('--no-rate-limit');
    if (!compress) args.push('--no-upload-gzip');
    const database = app.getPath('crashDumps');
    const handler = startCrashpadHandler(database, { ...(submitURL ? { url: submitURL } : {}), annotations, arguments: args }, uploadToServer);
    this.handler = handler;
    setCrashKeys({ ...processCrashKeys('browser'), ...this.extra });
    beforeExit.push(() => handler.stop());
    // The handler outlives a killed app until its children are gone; a test that launched the app ends it too.
    if (process.send && process.connected) process.send({ fakeElectron: 'crash-handler', pid: handler.pid });
  }

  getUploadToServer(): boolean {
    return this.upload;
  }
  setUploadToServer(uploadToServer: boolean): void {
    if (this.handler) this.upload = uploadToServer;
  }

  getParameters(): Record<string, string> {
    return { ...this.extra };
  }
  addExtraParameter(key: string, value: string): void {
    const added = limited({ [key]: value });
    Object.assign(this.extra, added);
    setCrashKeys(added);
  }
  removeExtraParameter(key: string): void {
    delete this.extra[key];
    setCrashKeys({ [key]: null });
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

  /** The running handler (not an Electron API); undefined before `start()`. */
  started(): CrashpadHandler | undefined {
    return this.handler;
  }

  /** What a child started now needs to be a client (its fd is `handler.fd`); undefined before `start()`. */
  childConnection(ptype: Exclude<ProcessTypeAnnotation, 'browser'>): ChildConnection | undefined {
    return this.handler ? { handlerPid: this.handler.pid, ptype } : undefined;
  }
}

/** Chromium's `lsb-release` annotation: the distribution's pretty name. */
function distro(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
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
