// `diffgraph run`: batch-run graphs (JSON files or SaveImage PNGs) over seeds and overrides.
import { Command, Option } from 'commander';
import { DEVICE_NAMES } from '../../../nodes/api.ts';
import type { ExitCode } from '../exit.ts';
import type { PlannedBatch, RunOptions } from '../run/run-graphs.ts';
import { parseCount, parseSeed, parseSeedList } from '../run/seeds.ts';
import { collectOverride } from '../run/set-option.ts';

const EXAMPLES = `
Examples:
  $ diffgraph run graphs/default.json
  $ diffgraph run graph.json --seeds 1-20 --out renders/   (also --seeds 1,5,9)
  $ diffgraph run graph.json --set schedule.steps=30 --set positive.text="a blue square" --seed 42
  $ diffgraph run output/img_00003.png --repeat 4          (a SaveImage PNG carries its graph)
  $ diffgraph run a.json b.json --continue-on-error --json > events.jsonl
  $ diffgraph run graph.json --seeds 1-1000 --redis redis://farm-host:6379   (on the render farm)

Exit codes: 0 all runs succeeded, 1 a run failed, 2 bad input (nothing ran), 130 interrupted.
A manifest.json in the output folder lists every run (graph, overrides, seed, outputs, timings, status).`;

export function runCommand(setExitCode: (code: ExitCode) => void): Command {
  return new Command('run')
    .description('run graphs headless, over seeds and widget overrides, with a manifest of every run')
    .argument('<graphs...>', 'graph files (.json) or PNGs made by SaveImage')
    .option('--set <nodeId.widget=value>', 'override a widget (repeatable)', collectOverride, [])
    .option('--seed <n>', 'run with this seed (in every seed widget not named by --set)', parseSeed)
    .option('--seeds <list>', 'run once per seed: A-B or 1,5,9', parseSeedList)
    .option(
      '--repeat <n>',
      "run each graph n times, applying the seed widgets' after-run control",
      parseCount(1),
      1,
    )
    .option('--out <dir>', 'output folder (files and manifest.json)', 'output')
    .option('--models <dir>', 'models folder (default: $DIFFGRAPH_MODELS or ~/Diffgraph/models)')
    .option('--input <dir>', 'folder LoadImage reads from (default: ~/Diffgraph/input)')
    .addOption(new Option('--device <name>', 'inference device').choices(DEVICE_NAMES).default('auto'))
    .option('--json', 'JSON lines on stdout (engine events, run and batch summaries)', false)
    .option('--continue-on-error', 'keep going after a failed run', false)
    .option('--redis <url>', 'run on a render farm: enqueue on this Redis (see `diffgraph worker`)')
    .option('--queue <name>', 'farm name (with --redis)', 'default')
    .option('--shared-out <dir>', 'with --redis: workers leave outputs in this shared folder')
    .option(
      '--job-timeout <ms>',
      'with --redis: cancel and retry a run after this long (0: none)',
      parseCount(0),
      0,
    )
    .option(
      '--attempts <n>',
      'with --redis: tries per run (a dead worker or timeout uses one)',
      parseCount(1),
      3,
    )
    .addHelpText('after', EXAMPLES)
    .action(async (graphs: string[], options: RunOptions) => {
      // Loaded on demand so `--help` and the other commands start fast.
      const { runGraphs } = await import('../run/run-graphs.ts');
      const { redis } = options;
      const farm =
        redis === undefined
          ? undefined
          : async ({ jobs, ...setup }: PlannedBatch) => {
              const { runOnFarm } = await import('../farm/farm-run.ts');
              return runOnFarm(jobs, setup, { ...options, redis });
            };
      setExitCode(await runGraphs(graphs, options, farm));
    });
}
