// `diffgraph score`: FID and KID between two image sets, CLIPScore of images against a prompt.
import { Command, Option } from 'commander';
import { DEVICE_NAMES, type DeviceName } from '../../../nodes/api.ts';
import { CliError, EXIT } from '../exit.ts';
import { parseCount } from '../run/seeds.ts';
import { errorMessage } from '../util/problems.ts';

const EXAMPLES = `
Examples:
  $ diffgraph score fid renders/ reference/ --features models/features/inception/model.onnx
  $ diffgraph score kid renders/ reference/ --features models/features/inception/model.onnx --json
  $ diffgraph score clip renders/ --prompt "a red circle" --clip models/features/clip-vit-b32

A set is a folder of images (.png, .jpg, .webp) or one image file. A feature model is an ONNX file with one
input [B,3,H,W] and one output [B,D], with a features.json beside it: {"size": [H, W], "range": [0, 1] or
[-1, 1], "mean"?: [r, g, b], "std"?: [r, g, b], "resize"?: "bilinear"}.
--json prints one JSON object: the score under its own name, its parts and the image counts.`;

interface CommonOptions {
  json: boolean;
  device: DeviceName;
}

function print(report: Record<string, unknown> & { warnings: string[] }, json: boolean): void {
  for (const w of report.warnings) process.stderr.write(`warning: ${w}\n`);
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  for (const [key, value] of Object.entries(report)) {
    if (key === 'warnings' || key === 'per_image') continue;
    process.stdout.write(`${key}: ${typeof value === 'number' ? Number(value.toPrecision(8)) : value}\n`);
  }
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new CliError([errorMessage(error)], EXIT.badInput);
  }
}

const device = () => new Option('--device <name>', 'inference device').choices(DEVICE_NAMES).default('cpu');

function distanceCommand(metric: 'fid' | 'kid'): Command {
  const command = new Command(metric)
    .description(
      metric === 'fid'
        ? 'Fréchet distance between the feature statistics of two image sets'
        : 'Kernel Inception Distance (unbiased MMD², cubic kernel) between two image sets',
    )
    .argument('<setA>', 'folder of images, or one image')
    .argument('<setB>', 'folder of images, or one image')
    .requiredOption('--features <model.onnx>', 'feature-extractor ONNX model (features.json beside it)')
    .addOption(device())
    .option('--json', 'print one JSON object', false);
  if (metric === 'kid') {
    command
      .option(
        '--subset-size <n>',
        'images per subset (default 1000; a smaller set is used whole)',
        parseCount(2),
      )
      .option(
        '--subsets <n>',
        'number of random subsets (default 100, 1 when every set is used whole)',
        parseCount(1),
      )
      .option('--seed <n>', 'seed for choosing subsets', parseCount(0), 0);
  }
  return command.action(
    async (
      a: string,
      b: string,
      options: CommonOptions & { features: string; subsetSize?: number; subsets?: number; seed?: number },
    ) => {
      const { scoreDistance } = await import('../../eval/score.ts');
      const report = await guarded(() =>
        scoreDistance(metric, a, b, options.features, options.device, {
          subsetSize: options.subsetSize,
          subsets: options.subsets,
          seed: options.seed,
        }),
      );
      print(report, options.json);
    },
  );
}

function clipCommand(): Command {
  return new Command('clip')
    .description('CLIPScore of images against a prompt: w · max(cos(image, text), 0), averaged')
    .argument('<images>', 'folder of images, or one image')
    .requiredOption('--prompt <text>', 'the text the images should show')
    .requiredOption('--clip <dir>', 'CLIP folder: image_encoder/, text_encoder/, tokenizer/')
    .addOption(
      new Option('--weight <name>', 'w = 2.5 (Hessel et al. 2021) or 100 (as torchmetrics reports it)')
        .choices(['hessel', 'torchmetrics'])
        .default('hessel'),
    )
    .addOption(device())
    .option('--json', 'print one JSON object', false)
    .action(
      async (
        images: string,
        options: CommonOptions & { prompt: string; clip: string; weight: 'hessel' | 'torchmetrics' },
      ) => {
        const { scoreClip } = await import('../../eval/score.ts');
        print(
          await guarded(() =>
            scoreClip(images, options.prompt, options.clip, options.device, options.weight),
          ),
          options.json,
        );
      },
    );
}

export function scoreCommand(): Command {
  return new Command('score')
    .description('score images: FID and KID between two sets, CLIPScore against a prompt')
    .addCommand(distanceCommand('fid'))
    .addCommand(distanceCommand('kid'))
    .addCommand(clipCommand())
    .addHelpText('after', EXAMPLES);
}
