/**
 * Where the two witnesses of a dead child process meet. Electron's `render-process-gone` / `child-process-gone`
 * say a process died and why; Crashpad's dump says where. A crash must be reported once: with the dump when one
 * appears (NativeCrashes claims the gone-record and adds its facts to the crash event), or as a plain event from
 * ChildProcessGone when none appears in time (an OOM kill, a process that died before Crashpad could dump it).
 */
import type { Client } from '@sentry/core';

/** What Electron told about a process that went away. */
export interface GoneProcess {
  /** Electron's process type: `renderer`, `GPU`, `Utility`, `Zygote`, … */
  type: string;
  /** Electron's reason: `crashed`, `oom`, `killed`, `abnormal-exit`, `launch-failed`, `integrity-failure`, `clean-exit`. */
  reason: string;
  exitCode: number;
  /** The OS pid, when it was known before the process died (renderers: recorded while alive). */
  pid?: number;
  /** The web contents of a renderer. */
  webContentsId?: number;
  /** Utility processes: their name and service name. */
  name?: string;
  serviceName?: string;
  /** `Date.now()` when Electron told. */
  at: number;
}

/** Reasons after which Crashpad may still be writing a dump: worth waiting for it before reporting alone. */
export const DUMP_EXPECTED_REASONS = new Set(['crashed', 'oom', 'abnormal-exit']);

interface Waiting {
  gone: GoneProcess;
  settle: (claimed: boolean) => void;
}

export class GoneProcesses {
  private readonly waiting = new Set<Waiting>();
  private readonly recent: GoneProcess[] = [];

  /**
   * Records a gone process. Resolves `true` when a dump claims it within `waitMs`, `false` otherwise (then the
   * caller reports it alone). Never rejects.
   */
  record(gone: GoneProcess, waitMs: number): Promise<boolean> {
    this.recent.push(gone);
    if (this.recent.length > 50) this.recent.shift();
    return new Promise<boolean>((resolve) => {
      const entry: Waiting = {
        gone,
        settle: (claimed) => {
          clearTimeout(timer);
          this.waiting.delete(entry);
          resolve(claimed);
        },
      };
      const timer = setTimeout(() => entry.settle(false), waitMs);
      timer.unref?.();
      this.waiting.add(entry);
    });
  }

  /**
   * Called by NativeCrashes for each dump: the gone-record that matches it, if any (by pid when both know it, else
   * the oldest still-waiting record of the same process type). A claimed record is not reported alone.
   */
  claim(match: { pid: number | null; processType: string | null }): GoneProcess | undefined {
    const candidates = [...this.waiting];
    const byPid = match.pid ? candidates.find((w) => w.gone.pid === match.pid) : undefined;
    const chosen = byPid ?? candidates.find((w) => !w.gone.pid && sameType(w.gone.type, match.processType));
    if (!chosen) return this.recent.find((g) => match.pid && g.pid === match.pid);
    chosen.settle(true);
    return chosen.gone;
  }
}

/** Electron names types `GPU`, `Utility`; Crashpad's `ptype` says `gpu-process`, `utility`. */
function sameType(electronType: string, ptype: string | null): boolean {
  if (!ptype) return false;
  const a = electronType.toLowerCase();
  const b = ptype.toLowerCase();
  return a === b || (a === 'gpu' && b === 'gpu-process');
}

const registries = new WeakMap<Client, GoneProcesses>();

/** The registry of one client (integrations of the same client share it). */
export function goneProcessesOf(client: Client): GoneProcesses {
  let r = registries.get(client);
  if (!r) registries.set(client, (r = new GoneProcesses()));
  return r;
}
