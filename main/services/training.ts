// ctx.services.training: runs the DDPM trainer (main/train/) for the TrainDiffusion node. The dataset
// resolves under the input folder or the models folders; the output is a plain folder name written
// under the first models folder, where LoadPipeline finds it.
import { join } from 'node:path';
import type { TrainingResult, TrainingService } from '../../nodes/training-service.ts';
import { ModelInputError } from '../../nodes/widget-errors.ts';
import { modelRoots, resolveModel } from '../runtime/model-resolve.ts';
import type { ClassSource } from '../train/dataset.ts';
import type { ServiceScope } from './index.ts';

const OUT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function classSource(text: string): ClassSource {
  if (text === 'none' || text === 'subfolders') return text;
  const part = /^part:(\d+)$/.exec(text);
  if (part) return { namePart: Number(part[1]) };
  throw new ModelInputError('classes', `expected subfolders, part:K or none, got "${text}"`);
}

export function createTraining({ runtime, warn }: ServiceScope): TrainingService {
  return {
    async train(request, onStep, signal): Promise<TrainingResult> {
      if (!OUT_NAME.test(request.out))
        throw new ModelInputError(
          'out',
          `expected a folder name (letters, digits, . _ -), got "${request.out}"`,
        );
      let dataset: string;
      try {
        const found = await resolveModel({
          name: request.dataset,
          what: 'training image folder',
          roots: [runtime.paths.input, ...modelRoots(runtime)],
          allowAbsolute: runtime.allowAbsolutePaths,
        });
        if (found.notice) warn(found.notice);
        dataset = found.path;
      } catch (error) {
        if (error instanceof ModelInputError) throw new ModelInputError('dataset', error.message);
        throw error;
      }
      const { readdir } = await import('node:fs/promises');
      const classes =
        request.classes === 'auto'
          ? (await readdir(dataset, { withFileTypes: true })).some((e) => e.isDirectory())
            ? 'subfolders'
            : 'none'
          : classSource(request.classes);
      const { DEFAULT_TRAIN_OPTIONS, train } = await import('../train/trainer.ts');
      const run = await train({
        ...DEFAULT_TRAIN_OPTIONS,
        ...request,
        dataset,
        classes,
        out: join(runtime.paths.models, request.out),
        signal,
        onStep,
      });
      const recent = run.state.losses.slice(-100);
      return {
        model: request.out,
        loss: recent.reduce((s, v) => s + v, 0) / Math.max(1, recent.length),
        steps: run.state.step,
        classNames: run.state.classNames,
      };
    },
  };
}
