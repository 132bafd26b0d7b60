// The training service nodes reach as `ctx.services.training` (declared here by merging into
// NodeServices; implemented in main/services/training.ts): the hand-written DDPM trainer runs on the
// Node side and writes an ONNX pipeline folder into the models folder.
import type { DeviceName } from './services.ts';

export type TrainingClasses = 'auto' | 'subfolders' | 'none' | `part:${number}`;

export interface TrainingRequest {
  /** Folder of images, under the input folder or the models folders. */
  dataset: string;
  classes: TrainingClasses;
  steps: number;
  batch: number;
  lr: number;
  seed: number;
  size: number;
  /** Name of the pipeline folder written under the first models folder. */
  out: string;
  /** Continue from the folder's checkpoint when it has one. */
  resume: boolean;
}

export interface TrainingResult {
  /** The pipeline's name for LoadPipeline (the `out` folder). */
  model: string;
  /** Mean loss of the last (up to) 100 steps. */
  loss: number;
  steps: number;
  classNames: string[];
}

export interface TrainingService {
  train(
    request: TrainingRequest,
    onStep: (step: number, total: number, loss: number) => void,
    signal: AbortSignal,
  ): Promise<TrainingResult>;
}

export type { DeviceName };

declare module './services.ts' {
  interface NodeServices {
    training: TrainingService;
  }
}
