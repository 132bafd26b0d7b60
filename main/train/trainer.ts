// A training run: builds (or resumes) the model, runs Algorithm 1 steps with Adam and an EMA, and
// writes checkpoints and sample grids into the output folder as it goes.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { nextTurn } from '../../nodes/math/interruptible.ts';
import { BUNDLED_MODELS_DIR } from '../paths.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { type RunState, readRunState, restoreCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { type ClassSource, type Dataset, loadDataset } from './dataset.ts';
import { ddpmAlphasCumprod, MAX_STEPS, trainingStep } from './ddpm.ts';
import { exportPipeline } from './export/pipeline.ts';
import { Adam, WeightAverage } from './optimizer.ts';
import { gridPng, sampleImages } from './sampling.ts';
import { TinyUNet, type UNetConfig } from './unet.ts';

export interface TrainOptions {
  dataset: string;
  out: string;
  steps: number;
  batch: number;
  lr: number;
  seed: number;
  size: number;
  classes: ClassSource;
  /** Continue from out/checkpoint.safetensors when it exists. */
  resume: boolean;
  /** Steps between sample grids (0: none). */
  sampleEvery: number;
  /** Steps between checkpoints (the last step always writes one). */
  checkpointEvery: number;
  emaDecay: number;
  classDropout: number;
  channels: [number, number];
  /** Write the EMA model as an ONNX pipeline into `out` at the end (default true). */
  exportPipeline?: boolean;
  signal?: AbortSignal;
  onStep?(step: number, total: number, loss: number): void;
  onNote?(message: string): void;
}

export const DEFAULT_TRAIN_OPTIONS = {
  steps: 2000,
  batch: 16,
  lr: 2e-3,
  seed: 0,
  size: 32,
  classes: 'subfolders' as ClassSource,
  resume: false,
  sampleEvery: 500,
  checkpointEvery: 100,
  emaDecay: 0.995,
  classDropout: 0.1,
  channels: [16, 32] as [number, number],
};

export interface TrainRun {
  model: TinyUNet;
  /** The model with the EMA weights (what is sampled and exported). */
  emaModel: TinyUNet;
  state: RunState;
  data: Dataset;
}

/** The CLIP tokenizer shipped with the default model (class words are looked up in its vocabulary). */
const TOKENIZER = join(BUNDLED_MODELS_DIR, 'diffgraph-shapes', 'tokenizer');

export function checkpointPath(out: string): string {
  return join(out, 'checkpoint.safetensors');
}

export async function train(options: TrainOptions): Promise<TrainRun> {
  validate(options);
  await mkdir(options.out, { recursive: true });
  const data = await loadDataset(options.dataset, options.size, options.classes);
  const path = checkpointPath(options.out);
  const resuming = options.resume && existsSync(path);
  const state = resuming ? await readRunState(path) : freshState(options, data);
  if (resuming) checkCompatible(state, options, data, path);
  const model = new TinyUNet(state.config, state.seed);
  const adam = new Adam(model.params(), { lr: state.lr, clipNorm: 1 });
  const ema = new WeightAverage(model.params(), state.emaDecay);
  if (resuming) {
    await restoreCheckpoint(path, adam, ema);
    adam.step = state.step;
    options.onNote?.(`resumed from step ${state.step}`);
  }
  const alphasCumprod = ddpmAlphasCumprod();
  const emaModel = new TinyUNet(state.config, state.seed);
  while (state.step < options.steps) {
    if (options.signal?.aborted) {
      // Keep the steps done since the last checkpoint, so --resume loses nothing.
      await saveCheckpoint(path, state, adam, ema);
      options.signal.throwIfAborted();
    }
    adam.zeroGrad();
    const loss = trainingStep(model, data, alphasCumprod, state.step, {
      batch: state.batch,
      seed: state.seed,
      classDropout: state.classDropout,
    });
    if (!Number.isFinite(loss))
      throw new Error(`training diverged at step ${state.step + 1} (loss ${loss}); lower --lr`);
    adam.update();
    ema.update(state.step);
    state.step++;
    state.losses.push(loss);
    options.onStep?.(state.step, options.steps, loss);
    const last = state.step === options.steps;
    if (last || state.step % options.checkpointEvery === 0) await saveCheckpoint(path, state, adam, ema);
    if (options.sampleEvery > 0 && (last || state.step % options.sampleEvery === 0)) {
      ema.copyTo(emaModel.params());
      await writeSampleGrid(emaModel, state, options.out);
    }
    await nextTurn();
  }
  ema.copyTo(emaModel.params());
  if (options.exportPipeline !== false) {
    options.onNote?.(`exporting the EMA model to ${options.out}`);
    await exportPipeline(options.out, {
      model: emaModel,
      size: state.size,
      classNames: state.classNames,
      tokenizerSource: TOKENIZER,
    });
  }
  return { model, emaModel, state, data };
}

function freshState(options: TrainOptions, data: Dataset): RunState {
  const config: UNetConfig = {
    channels: options.channels,
    embWidth: 4 * options.channels[0],
    groups: Math.min(8, options.channels[0] / 2),
    classes: data.classNames.length,
    imageChannels: 3,
    noiseSkip: true,
  };
  return {
    config,
    step: 0,
    seed: options.seed,
    batch: options.batch,
    lr: options.lr,
    emaDecay: options.emaDecay,
    classDropout: options.classDropout,
    size: options.size,
    classNames: data.classNames,
    losses: [],
  };
}

function checkCompatible(state: RunState, options: TrainOptions, data: Dataset, path: string): void {
  if (state.size !== options.size)
    throw new Error(`${path}: trained at size ${state.size}, cannot resume at size ${options.size}`);
  if (state.classNames.join(',') !== data.classNames.join(','))
    throw new Error(
      `${path}: trained on classes [${state.classNames}], the dataset now has [${data.classNames}]`,
    );
}

function validate(options: TrainOptions): void {
  const whole = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`${name}: expected a whole number from ${min} to ${max}, got ${value}`);
  };
  whole('steps', options.steps, 1, MAX_STEPS - 1);
  whole('batch', options.batch, 1, 1024);
  whole('seed', options.seed, 0, 2 ** 32);
  whole('size', options.size, 8, 256);
  if (options.size % 4 !== 0)
    throw new Error(`size: must be a multiple of 4 (two 2× downsamplings), got ${options.size}`);
  if (!(options.lr > 0 && options.lr < 1))
    throw new Error(`lr: expected a learning rate between 0 and 1, got ${options.lr}`);
}

/** One image per class (or 8 unconditional), twice over, from the EMA weights. */
async function writeSampleGrid(model: TinyUNet, state: RunState, out: string): Promise<void> {
  const k = state.classNames.length;
  const ids = k > 0 ? [...Array(2 * k).keys()].map((i) => i % k) : new Array(8).fill(-1);
  const images = await sampleImages(model, {
    classIds: ids,
    size: state.size,
    seed: state.seed,
    steps: 20,
    cfg: 3,
  });
  const columns = k > 0 ? k : 4;
  const png = gridPng(images, ids.length, state.size, columns);
  await mkdir(join(out, 'samples'), { recursive: true });
  await writeFileAtomic(join(out, 'samples', `step-${String(state.step).padStart(6, '0')}.png`), png);
}
