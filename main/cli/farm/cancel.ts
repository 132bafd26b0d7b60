// Cancel a batch: mark it (workers skip its jobs), remove the jobs still waiting, and tell the
// workers running its jobs to cancel them (they end as failed with CANCELLED_REASON).
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FarmKeys } from './keys.ts';

export async function cancelBatch(
  redis: Redis,
  keys: FarmKeys,
  batch: string,
  jobs: readonly { jobId: string; queue: Queue }[],
): Promise<void> {
  // The flag first: a job a worker takes while the rest are being removed ends at once as cancelled.
  await redis.set(keys.cancelled(batch), '1', 'EX', 7 * 24 * 3600);
  for (const { jobId, queue } of jobs) {
    const job = await queue.getJob(jobId);
    if (!job) continue;
    const state = await job.getState();
    // Active jobs are locked by their worker and end through the cancel message instead.
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized')
      await job.remove().catch(() => {});
  }
  // Workers running its jobs cancel them on this message.
  await redis.publish(keys.cancelChannel, batch);
}
