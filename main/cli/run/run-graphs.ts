// The body of `diffgraph run`: plan every run (all bad input reported before anything runs), then
// start one engine and run the batch. Loaded only when `run` is invoked.
import { mkdir } from 'node:fs/promises';
import type { DeviceName } from '../../../nodes/api.ts';
import { defaultRegistry, type NodeRegistry } from '../../engine/registry.ts';
import { EngineClient } from '../../engine/transport/client.ts';
import { removeStaleTempFiles, unlistedOutputs } from '../../util/stale-files.ts';
import { CliError, type ExitCode } from '../exit.ts';
import { modelSearchPath, resolveCliPaths } from '../util/paths.ts';
import { errorMessage } from '../util/problems.ts';
import { runBatch } from './batch.ts';
import { Interrupt } from './interrupt.ts';
import { type Job, planBatch } from './jobs.ts';
import { Manifest } from './manifest.ts';
import type { Reporter } from './report.ts';
import { BarsReporter } from './report-bars.ts';
import { JsonReporter } from './report-json.ts';
import { LineReporter } from './report-lines.ts';
import type { Override } from './set-option.ts';

export interface RunOptions {
  set: Override[];
  seed?: number;
  seeds?: number[];
  repeat: number;
  out: string;
  models?: string;
  input?: string;
  device: DeviceName;
  json: boolean;
  continueOnError: boolean;
  /** Run on a render farm (BullMQ on Redis) instead of a local engine. */
  redis?: string;
  queue: string;
  sharedOut?: string;
  jobTimeout: number;
  attempts: number;
}

/** The planned batch, for a runner other than the local engine (the render farm). */
export interface PlannedBatch {
  jobs: Job[];
  registry: NodeRegistry;
  /** Model folders, in search order. */
  roots: readonly string[];
  out: string;
  manifest: Manifest;
}

/** Runs the batch somewhere else (`--redis`); the CLI command supplies it so run/ needs no farm code. */
export type RemoteRunner = (batch: PlannedBatch) => Promise<ExitCode>;

export async function runGraphs(
  files: string[],
  options: RunOptions,
  remote?: RemoteRunner,
): Promise<ExitCode> {
  if (options.seed !== undefined && options.seeds) {
    throw new CliError(['use either --seed or --seeds, not both']);
  }
  const seeds = options.seeds ?? (options.seed !== undefined ? [options.seed] : null);
  const registry = defaultRegistry();
  const paths = resolveCliPaths(options);
  const jobs = await planBatch(files, registry, {
    overrides: options.set,
    seeds,
    repeat: options.repeat,
    modelSearchPath: modelSearchPath(paths),
  });
  await mkdir(paths.output, { recursive: true }).catch((error) => {
    throw new CliError([`--out ${options.out}: cannot create the folder: ${errorMessage(error)}`]);
  });
  const manifest = await Manifest.open(paths.output);
  if (remote) return remote({ jobs, registry, roots: modelSearchPath(paths), out: paths.output, manifest });
  const reporter = makeReporter(options.json);
  await reportLeftovers(paths.output, manifest, reporter);
  const interrupt = new Interrupt((message) => reporter.notice(message));
  // One engine (one worker) for the whole batch: models load once and its cache spans the runs.
  const client = await EngineClient.start({
    paths,
    device: options.device,
    modelSearchPath: modelSearchPath(paths),
    // Graphs the user runs from a shell may name files anywhere (the editor and server may not).
    allowAbsolutePaths: true,
  });
  try {
    const device = options.device === 'auto' ? await client.autoDevice() : options.device;
    reporter.batchStarted({ total: jobs.length, device, out: paths.output });
    return await runBatch(jobs, {
      client,
      device,
      manifest,
      reporter,
      interrupt,
      continueOnError: options.continueOnError,
    });
  } finally {
    interrupt.dispose();
    await client.close();
  }
}

/** Clean up after a run that was killed (-9): its temp files go, its unlisted outputs are named. */
async function reportLeftovers(outDir: string, manifest: Manifest, reporter: Reporter): Promise<void> {
  const removed = await removeStaleTempFiles(outDir);
  if (removed.length > 0)
    reporter.notice(`removed ${removed.length} temporary file(s) left by a run that was killed`);
  const orphans = await unlistedOutputs(outDir, await manifest.listedOutputNames());
  if (orphans.length > 0) {
    const shown =
      orphans.slice(0, 5).join(', ') + (orphans.length > 5 ? `, … (${orphans.length} in all)` : '');
    reporter.notice(`outputs not listed in manifest.json (from a run that was killed?): ${shown}`);
  }
}

function makeReporter(json: boolean): Reporter {
  if (json) return new JsonReporter();
  return process.stderr.isTTY ? new BarsReporter() : new LineReporter();
}
