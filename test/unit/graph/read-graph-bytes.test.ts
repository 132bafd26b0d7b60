// Regression: reading a graph from /dev/zero grew without bound and from a
// FIFO blocked forever. Only regular files are read, up to a size limit.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGraphFile } from '../../../main/graph/load.ts';
import { MAX_GRAPH_JSON_BYTES } from '../../../main/graph/read-graph-bytes.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'diffgraph-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('graph files are regular files of bounded size', () => {
  it('refuses /dev/zero', async () => {
    await expect(loadGraphFile('/dev/zero')).rejects.toThrow('/dev/zero: not a regular file');
  });

  it('refuses a FIFO without waiting for a writer', async () => {
    const fifo = join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    await expect(loadGraphFile(fifo)).rejects.toThrow(`${fifo}: not a regular file`);
  });

  it('refuses a file over the limit, naming it', async () => {
    const big = join(dir, 'big.json');
    await writeFile(big, '');
    await truncate(big, MAX_GRAPH_JSON_BYTES + 1); // sparse: no disk used
    await expect(loadGraphFile(big)).rejects.toThrow(
      `over the ${MAX_GRAPH_JSON_BYTES}-byte limit for graphs`,
    );
  });

  it('still reads an ordinary graph', async () => {
    const path = join(dir, 'ok.json');
    await writeFile(path, JSON.stringify({ format: 'diffgraph', version: 1, nodes: {}, edges: [] }));
    expect((await loadGraphFile(path)).doc.nodes).toEqual({});
  });
});
