// `diffgraph eval`: a grid of widget values × seeds, each cell's images scored against a reference set.
import { Command, Option } from 'commander';
import { DEVICE_NAMES, type DeviceName } from '../../../nodes/api.ts';
import { CliError, EXIT } from '../exit.ts';
import { parseSeedList } from '../run/seeds.ts';
import { collectOverride, type Override } from '../run/set-option.ts';
import { errorMessage } from '../util/problems.ts';

const EXAMPLES = `
Examples:
  $ diffgraph eval graphs/default.json --set sampler.sampler=ddim,euler --set schedule.steps=10,20,50 \\
      --seeds 1-40 --reference shapes/ --features models/features/diffgraph-shapes/model.onnx

A --set value with commas is a grid axis (write \\, for a literal comma); single values stay fixed.
Writes eval.json (each cell's values, images and scores) and eval-<metric>.svg/.png (score against the
first numeric axis) into --out.`;

interface EvalCliOptions {
  set: Override[];
  seeds: number[];
  reference: string;
  features: string;
  metric: string;
  out: string;
  models?: string;
  device: DeviceName;
  json: boolean;
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('run a grid of settings over seeds and score each cell (FID, KID) against reference images')
    .argument('<graph>', 'graph file whose SaveImage outputs are scored')
    .option(
      '--set <nodeId.widget=a,b,c>',
      'a fixed value or a list (grid axis); repeatable',
      collectOverride,
      [],
    )
    .requiredOption('--seeds <list>', 'seeds per cell: A-B or 1,5,9', parseSeedList)
    .requiredOption('--reference <dir>', 'folder of reference images')
    .requiredOption('--features <model.onnx>', 'feature-extractor ONNX model (features.json beside it)')
    .option('--metric <list>', 'fid, kid or fid,kid', 'fid,kid')
    .option('--out <dir>', 'output folder (images, eval.json, plots)', 'eval-output')
    .option('--models <dir>', 'models folder')
    .addOption(new Option('--device <name>', 'inference device').choices(DEVICE_NAMES).default('auto'))
    .option('--json', 'print eval.json on stdout', false)
    .addHelpText('after', EXAMPLES)
    .action(async (graph: string, options: EvalCliOptions) => {
      const metrics = options.metric.split(',').map((m) => m.trim());
      const unknown = metrics.filter((m) => m !== 'fid' && m !== 'kid');
      if (unknown.length > 0)
        throw new CliError([`--metric: unknown ${unknown.join(', ')}; expected fid, kid`]);
      const { evaluateGrid } = await import('../eval/eval-grid.ts');
      let result: Awaited<ReturnType<typeof evaluateGrid>>;
      try {
        result = await evaluateGrid(graph, { ...options, metrics: metrics as ('fid' | 'kid')[] });
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw new CliError([errorMessage(error)], EXIT.failed);
      }
      if (options.json) process.stdout.write(`${JSON.stringify(result.cells)}\n`);
      for (const cell of result.cells) {
        const where =
          Object.entries(cell.values)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ') || '(single cell)';
        const scores = Object.entries(cell.scores)
          .map(([k, v]) => `${k} ${Number(v.toPrecision(5))}`)
          .join(', ');
        process.stderr.write(`${where}: ${scores} (${cell.n} images)\n`);
      }
      for (const file of result.files) process.stderr.write(`wrote ${file}\n`);
    });
}
