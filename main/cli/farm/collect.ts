// Collect a farm batch into --out: watch each job, and once it is finished write its outputs and
// manifest entry exactly once (a claim in Redis plus the manifest's run ids make collection
// idempotent, so a restarted `farm collect` or a retried job never duplicates outputs).
import { randomBytes } from 'node:crypto';
import type { RedisOptions } from 'bullmq';
import { Job as BullJob, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EngineEvent } from '../../engine/events.ts';
import type { Interrupt } from '../run/interrupt.ts';
import type { Job } from '../run/jobs.ts';
import type { Manifest, ManifestRun } from '../run/manifest.ts';
import { liveWorkers } from './advert.ts';
import type { BatchRecord } from './batch-record.ts';
import { cancelBatch } from './cancel.ts';
import { doneRun, endedRun, planEntry, unreadableEntry } from './farm-job.ts';
import { type FarmJobData, type FarmJobResult, type FarmProgress, farmJobData } from './job-data.ts';
import type { FarmKeys } from './keys.ts';
import { discardOutput, receiveOutput } from './output-receive.ts';
import type { FarmReporter } from './reporter.ts';
import type { ModelRequirement } from './requirements.ts';
import { unservedReason } from './submit.ts';

export interface CollectOptions {
  redis: Redis;
  connection: RedisOptions;
  keys: FarmKeys;
  batch: BatchRecord;
  outDir: string;
  sharedRoot: string | null;
  /** Where finished runs are recorded (manifest.json, or the editor's run in `serve --redis`). */
  manifest: Pick<Manifest, 'runIds' | 'add'>;
  reporter: FarmReporter;
  interrupt: Pick<Interrupt, 'requested' | 'onCancel'>;
  continueOnError: boolean;
  pollMs: number;
  /** Jobs waiting this long for a model set no live worker holds are failed. */
  unservedGraceMs: number;
  /** Ctrl-C cancels the batch (the submitter) or only stops collecting (`farm collect`). */
  cancelOnInterrupt?: boolean;
}

export interface CollectCounts {
  done: number;
  failed: number;
  cancelled: number;
  /** Jobs removed before they ran (cancelled batch, or collected elsewhere). */
  skipped: number;
}

interface Pending {
  queue: string;
  job: Job | null;
  requirements: ModelRequirement[] | null;
  worker: string | null;
}

/** Every job is looked at this often even without an event (events are lost while Redis is away). */
const SWEEP_MS = 2000;

export class Collector {
  readonly counts: CollectCounts = { done: 0, failed: 0, cancelled: 0, skipped: 0 };
  private readonly pending = new Map<string, Pending>();
  private readonly queues = new Map<string, Queue>();
  private readonly events: QueueEvents[] = [];
  private readonly collectorId = randomBytes(6).toString('hex');
  private readonly unservedSince = new Map<string, number>();
  private stopping = false;
  /** Jobs an event said have finished, checked at the next poll. */
  private readonly finished = new Set<string>();
  private lastSweep = 0;

  constructor(private readonly options: CollectOptions) {}

  /** Collect until every job of the batch is recorded (or removed). */
  async run(): Promise<CollectCounts> {
    const recorded = await this.options.manifest.runIds();
    for (const { jobId, queue } of this.options.batch.jobs) {
      if (!recorded.has(jobId))
        this.pending.set(jobId, { queue, job: null, requirements: null, worker: null });
    }
    const cancels = this.options.cancelOnInterrupt ?? true;
    this.options.interrupt.onCancel(() => void (cancels ? this.stop() : undefined));
    await this.watchProgress();
    try {
      while (this.pending.size > 0 && !(this.options.interrupt.requested && !cancels)) {
        await this.pollOnce();
        if (this.pending.size > 0) await sleep(this.options.pollMs);
      }
    } finally {
      this.options.interrupt.onCancel(() => {});
      await Promise.all([...this.events, ...this.queues.values()].map((item) => item.close()));
    }
    return this.counts;
  }

  /** Cancel the rest of the batch: waiting jobs are removed, running ones are stopped by their workers. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const jobs = [...this.pending].map(([jobId, entry]) => ({ jobId, queue: this.queue(entry.queue) }));
    await cancelBatch(this.options.redis, this.options.keys, this.options.batch.id, jobs);
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.options.connection, prefix: this.options.keys.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  private async watchProgress(): Promise<void> {
    const names = new Set([...this.pending.values()].map((entry) => entry.queue));
    for (const name of names) {
      const events = new QueueEvents(name, {
        connection: this.options.connection,
        prefix: this.options.keys.prefix,
      });
      events.on('progress', ({ jobId, data }) => this.progress(jobId, data as FarmProgress));
      events.on('completed', ({ jobId }) => this.finished.add(jobId));
      events.on('failed', ({ jobId }) => this.finished.add(jobId));
      events.on('error', () => {}); // reconnects on its own; the poll loop does not depend on events
      this.events.push(events);
      await events.waitUntilReady();
    }
  }

  private progress(jobId: string, message: FarmProgress): void {
    const entry = this.pending.get(jobId);
    if (!entry?.job || !message || typeof message !== 'object') return;
    if (message.type === 'assigned') {
      entry.worker = message.worker;
      this.options.reporter.runAssigned(entry.job, message.worker, message.attempt);
      return;
    }
    this.options.reporter.event(entry.job, { ...message, runId: jobId } as EngineEvent);
  }

  /** Check the jobs events said have finished; every SWEEP_MS, all of them (a large batch costs Redis little). */
  private async pollOnce(): Promise<void> {
    const sweep = Date.now() - this.lastSweep >= SWEEP_MS;
    const ids = sweep ? [...this.pending.keys()] : [...this.finished].filter((id) => this.pending.has(id));
    this.finished.clear();
    for (let at = 0; at < ids.length; at += 32) {
      await Promise.all(ids.slice(at, at + 32).map((jobId) => this.check(jobId)));
    }
    if (sweep) {
      this.lastSweep = Date.now();
      await this.failUnserved();
    }
  }

  private async check(jobId: string): Promise<void> {
    const entry = this.pending.get(jobId);
    if (!entry) return;
    const queue = this.queue(entry.queue);
    const bull = await BullJob.fromId<FarmJobData, FarmJobResult>(queue, jobId);
    if (!bull) {
      // Removed without a manifest entry: cancelled before it ran, or another collector took it.
      this.pending.delete(jobId);
      this.counts.skipped += 1;
      return;
    }
    if (!entry.job) {
      const parsed = farmJobData.safeParse(bull.data);
      // A malformed job is not ours to fix: its worker refuses it, and that failure is recorded.
      const index = this.options.batch.jobs.find((listed) => listed.jobId === jobId)?.index ?? 0;
      entry.job = parsed.success ? planEntry(parsed.data) : unreadableEntry(index, jobId);
      entry.requirements = parsed.success ? parsed.data.requirements : null;
    }
    const state = await bull.getState();
    if (state !== 'completed' && state !== 'failed') return;
    // Read it again: it may have finished after the first read (which then lacks its result).
    const ended = await BullJob.fromId<FarmJobData, FarmJobResult>(queue, jobId);
    if (!ended) return;
    if (state === 'completed') await this.finish(jobId, entry, ended, null);
    else await this.finish(jobId, entry, ended, ended.failedReason || 'failed');
  }

  /** Record a finished job once: claim it, write outputs and the manifest entry, then drop it from Redis. */
  private async finish(jobId: string, entry: Pending, bull: BullJob, failure: string | null): Promise<void> {
    const { redis, keys, manifest } = this.options;
    const claimed = await redis.set(keys.collecting(jobId), this.collectorId, 'PX', 120_000, 'NX');
    if (claimed !== 'OK') return; // another collector is writing it; look again next round
    const job = entry.job as Job;
    if (!(await manifest.runIds()).has(jobId)) {
      const run =
        failure === null
          ? await this.received(job, jobId, bull)
          : this.failed(job, jobId, entry, bull, failure);
      await manifest.add(run);
      this.report(job, run);
    }
    if (failure === null) {
      for (const output of (bull.returnvalue as FarmJobResult).outputs) {
        await discardOutput(redis, output, this.options.sharedRoot);
      }
    }
    await bull.remove().catch(() => {});
    this.pending.delete(jobId);
  }

  private async received(job: Job, jobId: string, bull: BullJob): Promise<ManifestRun> {
    const result = bull.returnvalue as FarmJobResult;
    const outputs = [];
    for (const output of result.outputs) {
      outputs.push(
        await receiveOutput(this.options.redis, output, this.options.outDir, this.options.sharedRoot),
      );
    }
    return doneRun(job, jobId, this.options.batch, result, outputs);
  }

  private failed(job: Job, jobId: string, entry: Pending, bull: BullJob, reason: string): ManifestRun {
    return endedRun(job, jobId, this.options.batch, reason, entry.worker, bull);
  }

  private report(job: Job, run: ManifestRun): void {
    this.counts[run.status] += 1;
    this.options.reporter.runFinished(job, run);
    if (run.status === 'failed' && !this.options.continueOnError) void this.stop();
  }

  /** Fail waiting jobs of model sets that no live worker has held for a while (all holders died). */
  private async failUnserved(): Promise<void> {
    const { redis, keys } = this.options;
    const workers = await liveWorkers(redis, keys);
    for (const [jobId, entry] of this.pending) {
      if (!entry.job || !entry.requirements) continue;
      const reason = unservedReason(entry.requirements, workers, keys.farm);
      if (!reason) {
        this.unservedSince.delete(entry.queue);
        continue;
      }
      const since = this.unservedSince.get(entry.queue) ?? Date.now();
      this.unservedSince.set(entry.queue, since);
      if (Date.now() - since < this.options.unservedGraceMs) continue;
      const bull = await BullJob.fromId<FarmJobData>(this.queue(entry.queue), jobId);
      if (!bull || (await bull.getState()) !== 'waiting') continue;
      await bull.remove().catch(() => {});
      const run = endedRun(entry.job, jobId, this.options.batch, reason, null);
      await this.options.manifest.add(run);
      this.report(entry.job, run);
      this.pending.delete(jobId);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
