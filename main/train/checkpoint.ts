// Training checkpoints as one safetensors file written atomically: the weights, Adam's two moments,
// the EMA weights, and (in the metadata) the run's settings and step. The step is the whole RNG state
// (every step's randomness is keyed by seed and step), so a resumed run continues exactly.

import { openSafetensors } from '../checkpoint/safetensors-read.ts';
import { writeSafetensors } from '../checkpoint/safetensors-write.ts';
import type { Adam, WeightAverage } from './optimizer.ts';
import type { Param } from './param.ts';
import type { UNetConfig } from './unet.ts';

export const CHECKPOINT_FORMAT = 'diffgraph-train-1';

/** Everything about a run that is not a tensor. */
export interface RunState {
  config: UNetConfig;
  /** Steps completed. */
  step: number;
  seed: number;
  batch: number;
  lr: number;
  emaDecay: number;
  classDropout: number;
  size: number;
  classNames: string[];
  /** Mean loss of each completed step. */
  losses: number[];
}

export async function saveCheckpoint(
  path: string,
  state: RunState,
  adam: Adam,
  ema: WeightAverage,
): Promise<void> {
  const tensors = adam.params.flatMap((p, k) => [
    tensor(`param/${p.name}`, p, Float32Array.from(p.data)),
    tensor(`adam_m/${p.name}`, p, adam.m[k]),
    tensor(`adam_v/${p.name}`, p, adam.v[k]),
    tensor(`ema/${p.name}`, p, ema.shadow[k]),
  ]);
  await writeSafetensors(path, tensors, { format: CHECKPOINT_FORMAT, run: JSON.stringify(state) });
}

function tensor(name: string, p: Param, values: Float32Array) {
  return { name, shape: p.shape, dtype: 'F32' as const, values };
}

/** The run state stored in a checkpoint (to rebuild the model before restoring tensors). */
export async function readRunState(path: string): Promise<RunState> {
  const file = await openSafetensors(path);
  try {
    const meta = file.metadata();
    if (meta.format !== CHECKPOINT_FORMAT || !meta.run)
      throw new Error(
        `${path}: not a Diffgraph training checkpoint (metadata format '${meta.format ?? ''}')`,
      );
    return JSON.parse(meta.run) as RunState;
  } finally {
    await file.close();
  }
}

/** Restore weights, moments and EMA into a model built from the same config. */
export async function restoreCheckpoint(path: string, adam: Adam, ema: WeightAverage): Promise<void> {
  const file = await openSafetensors(path);
  try {
    for (const [k, p] of adam.params.entries()) {
      const shape = file.info(`param/${p.name}`).shape;
      if (shape.join(',') !== p.shape.join(','))
        throw new Error(`${path}: param/${p.name} has shape [${shape}], the model expects [${p.shape}]`);
      p.data.set(await file.read(`param/${p.name}`));
      adam.m[k].set(await file.read(`adam_m/${p.name}`));
      adam.v[k].set(await file.read(`adam_v/${p.name}`));
      ema.shadow[k].set(await file.read(`ema/${p.name}`));
    }
  } finally {
    await file.close();
  }
}
