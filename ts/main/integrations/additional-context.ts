/**
 * AdditionalContext: facts about the device that Node alone cannot give — the primary display's resolution and
 * density (Electron's `screen`, after `ready`), and optionally the machine's maker and model (one `powershell` or
 * `system_profiler` run per app session, hence opt-in).
 */
import { debug, defineIntegration, type Event } from '@sentry/core';
import { electron } from '../electron';
import { guarded, prune, safe } from './shared';

export interface AdditionalContextOptions {
  /** The primary display's resolution and density (default true). */
  screen: boolean;
  /** The maker and model of the machine, on Windows and macOS (default false: it starts a process). */
  deviceModelManufacturer: boolean;
}

type Device = { manufacturer?: string; model?: string };

/** Runs a system tool and reads maker and model from its JSON; nothing on failure or on other platforms. */
function askModel(): Promise<Device> {
  const run = (file: string, args: string[], read: (json: Record<string, unknown>) => Device): Promise<Device> =>
    new Promise((resolve) => {
      try {
        // Required here: most apps never ask, and main's start-up does not pay for the module.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { execFile } = require('node:child_process') as typeof import('node:child_process');
        execFile(file, args, { timeout: 10_000, windowsHide: true }, (error, stdout) => {
          resolve(error ? {} : (safe(() => read(JSON.parse(String(stdout)) as Record<string, unknown>)) ?? {}));
        });
      } catch {
        resolve({});
      }
    });
  if (process.platform === 'win32') {
    return run('powershell', ['-NoProfile', '-Command', 'Get-CimInstance -ClassName Win32_ComputerSystem | ConvertTo-Json'], (j) =>
      prune({ manufacturer: j.Manufacturer as string | undefined, model: j.Model as string | undefined }),
    );
  }
  if (process.platform === 'darwin') {
    return run('system_profiler', ['SPHardwareDataType', '-json'], (j) => {
      const model = (j.SPHardwareDataType as Array<{ machine_model?: string }> | undefined)?.[0]?.machine_model;
      return model ? { manufacturer: 'Apple', model } : {};
    });
  }
  return Promise.resolve({});
}

export const additionalContextIntegration = defineIntegration((userOptions: Partial<AdditionalContextOptions> = {}) => {
  const options: AdditionalContextOptions = { screen: true, deviceModelManufacturer: false, ...userOptions };
  const device: Record<string, unknown> = {};
  let model: Promise<void> | undefined;
  const readDisplay = (): void => {
    const display = electron().screen.getPrimaryDisplay();
    device.screen_density = display.scaleFactor;
    device.screen_resolution = `${Math.floor(display.size.width * display.scaleFactor)}x${Math.floor(display.size.height * display.scaleFactor)}`;
  };
  return {
    name: 'AdditionalContext',
    setup(): void {
      if (!options.screen) return;
      // `screen` exists only after `ready`; the resolution changes when displays do.
      void safe(() => electron().app.whenReady())?.then(
        guarded('AdditionalContext', () => {
          if (!electron().screen) return debug.log('[AdditionalContext] Electron\'s screen is not available here; events carry no display facts.');
          readDisplay();
          electron().screen.on('display-metrics-changed', guarded('AdditionalContext', readDisplay));
        }),
      );
    },
    async processEvent(event: Event): Promise<Event> {
      if (options.deviceModelManufacturer) await (model ??= askModel().then((d) => void Object.assign(device, prune(d))));
      if (Object.keys(device).length) {
        const contexts = (event.contexts ??= {});
        // The event's own device facts (a native crash's, from its dump) win.
        contexts.device = { ...device, ...contexts.device };
      }
      return event;
    },
  };
});
