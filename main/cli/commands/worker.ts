// `diffgraph worker`: join a render farm (BullMQ on Redis) and run its jobs on this machine.
import { Command, Option } from 'commander';
import { DEVICE_NAMES } from '../../../nodes/api.ts';
import type { WorkerCommandOptions } from '../farm/options.ts';
import { parseCount } from '../run/seeds.ts';

const EXAMPLES = `
Examples:
  $ diffgraph worker --redis redis://farm-host:6379
  $ diffgraph worker --redis rediss://:secret@farm-host:6380 --queue team-a --name gpu-01 --device cuda
  $ diffgraph worker --redis redis://farm-host --shared-out /mnt/renders   (outputs stay on the share)

Stop with Ctrl-C or SIGTERM: jobs in hand finish first. A SIGKILLed worker's job goes to another worker.`;

export function workerCommand(): Command {
  return new Command('worker')
    .description('join a render farm: take jobs from Redis and run them on this machine')
    .option(
      '--redis <url>',
      'Redis URL (redis:// or rediss://; default $DIFFGRAPH_REDIS or redis://127.0.0.1:6379)',
    )
    .option('--queue <name>', 'farm name: farms sharing a Redis never see each other', 'default')
    .option('--models <dir>', 'models folder (default: $DIFFGRAPH_MODELS or ~/Diffgraph/models)')
    .option('--input <dir>', 'folder LoadImage reads from (default: ~/Diffgraph/input)')
    .addOption(new Option('--device <name>', 'inference device').choices(DEVICE_NAMES).default('auto'))
    .option('--concurrency <n>', 'jobs held at once (the engine runs one at a time)', parseCount(1), 1)
    .option('--name <name>', 'worker name shown in status and manifests (default: host-pid)')
    .option('--shared-out <dir>', "shared folder (same files as the submitters' --shared-out)")
    .option('--threads <n>', 'ONNX Runtime intra-op threads per session (default: all cores)', parseCount(1))
    .addOption(
      new Option('--heartbeat-ms <ms>', 'advert refresh period').argParser(parseCount(100)).default(5000),
    )
    .addOption(
      new Option('--lock-ms <ms>', "job lock; a dead worker's job is retried after it")
        .argParser(parseCount(100))
        .default(30000),
    )
    .addOption(
      new Option('--stalled-ms <ms>', 'stalled-job check period').argParser(parseCount(100)).default(30000),
    )
    .addHelpText('after', EXAMPLES)
    .action(async (options: WorkerCommandOptions) => {
      const { runWorker } = await import('../farm/worker-main.ts');
      await runWorker(options);
    });
}
