// `diffgraph worker`: one engine (models load once) serving a farm. It advertises its models and
// device under a key with a TTL, consumes the queue of every model set it holds (see
// requirements.ts), and listens for cancelled batches.
import { hostname } from 'node:os';
import type { RedisOptions } from 'bullmq';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { EngineClient, type EngineClientOptions } from '../../engine/transport/client.ts';
import { publishAdvert, removeAdvert, type WorkerAdvert } from './advert.ts';
import { FarmKeys } from './keys.ts';
import type { SendLimits } from './output-send.ts';
import { processJob, type WorkerContext } from './process-job.ts';
import { type HeldModel, holdsAll, type ModelRequirement } from './requirements.ts';

export interface FarmTimings {
  /** How often the advert is refreshed (it expires after 3 of these). */
  heartbeatMs: number;
  /** BullMQ lock: a job whose worker stops renewing it for this long is stalled. */
  lockMs: number;
  /** How often BullMQ looks for stalled jobs (and moves them back to wait for another worker). */
  stalledMs: number;
  /** How often new model sets are looked for. */
  attachMs: number;
}

export const DEFAULT_TIMINGS: FarmTimings = {
  heartbeatMs: 5000,
  lockMs: 30000,
  stalledMs: 30000,
  attachMs: 2000,
};

export interface FarmWorkerOptions {
  redis: RedisOptions;
  farm: string;
  name: string;
  concurrency: number;
  engine: EngineClientOptions;
  sharedRoot: string | null;
  timings: FarmTimings;
  limits: SendLimits;
  log: (line: string) => void;
}

export class FarmWorker {
  private readonly queues = new Map<string, Worker>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly busy = new Set<string>();
  private closing = false;

  private constructor(
    private readonly options: FarmWorkerOptions,
    private readonly context: WorkerContext,
    private readonly models: HeldModel[],
    private readonly subscriber: Redis,
  ) {}

  static async start(options: FarmWorkerOptions): Promise<FarmWorker> {
    const client = await EngineClient.start({ ...options.engine, allowAbsolutePaths: false });
    const device =
      options.engine.device && options.engine.device !== 'auto'
        ? options.engine.device
        : await client.autoDevice();
    const models = (await client.listModels()).map(({ name, sha256 }) => ({ name, sha256 }));
    const keys = new FarmKeys(options.farm);
    const redis = new Redis(options.redis);
    // ioredis reconnects by itself; commands wait meanwhile (the log would only repeat the outage).
    redis.on('error', () => {});
    const context: WorkerContext = {
      client,
      redis,
      keys,
      name: options.name,
      device,
      outputRoot: options.engine.paths.output,
      sharedRoot: options.sharedRoot,
      limits: options.limits,
      running: new Map(),
    };
    const subscriber = redis.duplicate();
    subscriber.on('error', () => {});
    const worker = new FarmWorker(options, context, models, subscriber);
    await worker.begin();
    return worker;
  }

  get modelCount(): number {
    return this.models.length;
  }

  get device(): string {
    return this.context.device;
  }

  private async begin(): Promise<void> {
    const { keys } = this.context;
    await this.subscriber.subscribe(keys.cancelChannel);
    this.subscriber.on('message', (_channel, batch: string) => this.cancelBatch(batch));
    await this.advertise();
    await this.attach();
    this.every(this.options.timings.heartbeatMs, 'advertise', () => this.advertise());
    this.every(this.options.timings.attachMs, 'attach', () => this.attach());
  }

  /** Repeat `task`, never overlapping itself (commands wait while Redis is down). */
  private every(ms: number, label: string, task: () => Promise<void>): void {
    this.timers.push(
      setInterval(() => {
        if (this.busy.has(label) || this.closing) return;
        this.busy.add(label);
        task()
          .catch((error) => this.options.log(`${label}: ${(error as Error).message}`))
          .finally(() => this.busy.delete(label));
      }, ms),
    );
  }

  private advert(): WorkerAdvert {
    return {
      name: this.options.name,
      host: hostname(),
      pid: process.pid,
      device: this.context.device,
      concurrency: this.options.concurrency,
      models: this.models,
      running: [...this.context.running.keys()],
      startedAt: new Date().toISOString(),
    };
  }

  private async advertise(): Promise<void> {
    await publishAdvert(
      this.context.redis,
      this.context.keys,
      this.advert(),
      this.options.timings.heartbeatMs * 3,
    );
  }

  /** Start consuming the queue of every model set this worker holds that it does not serve yet. */
  private async attach(): Promise<void> {
    const sets = await this.context.redis.hgetall(this.context.keys.modelSets);
    for (const [key, text] of Object.entries(sets)) {
      if (this.queues.has(key) || this.closing) continue;
      let requirements: ModelRequirement[];
      try {
        requirements = JSON.parse(text) as ModelRequirement[];
      } catch {
        continue;
      }
      if (Array.isArray(requirements) && holdsAll(this.models, requirements))
        this.queues.set(key, this.consume(key));
    }
  }

  private consume(modelSet: string): Worker {
    const { keys } = this.context;
    const { timings } = this.options;
    const worker = new Worker(keys.queueName(modelSet), (job) => processJob(job, this.context), {
      connection: this.options.redis,
      prefix: keys.prefix,
      concurrency: this.options.concurrency,
      lockDuration: timings.lockMs,
      stalledInterval: timings.stalledMs,
      // A job whose worker died twice is failed rather than passed on forever.
      maxStalledCount: 2,
      name: this.options.name,
    });
    worker.on('active', (job) =>
      this.options.log(`job ${job.id}: started (attempt ${job.attemptsMade + 1})`),
    );
    worker.on('completed', (job) => this.options.log(`job ${job.id}: done`));
    worker.on('failed', (job, error) => this.options.log(`job ${job?.id}: failed: ${error.message}`));
    worker.on('error', (error) => this.options.log(`queue ${modelSet}: ${error.message}`));
    return worker;
  }

  private cancelBatch(batch: string): void {
    for (const [jobId, run] of this.context.running) {
      if (run.batch !== batch) continue;
      this.options.log(`job ${jobId}: cancelled by its submitter`);
      this.context.client.cancel(run.runId);
    }
  }

  /** Finish the jobs in hand (BullMQ waits for them), then leave the farm. */
  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all([...this.queues.values()].map((worker) => worker.close()));
    await removeAdvert(this.context.redis, this.context.keys, this.options.name).catch(() => {});
    this.subscriber.disconnect();
    this.context.redis.disconnect();
    await this.context.client.close();
  }
}
