// `diffgraph farm status`: live workers (name, device, models, running jobs), the queue of each
// model set with its job counts, and recent batches.
import { Queue } from 'bullmq';
import { liveWorkers } from './advert.ts';
import { recentBatches } from './batch-record.ts';
import { checkFarmName } from './keys.ts';
import type { FarmCommandOptions } from './options.ts';
import { redactRedisUrl } from './redis-url.ts';
import { describeRequirements, type ModelRequirement } from './requirements.ts';
import { openFarm } from './session.ts';

export async function farmStatus(options: FarmCommandOptions): Promise<void> {
  const farm = await openFarm(options.redis, checkFarmName(options.queue));
  try {
    const workers = await liveWorkers(farm.redis, farm.keys);
    const sets = await farm.redis.hgetall(farm.keys.modelSets);
    const queues = [];
    for (const [key, text] of Object.entries(sets)) {
      const queue = new Queue(farm.keys.queueName(key), {
        connection: farm.connection,
        prefix: farm.keys.prefix,
      });
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
      await queue.close();
      queues.push({ name: queue.name, models: JSON.parse(text) as ModelRequirement[], counts });
    }
    const batches = await recentBatches(farm.redis, farm.keys);
    const status = {
      redis: redactRedisUrl(farm.url),
      farm: farm.keys.farm,
      workers,
      queues,
      batches: batches.map(({ jobs, ...rest }) => ({ ...rest, queued: jobs.length })),
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(status)}\n`);
      return;
    }
    const lines = [`farm "${status.farm}" on ${status.redis}`, `workers (${workers.length}):`];
    for (const w of workers) {
      const running = w.running.length > 0 ? `running ${w.running.join(', ')}` : 'idle';
      lines.push(
        `  ${w.name}  ${w.host} pid ${w.pid}  device ${w.device}  ${w.models.length} model(s)  ${running}`,
      );
    }
    lines.push(`queues (${queues.length}):`);
    for (const q of queues) {
      const c = q.counts;
      lines.push(
        `  ${q.name}  [${describeRequirements(q.models)}]  waiting ${c.waiting}  active ${c.active}  delayed ${c.delayed}  uncollected ${c.completed}  failed ${c.failed}`,
      );
    }
    lines.push(`batches (${status.batches.length}):`);
    for (const b of status.batches)
      lines.push(`  ${b.id}  ${b.createdAt}  ${b.total} run(s)  out ${b.out}  by ${b.submitter}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await farm.close();
  }
}
