// Which PNG text chunks can carry a graph, and inflating them with a bounded output. A zTXt or
// compressed iTXt chunk is a zlib stream that may expand a thousandfold (a 1 MB PNG once cost
// 3.2 GB): only chunks under these keywords are ever inflated, and never past the limit.
import { inflateSync } from 'node:zlib';

/** Diffgraph's own graph, ComfyUI's `workflow` (editor graph) and `prompt` (API graph), A1111's `parameters`. */
export const GRAPH_TEXT_KEYWORDS: ReadonlySet<string> = new Set([
  'diffgraph',
  'workflow',
  'prompt',
  'parameters',
]);

/** The most text one PNG may inflate to, all chunks together: far above any real workflow. */
export const MAX_PNG_TEXT_BYTES = 16 * 1024 * 1024;

/** What is left of one file's inflation allowance; shared by all its chunks. */
export interface InflateBudget {
  remaining: number;
}

export function newInflateBudget(limit = MAX_PNG_TEXT_BYTES): InflateBudget {
  return { remaining: limit };
}

/** Inflate `data` but stop (with a clear error) once the output would pass the budget. */
export function inflateWithin(data: Buffer, keyword: string, budget: InflateBudget): Buffer {
  let out: Buffer;
  try {
    // zlib stops at maxOutputLength, so memory stays at the limit whatever the stream claims.
    out = inflateSync(data, { maxOutputLength: Math.max(1, budget.remaining) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new Error(
        `the PNG's "${keyword}" text inflates to more than ${MAX_PNG_TEXT_BYTES} bytes (the limit for embedded text)`,
      );
    }
    throw new Error(`the PNG's "${keyword}" text is not valid zlib data (${(error as Error).message})`);
  }
  budget.remaining -= out.length;
  return out;
}
