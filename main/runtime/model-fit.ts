// Refusing a model that cannot fit before ONNX Runtime allocates it: a session holds about its weight
// bytes (more while pre-packing), so an SDXL U-Net in float32 (10.3 GB) on a 16 GB machine would
// otherwise be killed by the kernel mid-load. The check compares the model's weight bytes with the
// memory budget less what loaded models hold, and with the memory the OS reports as available.
import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { formatBytes } from '../../nodes/format-bytes.ts';
import { ModelInputError } from '../../nodes/widget-errors.ts';

export interface MemoryLimits {
  /** The engine's memory budget in bytes (--memory-budget), when one applies. */
  budget?: number;
  /** Bytes the OS can still give this process (Linux MemAvailable, else free memory). */
  available: () => number;
}

/** MemAvailable (free + reclaimable page cache) on Linux; os.freemem() elsewhere. */
export function availableMemoryBytes(): number {
  try {
    const match = /^MemAvailable:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: fall through.
  }
  return freemem();
}

/** The room the budget leaves once `held` bytes of models are loaded (Infinity without a budget). */
export function budgetRoom(limits: MemoryLimits, held: number): number {
  return limits.budget === undefined ? Number.POSITIVE_INFINITY : limits.budget - held;
}

/**
 * Throws (naming the model and every size) when `bytes` of weights cannot be loaded now. `held` is
 * what loaded models keep after any unloading the caller could do.
 */
export function checkModelFits(name: string, bytes: number, held: number, limits: MemoryLimits): void {
  const room = budgetRoom(limits, held);
  if (bytes > room) {
    const budget = limits.budget as number;
    throw new ModelInputError(
      'file',
      `${name} needs about ${formatBytes(bytes)} for its weights, but the memory budget is ${formatBytes(budget)}` +
        (held > 0 ? ` and loaded models hold ${formatBytes(held)}` : '') +
        ': unload models, use float16 weights, or raise --memory-budget / DIFFGRAPH_MEMORY_BUDGET',
    );
  }
  const available = limits.available();
  if (bytes > available) {
    throw new ModelInputError(
      'file',
      `${name} needs about ${formatBytes(bytes)} for its weights, but only ${formatBytes(available)} of memory is available` +
        (held > 0 ? ` (loaded models hold ${formatBytes(held)})` : '') +
        ': close other programs, unload models or use float16 weights',
    );
  }
}
