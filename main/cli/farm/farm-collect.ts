// `diffgraph farm collect BATCH`: finish collecting a batch whose submitter stopped. Runs already
// in the manifest are skipped; Ctrl-C stops collecting (the batch keeps running on the farm).
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError, type ExitCode } from '../exit.ts';
import { Interrupt } from '../run/interrupt.ts';
import { Manifest } from '../run/manifest.ts';
import { loadBatch } from './batch-record.ts';
import { Collector } from './collect.ts';
import { finishBatch } from './farm-run.ts';
import { checkFarmName } from './keys.ts';
import type { FarmCommandOptions } from './options.ts';
import { makeFarmReporter } from './reporter.ts';
import { openFarm } from './session.ts';

export async function collectCommand(batchId: string, options: FarmCommandOptions): Promise<ExitCode> {
  const farm = await openFarm(options.redis, checkFarmName(options.queue));
  const reporter = makeFarmReporter(options.json ?? false);
  const interrupt = new Interrupt((message) => reporter.notice(message));
  try {
    const batch = await loadBatch(farm.redis, farm.keys, batchId);
    if (!batch) {
      throw new CliError([
        `batch ${batchId}: not found in farm "${farm.keys.farm}" (see \`diffgraph farm status\`)`,
      ]);
    }
    const out = resolve(options.out ?? batch.out);
    await mkdir(out, { recursive: true });
    const manifest = await Manifest.open(out);
    const recorded = await manifest.runIds();
    const total = batch.jobs.filter((job) => !recorded.has(job.jobId)).length;
    const started = performance.now();
    reporter.batchStarted({ total, device: `farm ${farm.keys.farm} batch ${batch.id}`, out });
    const collector = new Collector({
      ...farm,
      batch,
      outDir: out,
      sharedRoot: options.sharedOut ? resolve(options.sharedOut) : null,
      manifest,
      reporter,
      interrupt,
      continueOnError: true,
      pollMs: 200,
      unservedGraceMs: 15_000,
      cancelOnInterrupt: false,
    });
    const counts = await collector.run();
    return finishBatch(reporter, counts, total, started, interrupt, manifest);
  } finally {
    interrupt.dispose();
    await farm.close();
  }
}
