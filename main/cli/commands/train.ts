// `diffgraph train`: train a small pixel-space DDPM on a folder of images (Algorithm 1 of Ho et al.
// 2020, in the hand-written TypeScript trainer) and export it as an ONNX pipeline folder.
import { readdir } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import type { ClassSource } from '../../train/dataset.ts';
import { CliError, EXIT } from '../exit.ts';
import { parseCount } from '../run/seeds.ts';
import { errorMessage } from '../util/problems.ts';

const EXAMPLES = `
Examples:
  $ diffgraph train my-images/ --out models/my-ddpm --steps 2000
  $ diffgraph train models/features/diffgraph-shapes/reference --classes part:2 --out models/shapes-ddpm
  $ diffgraph train my-images/ --out models/my-ddpm --steps 4000 --resume

Classes: "subfolders" (each subfolder of DATASET is a class), "part:K" (the K-th '_'-separated part of
the file name, from 0: part 2 of 000_red_circle_small_center.png is "circle"), or "none"; the default
"auto" uses subfolders when DATASET has any. A class name must be one CLIP word so prompts can name it.
MODEL_DIR receives checkpoint.safetensors (resume with --resume), samples/step-N.png grids and, at the
end, the exported pipeline (unet/, text_encoder/, vae_decoder/, scheduler/ ...) for LoadPipeline.`;

const parseRate = (text: string): number => {
  const value = Number(text);
  if (!(value > 0 && value < 1))
    throw new InvalidArgumentError(`expected a learning rate between 0 and 1, got "${text}"`);
  return value;
};

const parseChannels = (text: string): [number, number] => {
  const parts = text.split(',').map(Number);
  if (parts.length !== 2 || !parts.every((c) => Number.isInteger(c) && c >= 4 && c <= 256 && c % 4 === 0))
    throw new InvalidArgumentError(`expected two channel counts like 16,32 (multiples of 4), got "${text}"`);
  return parts as [number, number];
};

async function classSource(dataset: string, text: string): Promise<ClassSource> {
  if (text === 'none' || text === 'subfolders') return text;
  const part = /^part:(\d+)$/.exec(text);
  if (part) return { namePart: Number(part[1]) };
  if (text !== 'auto')
    throw new CliError(
      [`--classes: expected auto, subfolders, part:K or none, got "${text}"`],
      EXIT.badInput,
    );
  const entries = await readdir(dataset, { withFileTypes: true }).catch(() => {
    throw new CliError([`${dataset}: no such folder`], EXIT.badInput);
  });
  return entries.some((e) => e.isDirectory()) ? 'subfolders' : 'none';
}

interface TrainCliOptions {
  out: string;
  steps: number;
  batch: number;
  lr: number;
  size: number;
  seed: number;
  resume: boolean;
  sampleEvery: number;
  classes: string;
  channels: [number, number];
}

export function trainCommand(): Command {
  return new Command('train')
    .description('Train a small DDPM on a folder of images and export it as an ONNX pipeline')
    .argument('<dataset>', 'folder of training images')
    .requiredOption('--out <model_dir>', 'output folder: checkpoint, sample grids, exported pipeline')
    .option('--steps <n>', 'training steps in total', parseCount(1), 2000)
    .option('--batch <n>', 'images per step', parseCount(1), 16)
    .option('--lr <rate>', 'Adam learning rate', parseRate, 2e-3)
    .option('--size <pixels>', 'training resolution (square, multiple of 4)', parseCount(8), 32)
    .option('--seed <n>', 'seed for weights, batches, timesteps and noise', parseCount(0), 0)
    .option('--resume', 'continue from MODEL_DIR/checkpoint.safetensors', false)
    .option('--sample-every <n>', 'steps between sample grids (0: none)', parseCount(0), 500)
    .option('--classes <source>', 'auto, subfolders, part:K or none', 'auto')
    .option('--channels <c0,c1>', 'U-Net channels at full and half resolution', parseChannels, [16, 32])
    .addHelpText('after', EXAMPLES)
    .action(async (dataset: string, options: TrainCliOptions) => {
      const { DEFAULT_TRAIN_OPTIONS, train } = await import('../../train/trainer.ts');
      const classes = await classSource(dataset, options.classes);
      const bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'train |{bar}| {value}/{total} steps | loss {loss} | ETA {eta_formatted}',
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      let started = false;
      const abort = new AbortController();
      const onInterrupt = () => abort.abort(new Error('interrupted; resume with --resume'));
      process.once('SIGINT', onInterrupt);
      try {
        const run = await train({
          ...DEFAULT_TRAIN_OPTIONS,
          ...options,
          dataset,
          classes,
          signal: abort.signal,
          onNote: (message) => process.stderr.write(`${message}\n`),
          onStep(step, total, loss) {
            if (!started) bar.start(total, step - 1, { loss: '-' });
            started = true;
            bar.update(step, { loss: loss.toFixed(4) });
          },
        });
        bar.stop();
        const losses = run.state.losses.slice(-100);
        const mean = losses.reduce((s, v) => s + v, 0) / Math.max(1, losses.length);
        process.stdout.write(
          `trained ${run.state.step} steps; mean loss of the last ${losses.length}: ${mean.toFixed(4)}\n`,
        );
        process.stdout.write(
          `pipeline written to ${options.out} (classes: ${run.state.classNames.join(', ') || 'none'})\n`,
        );
      } catch (error) {
        bar.stop();
        throw new CliError([errorMessage(error)], EXIT.badInput);
      } finally {
        process.off('SIGINT', onInterrupt);
      }
    });
}
