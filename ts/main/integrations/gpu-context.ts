/**
 * GpuContext: the GPUs that Chromium sees (`app.getGPUInfo`), as Sentry's `gpu` context (`gpu_1`, `gpu_2`, … when
 * there are several), asked once, at the first event. GPU process crashes and rendering bugs are often
 * driver-specific; this is what tells them apart.
 */
import { debug, defineIntegration, type Event } from '@sentry/core';
import { electron } from '../electron';
import { prune } from './shared';

export interface GpuContextOptions {
  /** `basic` (default) is fast; `complete` asks the GPU process for everything, which can take a while. */
  infoLevel: 'basic' | 'complete';
}

interface GpuDevice {
  active?: boolean;
  vendorId?: number;
  deviceId?: number;
  vendorString?: string;
  deviceString?: string;
  driverVersion?: string;
}

const hex = (n: number | undefined): string | undefined => (typeof n === 'number' ? `0x${n.toString(16).padStart(4, '0')}` : undefined);

function gpuContext(device: GpuDevice): Record<string, unknown> {
  return prune({
    name: device.deviceString || 'GPU',
    active: device.active,
    id: hex(device.deviceId),
    vendor_id: hex(device.vendorId),
    vendor_name: device.vendorString,
    driver_version: device.driverVersion,
  });
}

export const gpuContextIntegration = defineIntegration((options: GpuContextOptions = { infoLevel: 'basic' }) => {
  let gpus: Promise<Record<string, unknown>[]> | undefined;
  const ask = async (): Promise<Record<string, unknown>[]> => {
    try {
      const info = (await electron().app.getGPUInfo(options.infoLevel)) as { gpuDevice?: GpuDevice[] };
      return (info.gpuDevice ?? []).map(gpuContext);
    } catch (e) {
      // Linux without hardware acceleration refuses (Electron 40+): events go on without a GPU context.
      debug.log('[GpuContext] app.getGPUInfo failed; events carry no GPU context', e);
      return [];
    }
  };
  return {
    name: 'GpuContext',
    async processEvent(event: Event): Promise<Event> {
      const list = await (gpus ??= ask());
      if (list.length === 0) return event;
      const contexts = (event.contexts ??= {});
      if (list.length === 1) contexts.gpu ??= { ...list[0] };
      else list.forEach((gpu, i) => (contexts[`gpu_${i + 1}`] ??= { ...gpu, type: 'gpu' }));
      return event;
    },
  };
});
