// The settings panel offers only the devices the host can use, keeps showing the one set now, and
// says why each of the others is missing.
import { describe, expect, it } from 'vitest';
import { deviceChoice } from '../../../renderer/src/panels/device-options.ts';

const report = {
  auto: 'cpu',
  devices: [
    { name: 'auto' as const, available: true, detail: 'picks cpu' },
    { name: 'cpu' as const, available: true, detail: 'ONNX Runtime CPU execution provider' },
    { name: 'webgpu' as const, available: true, detail: 'WebGPU execution provider' },
    { name: 'cuda' as const, available: false, detail: 'unavailable: libcudart.so.12 not found' },
    { name: 'dml' as const, available: false, detail: 'unavailable: Windows only' },
  ],
};

describe('device choice in settings', () => {
  it('offers the available devices only, auto first with what it picks here', () => {
    const { options } = deviceChoice(report, 'auto');
    expect(options.map((o) => o.name)).toEqual(['auto', 'cpu', 'webgpu']);
    expect(options[0].label).toBe('auto (cpu here)');
    expect(options[1].title).toBe('ONNX Runtime CPU execution provider');
  });

  it('names each missing device with the reason the host gave (or that it did not report it)', () => {
    expect(deviceChoice(report, 'auto').missing).toEqual([
      'cuda: unavailable: libcudart.so.12 not found',
      'dml: unavailable: Windows only',
      'coreml: not reported by this host',
    ]);
  });

  it('keeps a device that is set but not available here, marked as such', () => {
    const { options } = deviceChoice(report, 'cuda');
    expect(options.map((o) => o.name)).toEqual(['auto', 'cpu', 'webgpu', 'cuda']);
    expect(options[3].label).toBe('cuda (not available here)');
  });

  it('before the host answers, every device name is offered and none is called missing', () => {
    const choice = deviceChoice(null, 'cpu');
    expect(choice.options.map((o) => o.name)).toEqual(['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml']);
    expect(choice.missing).toEqual([]);
  });
});
