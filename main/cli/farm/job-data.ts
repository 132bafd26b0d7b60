// What travels through Redis for one job, both ways. Job data is checked on the worker like any
// other untrusted input (a farm's Redis may be shared): wrong shapes fail the job for good.
import { z } from 'zod';

const requirement = z.object({ name: z.string(), sha256: z.string().nullable() });

export const farmJobData = z.object({
  batch: z.string().regex(/^[a-z0-9]{1,32}$/),
  /** 1-based position in the batch. */
  index: z.number().int().positive(),
  file: z.string(),
  /** The graph; validated by the worker's engine before it runs. */
  doc: z.unknown(),
  overrides: z.record(z.string(), z.unknown()),
  seed: z.number().nullable(),
  seedWidgets: z.record(z.string(), z.number()),
  repeat: z.number().int().positive(),
  requirements: z.array(requirement),
  /** 'shared': write outputs into the worker's --shared-out folder instead of sending them through Redis. */
  transfer: z.enum(['redis', 'shared']),
  /** Cancel the run after this long (0: no limit). */
  timeoutMs: z.number().int().nonnegative(),
});

export type FarmJobData = z.infer<typeof farmJobData>;

/** Where one output file can be fetched from. */
export type OutputSource =
  | { kind: 'redis'; key: string; chunks: number }
  /** Relative to the shared folder. */
  | { kind: 'shared'; path: string };

export interface FarmOutput {
  kind: 'image' | 'latent' | 'file';
  /** The file name the worker's engine chose (`<prefix>_NNNNN.<ext>`); the collector renumbers it. */
  name: string;
  bytes: number;
  meta?: Record<string, unknown>;
  source: OutputSource;
}

/** A finished job's return value. */
export interface FarmJobResult {
  worker: string;
  device: string;
  attempt: number;
  startedAt: string;
  finishedAt: string;
  timings: { totalMs: number; nodes: Record<string, number>; cached: string[] };
  outputs: FarmOutput[];
}

/** Progress messages (job.updateProgress): the worker's name first, then slimmed engine events. */
export type FarmProgress =
  | { type: 'assigned'; worker: string; attempt: number }
  | { type: 'node-started'; nodeId: string; nodeType: string }
  | { type: 'node-progress'; nodeId: string; step: number; total: number }
  | { type: 'node-warning'; nodeId: string; message: string };

/** failedReason prefix of a job the submitter cancelled (recorded as `cancelled`, not `failed`). */
export const CANCELLED_REASON = 'cancelled by the submitter';
