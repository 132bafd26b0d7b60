// Reading a graph file with bounded cost: only regular files (a FIFO would block forever, a
// device such as /dev/zero would grow without end) and only up to a size no graph needs.
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** A JSON graph is a few hundred kilobytes; 16 MiB leaves room for big embedded notes. */
export const MAX_GRAPH_JSON_BYTES = 16 * 1024 * 1024;
/** A PNG with the graph embedded: an 8192² RGBA image is at most ~256 MiB uncompressed. */
export const MAX_GRAPH_PNG_BYTES = 256 * 1024 * 1024;

export class GraphReadError extends Error {}

/** The bytes of `path`, refusing anything that is not a regular file of at most `limit` bytes. */
export async function readGraphBytes(path: string, limit: number): Promise<Buffer> {
  // stat (not open) first: opening a FIFO waits for a writer that may never come.
  const info = await stat(path);
  if (!info.isFile())
    throw new GraphReadError('not a regular file (graphs are read from ordinary files only)');
  if (info.size > limit)
    throw new GraphReadError(`the file is ${info.size} bytes, over the ${limit}-byte limit for graphs`);
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    // The file may have been swapped or grown since the stat: check again on the open handle.
    const opened = await handle.stat();
    if (!opened.isFile())
      throw new GraphReadError('not a regular file (graphs are read from ordinary files only)');
    const buffer = Buffer.alloc(Math.min(opened.size, limit) + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > limit) throw new GraphReadError(`the file is over the ${limit}-byte limit for graphs`);
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
