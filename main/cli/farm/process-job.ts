// Runs one farm job on this worker's engine. Failures that a retry cannot fix (malformed job, bad
// graph, a node error such as a missing model, a cancelled batch) throw UnrecoverableError, so
// BullMQ fails them at once instead of burning attempts; an engine crash or a timeout is retried.
import { randomBytes } from 'node:crypto';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { formatProblem } from '../../engine/compile/validate.ts';
import type { EngineEvent } from '../../engine/events.ts';
import type { EngineClient } from '../../engine/transport/client.ts';
import {
  CANCELLED_REASON,
  type FarmJobData,
  type FarmJobResult,
  type FarmProgress,
  farmJobData,
} from './job-data.ts';
import type { FarmKeys } from './keys.ts';
import { type SendLimits, sendOutputs } from './output-send.ts';

export interface WorkerContext {
  client: EngineClient;
  redis: Redis;
  keys: FarmKeys;
  name: string;
  device: string;
  /** The engine's output folder (inside sharedRoot when there is one). */
  outputRoot: string;
  sharedRoot: string | null;
  limits: SendLimits;
  /** Running jobs: job id -> its engine run id and batch (for cancellation and the advert). */
  running: Map<string, { runId: string; batch: string }>;
}

export async function processJob(job: Job, context: WorkerContext): Promise<FarmJobResult> {
  const parsed = farmJobData.safeParse(job.data);
  if (!parsed.success) {
    throw new UnrecoverableError(
      `job ${job.id} is not a Diffgraph farm job (refused by worker ${context.name}): ${z.prettifyError(parsed.error)}`,
    );
  }
  const data = parsed.data;
  if (await context.redis.exists(context.keys.cancelled(data.batch))) {
    throw new UnrecoverableError(CANCELLED_REASON);
  }
  const attempt = job.attemptsMade + 1;
  // A stalled job taken over by another worker keeps its attempt number: this tag keeps the two
  // workers' output keys apart (only the one that completes is ever collected).
  const tag = `${attempt}-${randomBytes(4).toString('hex')}`;
  await progress(job, { type: 'assigned', worker: context.name, attempt });
  // The same checks as any graph from a file: the worker's engine validates it (and confines its
  // file paths: the engine was started with allowAbsolutePaths false). Nothing in it is code.
  const problems = await context.client.validate(data.doc);
  if (problems.length > 0) {
    throw new UnrecoverableError(
      `${data.file}: invalid graph: ${problems.map((p) => formatProblem(p)).join('; ')}`,
    );
  }
  const runId = `${job.id}.${tag}`;
  context.running.set(String(job.id), { runId, batch: data.batch });
  try {
    return await runOnEngine(job, data, { attempt, tag, runId }, context);
  } finally {
    context.running.delete(String(job.id));
  }
}

async function runOnEngine(
  job: Job,
  data: FarmJobData,
  { attempt, tag, runId }: { attempt: number; tag: string; runId: string },
  context: WorkerContext,
): Promise<FarmJobResult> {
  const startedAt = new Date().toISOString();
  const nodes: Record<string, number> = {};
  const cached: string[] = [];
  const onEvent = (event: EngineEvent) => {
    if (event.type === 'node-done') nodes[event.nodeId] = Math.round(event.ms * 100) / 100;
    else if (event.type === 'node-cached') cached.push(event.nodeId);
    const forwarded = forward(event);
    if (forwarded) void progress(job, forwarded);
  };
  let timedOut = false;
  const timer =
    data.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          context.client.cancel(runId);
        }, data.timeoutMs)
      : null;
  const result = await context.client.run(data.doc, onEvent, { runId }).finally(() => {
    if (timer) clearTimeout(timer);
  });
  if (timedOut) {
    // Retried like a dead worker's job, up to the submitter's --attempts; the last one's reason stays.
    const of = `attempt ${attempt} of ${job.opts.attempts ?? 1}`;
    throw new Error(`timed out after ${data.timeoutMs} ms (--job-timeout) on worker ${context.name}, ${of}`);
  }
  if (result.status === 'cancelled') throw new UnrecoverableError(CANCELLED_REASON);
  if (result.status === 'failed') {
    const message = result.error?.message ?? 'unknown error';
    const where = result.error?.nodeId ? `node ${result.error.nodeId}: ` : '';
    // A crashed engine may do better next time (it restarts); a node's own error will not.
    if (message.startsWith('The engine worker stopped')) throw new Error(`${context.name}: ${message}`);
    throw new UnrecoverableError(`${where}${message}`);
  }
  const outputs = await sendOutputs(result.outputs, {
    redis: context.redis,
    keys: context.keys,
    jobId: String(job.id),
    attempt: tag,
    outputRoot: context.outputRoot,
    sharedRoot: data.transfer === 'shared' ? context.sharedRoot : null,
    limits: context.limits,
  });
  return {
    worker: context.name,
    device: context.device,
    attempt,
    startedAt,
    finishedAt: new Date().toISOString(),
    timings: { totalMs: Math.round(result.ms * 100) / 100, nodes, cached },
    outputs,
  };
}

/** The engine events the submitter shows (previews and per-node details stay on the worker). */
function forward(event: EngineEvent): FarmProgress | null {
  if (event.type === 'node-started')
    return { type: event.type, nodeId: event.nodeId, nodeType: event.nodeType };
  if (event.type === 'node-progress')
    return { type: event.type, nodeId: event.nodeId, step: event.step, total: event.total };
  if (event.type === 'node-warning')
    return { type: event.type, nodeId: event.nodeId, message: event.message };
  return null;
}

/** Progress is best effort: a lost update must never fail the run. */
async function progress(job: Job, message: FarmProgress): Promise<void> {
  await job.updateProgress(message as object).catch(() => {});
}
