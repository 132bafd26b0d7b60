// A long synchronous loop in the engine's worker holds back the message that would cancel it, so
// work on big tensors runs in chunks with one turn of the event loop between them, checking the
// run's abort signal there. Work that fits in one chunk runs at once, with no turn taken.

/** Values per chunk: a few milliseconds of the heaviest per-value loops (seeded noise ~6 ns each). */
export const CHUNK_VALUES = 1 << 20;

/** One macrotask turn, so that messages queued meanwhile (a cancel) are delivered. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/**
 * work(start, end) over [0, total) in ascending chunks of `chunk` values; between chunks, a turn of
 * the event loop and a check of `signal` (an aborted signal throws its AbortError).
 */
export async function inChunks(
  total: number,
  work: (start: number, end: number) => void,
  signal?: AbortSignal,
  chunk = CHUNK_VALUES,
): Promise<void> {
  signal?.throwIfAborted();
  for (let start = 0; start < total; start += chunk) {
    if (start > 0) {
      await nextTurn();
      signal?.throwIfAborted();
    }
    work(start, Math.min(total, start + chunk));
  }
}
