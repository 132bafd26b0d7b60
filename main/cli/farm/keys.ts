// Names in Redis. Everything of one farm lives under `diffgraph:<farm>:` (BullMQ's prefix too), so
// farms sharing a Redis never see each other's jobs, workers or outputs.
import { CliError } from '../exit.ts';

export const DEFAULT_FARM = 'default';

export function checkFarmName(name: string): string {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
    throw new CliError([`--queue ${name}: use 1-64 letters, digits, '_', '.' or '-'`]);
  }
  return name;
}

export class FarmKeys {
  /** BullMQ's key prefix for this farm's queues. */
  readonly prefix: string;

  constructor(readonly farm: string) {
    this.prefix = `diffgraph:${checkFarmName(farm)}`;
  }

  /** BullMQ queue of the jobs needing model set `key` (queue names may not contain ':'). */
  queueName(modelSetKey: string): string {
    return `models-${modelSetKey}`;
  }

  /** Hash: model set key -> its requirements (JSON); workers watch it to join new queues. */
  get modelSets(): string {
    return `${this.prefix}:model-sets`;
  }

  /** A live worker's advertisement (expires unless refreshed). */
  worker(name: string): string {
    return `${this.prefix}:worker:${name}`;
  }

  get workerPattern(): string {
    return `${this.prefix}:worker:*`;
  }

  /** Hash describing a batch (output folder, job ids and their queues). */
  batch(id: string): string {
    return `${this.prefix}:batch:${id}`;
  }

  /** Sorted set of batch ids by submission time. */
  get batches(): string {
    return `${this.prefix}:batches`;
  }

  /** Set once a batch is cancelled: workers skip its jobs. */
  cancelled(batchId: string): string {
    return `${this.prefix}:batch:${batchId}:cancelled`;
  }

  /** Pub/sub channel carrying ids of cancelled batches to running workers. */
  get cancelChannel(): string {
    return `${this.prefix}:cancel`;
  }

  /** Claim on collecting one job, so two collectors never write its outputs twice. */
  collecting(jobId: string): string {
    return `${this.prefix}:collecting:${jobId}`;
  }

  /** List of chunks of one output file of one processing of a job. */
  output(jobId: string, attempt: string, file: number): string {
    return `${this.prefix}:output:${jobId}:${attempt}:${file}`;
  }
}
