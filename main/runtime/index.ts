// Public face of the ONNX runtime layer for the engine worker, hosts and the CLI.
import type { DeviceName, RuntimeServices } from '../../nodes/api.ts';
import { type DeviceInfo, availableDevices as probeDevices } from './devices.ts';

export { autoDevices } from './devices.ts';

import { type ModelInfo, type ScanProblem, scanModels } from './model-scan.ts';
import { sessionPool } from './session-pool.ts';

export { ClipTokenizer, loadClipTokenizer } from './clip-tokenizer.ts';
export type { DeviceInfo } from './devices.ts';
export type { ModelInfo } from './model-scan.ts';
export { modelSha256 } from './model-scan.ts';
export { type RunTimer, SESSION_POOL_KEY, sessionPool } from './session-pool.ts';

export interface LoadedModelInfo {
  /** What `unloadModels(key)` takes: one session (model file on a device). */
  key: string;
  name: string;
  slot: string;
  device: string;
  bytes: number;
}

/** Every model under the folders (user models folder first, then the bundled ones). */
export async function listModels(
  searchPath: readonly string[],
  problems?: ScanProblem[],
): Promise<ModelInfo[]> {
  return scanModels(searchPath, problems);
}

/**
 * Sessions loaded in this process, with device and approximate memory (weight bytes).
 * Sessions still loading are not listed.
 */
export function loadedModels(runtime: RuntimeServices): LoadedModelInfo[] {
  return sessionPool(runtime)
    .settled()
    .map((s) => ({ key: s.key, name: s.name, slot: s.slot, device: s.device, bytes: s.bytes }));
}

/**
 * Release one session (by its LoadedModelInfo key) or every session (no key); a run in flight keeps
 * its session until it ends. The next run loads what it needs again. An unknown key is an error.
 */
export async function unloadModels(runtime: RuntimeServices, key?: string): Promise<void> {
  if (key === undefined) {
    await sessionPool(runtime).unloadAll();
    return;
  }
  if (!(await sessionPool(runtime).unload(key))) throw new Error(`no loaded model "${key}" to unload`);
}

/** What each device offers here and what `auto` picks (probed once per process). */
export async function availableDevices(): Promise<{ devices: DeviceInfo[]; auto: DeviceName }> {
  return probeDevices();
}
export { type ModelReference, modelReferences } from './model-refs.ts';
