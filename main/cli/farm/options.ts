// Options of the farm commands (`diffgraph worker`, `diffgraph farm ...`), as commander parses them.
import type { DeviceName } from '../../../nodes/api.ts';

export interface FarmCommandOptions {
  redis?: string;
  queue: string;
  json?: boolean;
  out?: string;
  sharedOut?: string;
}

export interface WorkerCommandOptions {
  redis?: string;
  queue: string;
  models?: string;
  input?: string;
  device: DeviceName;
  concurrency: number;
  name?: string;
  sharedOut?: string;
  threads?: number;
  heartbeatMs: number;
  lockMs: number;
  stalledMs: number;
}
