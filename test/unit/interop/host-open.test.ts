// The editor's open path: a ComfyUI workflow saved in the graphs folder opens as a Diffgraph graph.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphStore } from '../../../main/host/graph-files.ts';
import { COMFY_FIXTURES, fixture, structure } from './helpers.ts';

describe('GraphStore.read', () => {
  it('opens a ComfyUI workflow from the graphs folder as the graph it imports to', async () => {
    const graphsDir = mkdtempSync(join(tmpdir(), 'comfy-open-'));
    copyFileSync(join(COMFY_FIXTURES, 'default-ui-1.json'), join(graphsDir, 'from-comfy.json'));
    const store = new GraphStore({ templatesDir: graphsDir, graphsDir });
    const graph = await store.read('graphs:from-comfy.json');
    expect(structure(graph)).toEqual(structure(fixture('default-expected.json')));
    expect((graph as { importReport?: unknown }).importReport).toEqual({
      source: 'comfy-ui',
      unmapped: [],
      warnings: [],
    });
  });
});
