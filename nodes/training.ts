// TrainDiffusion: trains a small pixel-space DDPM on a folder of images (Algorithm 1 of Ho et al.
// 2020) through ctx.services.training, shows the loss curve live as the node's preview, and hands
// the exported pipeline on as MODEL, CLIP and VAE.
import './training-service.ts';
import { defineNode, type NodeDefinition } from './api.ts';
import { lossCurvePreview } from './math/loss-curve.ts';
import type { TrainingClasses } from './training-service.ts';
import { onWidgets } from './widget-errors.ts';

/** Progress events carry a fresh curve at most this often (steps are fast on small models). */
const PREVIEW_EVERY_MS = 500;

export const trainingNodes: NodeDefinition[] = [
  defineNode({
    type: 'TrainDiffusion',
    displayName: 'Train Diffusion (DDPM)',
    category: 'training',
    description:
      'Trains a small U-Net noise predictor on a folder of images with the simple DDPM loss ‖ε − ε_θ(√ᾱ_t x₀ + √(1−ᾱ_t) ε, t)‖² (Ho et al. 2020), Adam and an EMA of the weights, and writes it as a pipeline into the models folder',
    inputs: [],
    widgets: [
      {
        name: 'dataset',
        kind: 'string',
        default: '',
        description: 'Folder of training images, under the input folder or the models folders',
      },
      {
        name: 'classes',
        kind: 'string',
        default: 'auto',
        description:
          'auto, subfolders (one class per subfolder), part:K (the K-th _-separated part of file names) or none',
      },
      { name: 'steps', kind: 'int', default: 2000, min: 1, max: 1_000_000 },
      { name: 'batch', kind: 'int', default: 16, min: 1, max: 1024 },
      { name: 'lr', kind: 'float', default: 0.002, min: 0.00001, max: 0.1, step: 0.0001 },
      { name: 'seed', kind: 'int', default: 0, min: 0, max: 2 ** 32 },
      { name: 'size', kind: 'int', default: 32, min: 8, max: 256 },
      {
        name: 'out',
        kind: 'string',
        default: 'trained-ddpm',
        description: 'Pipeline folder name written under the models folder',
      },
      {
        name: 'resume',
        kind: 'boolean',
        default: true,
        description: 'Continue from the folder’s checkpoint when it has one',
      },
    ],
    outputs: [
      { name: 'model', type: 'MODEL' },
      { name: 'clip', type: 'CLIP' },
      { name: 'vae', type: 'VAE' },
      { name: 'model_name', type: 'STRING', description: 'The pipeline name for LoadPipeline' },
      { name: 'loss', type: 'FLOAT', description: 'Mean loss of the last 100 steps' },
    ],
    output: true,
    run: async (ctx, inputs) => {
      const losses: number[] = [];
      let shown = 0;
      const result = await onWidgets({ dataset: 'dataset', classes: 'classes', out: 'out' }, () =>
        ctx.services.training.train(
          {
            dataset: String(inputs.dataset),
            classes: String(inputs.classes) as TrainingClasses,
            steps: Number(inputs.steps),
            batch: Number(inputs.batch),
            lr: Number(inputs.lr),
            seed: Number(inputs.seed),
            size: Number(inputs.size),
            out: String(inputs.out),
            resume: Boolean(inputs.resume),
          },
          (step, total, loss) => {
            losses.push(loss);
            const now = Date.now();
            const last = step === total;
            if (!last && now - shown < PREVIEW_EVERY_MS) return ctx.progress(step, total);
            shown = now;
            ctx.progress(step, total, lossCurvePreview(losses));
          },
          ctx.signal,
        ),
      );
      ctx.log.info(
        `trained ${result.steps} steps, loss ${result.loss.toPrecision(4)}; pipeline "${result.model}" (classes: ${result.classNames.join(', ') || 'none'})`,
      );
      const pipeline = await ctx.services.models.loadPipeline(result.model, 'cpu');
      return { ...pipeline, model_name: result.model, loss: result.loss };
    },
  }),
];
