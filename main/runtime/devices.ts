// Which ONNX Runtime execution providers this machine offers, and what `auto` picks.
// Probed once per process by creating and running a tiny session on each candidate.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import type { DeviceName } from '../../nodes/api.ts';
import { GraphBuilder, modelBytes } from '../onnx/index.ts';

export type ConcreteDevice = Exclude<DeviceName, 'auto'>;

export interface DeviceInfo {
  name: DeviceName;
  available: boolean;
  detail: string;
}

export interface DeviceReport {
  devices: DeviceInfo[];
  auto: DeviceName;
}

/** The ORT execution-provider list for a device (ORT adds CPU for nodes a GPU EP cannot run). */
export function executionProviders(device: ConcreteDevice): string[] {
  return [device];
}

/** Why a device cannot exist on this platform, or null when it may. */
function platformGate(device: ConcreteDevice): string | null {
  if (device === 'dml' && process.platform !== 'win32') return 'DirectML is Windows only';
  if (device === 'coreml' && process.platform !== 'darwin') return 'Core ML is macOS only';
  return null;
}

function ortBinaryDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('onnxruntime-node/package.json'));
  return join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
}

/** The CUDA EP is an optional download of onnxruntime-node's install step. */
function cudaInstalled(): boolean {
  const dir = ortBinaryDir();
  return existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('libonnxruntime_providers_cuda'));
}

/**
 * On Linux, WebGPU runs on whatever Vulkan driver is installed, including Mesa's software
 * rasteriser (lavapipe). Without a GPU device node there is no hardware behind it: it works
 * (tests use it) but is far slower than the CPU EP, so `auto` should not choose it.
 */
export function linuxHasGpuDevice(): boolean {
  const dri = '/dev/dri';
  const hasRender = existsSync(dri) && readdirSync(dri).some((f) => f.startsWith('renderD'));
  return hasRender || existsSync('/dev/nvidia0');
}

function probeModel(): Uint8Array {
  const g = new GraphBuilder('device_probe');
  const x = g.input('x', 'float32', [1, 4]);
  g.output('y', g.node('Mul', [x, g.scalar(2)]), 'float32', [1, 4]);
  return modelBytes(g.build());
}

/** Why `device` cannot work here without trying it (wrong platform, provider not installed), or null. */
export function knownUnavailable(device: ConcreteDevice): string | null {
  const gate = platformGate(device);
  if (gate) return gate;
  if (device === 'cuda' && !cudaInstalled()) {
    return 'CUDA execution provider not installed (reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci; needs CUDA 12 + cuDNN 9)';
  }
  return null;
}

/** Create and run a tiny session on `device`; resolves to null when it works, else the reason. */
export async function probeDevice(device: ConcreteDevice): Promise<string | null> {
  const known = knownUnavailable(device);
  if (known) return known;
  try {
    const session = await ort.InferenceSession.create(probeModel(), {
      executionProviders: executionProviders(device),
      logSeverityLevel: 3,
    });
    try {
      const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) });
      const y = out.y.data as Float32Array;
      if (y[3] !== 8) return `test run gave a wrong result (${Array.from(y)})`;
    } finally {
      await session.release();
    }
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

/** `auto`: CUDA, else WebGPU on real hardware, else CPU. */
export function chooseAuto(devices: readonly DeviceInfo[], webgpuIsSoftware: boolean): ConcreteDevice {
  const ok = (name: DeviceName) => devices.some((d) => d.name === name && d.available);
  if (ok('cuda')) return 'cuda';
  if (ok('dml')) return 'dml';
  if (ok('webgpu') && !webgpuIsSoftware) return 'webgpu';
  return 'cpu';
}

const DETAILS: Record<ConcreteDevice, string> = {
  cpu: 'ONNX Runtime CPU execution provider',
  webgpu: 'WebGPU execution provider (Dawn: Vulkan, D3D12 or Metal)',
  cuda: 'CUDA execution provider (NVIDIA)',
  dml: 'DirectML execution provider (Windows)',
  coreml: 'Core ML execution provider (macOS)',
};

async function probeAll(): Promise<DeviceReport> {
  const webgpuIsSoftware = process.platform === 'linux' && !linuxHasGpuDevice();
  const devices: DeviceInfo[] = [];
  for (const name of ['cpu', 'webgpu', 'cuda', 'dml', 'coreml'] as const) {
    const failure = await probeDevice(name);
    let detail = failure ? `unavailable: ${failure}` : DETAILS[name];
    if (!failure && name === 'webgpu' && webgpuIsSoftware) {
      detail = `${DETAILS.webgpu}; no GPU device found, so it runs on a software driver (slow; auto does not pick it)`;
    }
    devices.push({ name, available: failure === null, detail });
  }
  const auto = chooseAuto(devices, webgpuIsSoftware);
  devices.unshift({ name: 'auto', available: true, detail: `picks ${auto}` });
  return { devices, auto };
}

let report: Promise<DeviceReport> | undefined;
let autoReport: Promise<DeviceReport> | undefined;

/**
 * What `auto` picks, probing only the devices it could pick: a software-only WebGPU (no GPU
 * device node on Linux) is reported without creating a Dawn device, which would cost time and
 * print driver warnings on every CLI run of a machine without a GPU.
 */
export function autoDevices(): Promise<DeviceReport> {
  autoReport ??= report ?? probeForAuto();
  return autoReport;
}

async function probeForAuto(): Promise<DeviceReport> {
  const webgpuIsSoftware = process.platform === 'linux' && !linuxHasGpuDevice();
  const devices: DeviceInfo[] = [{ name: 'cpu', available: true, detail: DETAILS.cpu }];
  for (const name of ['cuda', 'dml', 'webgpu'] as const) {
    if (name === 'webgpu' && webgpuIsSoftware) {
      devices.push({
        name,
        available: false,
        detail: `${DETAILS.webgpu}: no GPU device found (only a software driver could run it)`,
      });
      continue;
    }
    const failure = await probeDevice(name);
    devices.push({
      name,
      available: failure === null,
      detail: failure ? `unavailable: ${failure}` : DETAILS[name],
    });
    if (!failure) break;
  }
  const auto = chooseAuto(devices, webgpuIsSoftware);
  return { devices: [{ name: 'auto', available: true, detail: `picks ${auto}` }, ...devices], auto };
}

/** What is available and what `auto` picks (probed once per process). */
export function availableDevices(): Promise<DeviceReport> {
  report ??= probeAll();
  return report;
}
