// Public face of the ONNX runtime layer for the engine worker and hosts.
// (Stub signatures: the model-runtime work fills these in.)
import type { DeviceName, RuntimeServices } from '../../nodes/api.ts';

export interface ModelInfo {
  /** Name relative to its models folder (what `model`/`file` widgets hold). */
  name: string;
  /** The folder it was found in (user models folder or the bundled one). */
  root: string;
  kind: 'pipeline' | 'unet' | 'text_encoder' | 'vae_decoder' | 'vae_encoder' | 'unknown';
  layout: 'diffusers-onnx' | 'single-file';
  /** Content hash (hex sha256 of the model files' bytes), recorded in graphs. */
  sha256: string;
  /** Input and output names with element types and shapes, for display. */
  inputs: string[];
  bytes: number;
}

export interface LoadedModelInfo {
  name: string;
  slot: string;
  device: string;
  bytes: number;
}

export interface DeviceInfo {
  name: DeviceName;
  available: boolean;
  detail: string;
}

export async function listModels(_searchPath: readonly string[]): Promise<ModelInfo[]> {
  return [];
}

export function loadedModels(_runtime: RuntimeServices): LoadedModelInfo[] {
  return [];
}

export async function unloadModels(_runtime: RuntimeServices): Promise<void> {}

export async function availableDevices(): Promise<{ devices: DeviceInfo[]; auto: DeviceName }> {
  return { devices: [{ name: 'cpu', available: true, detail: 'ONNX Runtime CPU' }], auto: 'cpu' };
}
