import { describe, expect, it } from 'vitest';
import { availableDevices, chooseAuto, type DeviceInfo, probeDevice } from '../../../main/runtime/devices.ts';

const info = (available: Record<string, boolean>): DeviceInfo[] =>
  Object.entries(available).map(([name, ok]) => ({
    name: name as DeviceInfo['name'],
    available: ok,
    detail: '',
  }));

describe('auto device choice', () => {
  it('prefers CUDA, then WebGPU on real hardware, then the CPU', () => {
    expect(chooseAuto(info({ cpu: true, webgpu: true, cuda: true }), false)).toBe('cuda');
    expect(chooseAuto(info({ cpu: true, webgpu: true, cuda: false }), false)).toBe('webgpu');
    expect(chooseAuto(info({ cpu: true, webgpu: false, cuda: false }), false)).toBe('cpu');
  });

  it('does not pick WebGPU running on a software Vulkan driver', () => {
    expect(chooseAuto(info({ cpu: true, webgpu: true, cuda: false }), true)).toBe('cpu');
  });
});

describe('availableDevices on this machine', () => {
  it('reports every device with a reason, and auto picks an available one', async () => {
    const report = await availableDevices();
    expect(report.devices.map((d) => d.name).sort()).toEqual([
      'auto',
      'coreml',
      'cpu',
      'cuda',
      'dml',
      'webgpu',
    ]);
    const cpu = report.devices.find((d) => d.name === 'cpu');
    expect(cpu?.available).toBe(true);
    const picked = report.devices.find((d) => d.name === report.auto);
    expect(picked?.available).toBe(true);
    for (const d of report.devices.filter((d) => !d.available)) expect(d.detail).toMatch(/^unavailable: .+/);
    // Probed once: a second call gives the same object.
    expect(await availableDevices()).toBe(report);
  });

  it('explains platform-only providers', async () => {
    if (process.platform === 'linux') {
      expect(await probeDevice('dml')).toBe('DirectML is Windows only');
      expect(await probeDevice('coreml')).toBe('Core ML is macOS only');
    }
    expect(await probeDevice('cpu')).toBeNull();
  });
});
