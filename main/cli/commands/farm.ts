// `diffgraph farm status|collect`: look at a render farm, and finish collecting a batch.
import { Command } from 'commander';
import type { ExitCode } from '../exit.ts';
import type { FarmCommandOptions } from '../farm/options.ts';

const EXAMPLES = `
Examples:
  $ diffgraph farm status --redis redis://farm-host:6379
  $ diffgraph farm collect 3fa9c1d2e0 --redis redis://farm-host:6379   (after the submitter was stopped)`;

export function farmCommand(setExitCode: (code: ExitCode) => void): Command {
  const farm = new Command('farm')
    .description('render farm: status, and collecting a batch')
    .addHelpText('after', EXAMPLES);
  farm
    .command('status')
    .description("list the farm's workers, queues and batches")
    .option('--redis <url>', 'Redis URL (default $DIFFGRAPH_REDIS or redis://127.0.0.1:6379)')
    .option('--queue <name>', 'farm name', 'default')
    .option('--json', 'one JSON object on stdout', false)
    .action(async (options: FarmCommandOptions) => {
      const { farmStatus } = await import('../farm/status.ts');
      await farmStatus(options);
    });
  farm
    .command('collect')
    .description('collect the outputs of a batch whose submitter was stopped')
    .argument('<batch>', 'batch id (printed by `run --redis`, listed by `farm status`)')
    .option('--redis <url>', 'Redis URL (default $DIFFGRAPH_REDIS or redis://127.0.0.1:6379)')
    .option('--queue <name>', 'farm name', 'default')
    .option('--out <dir>', "output folder (default: the submitter's)")
    .option('--shared-out <dir>', 'the shared folder, if the batch used one')
    .option('--json', 'JSON lines on stdout', false)
    .action(async (batch: string, options: FarmCommandOptions) => {
      const { collectCommand } = await import('../farm/farm-collect.ts');
      setExitCode(await collectCommand(batch, options));
    });
  for (const sub of farm.commands) sub.exitOverride();
  return farm;
}
