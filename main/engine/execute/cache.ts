// Node results kept between runs, keyed by signature, least recently used evicted first once
// the estimated size passes the budget.
import type { NodeOutputs } from '../../../nodes/api.ts';
import { estimateBytes } from './estimate-bytes.ts';

interface Entry {
  outputs: NodeOutputs;
  bytes: number;
}

export class ResultCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;

  constructor(readonly budgetBytes: number) {}

  get(signature: string): NodeOutputs | undefined {
    const entry = this.entries.get(signature);
    if (!entry) return undefined;
    this.entries.delete(signature);
    this.entries.set(signature, entry);
    return entry.outputs;
  }

  has(signature: string): boolean {
    return this.entries.has(signature);
  }

  /** Stores a result unless it alone exceeds the budget; evicts the oldest entries to fit. */
  set(signature: string, outputs: NodeOutputs): void {
    const bytes = estimateBytes(outputs);
    this.delete(signature);
    if (bytes > this.budgetBytes) return;
    this.entries.set(signature, { outputs, bytes });
    this.total += bytes;
    for (const [oldest] of this.entries) {
      if (this.total <= this.budgetBytes) break;
      this.delete(oldest);
    }
  }

  delete(signature: string): void {
    const entry = this.entries.get(signature);
    if (!entry) return;
    this.entries.delete(signature);
    this.total -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.total;
  }
}
