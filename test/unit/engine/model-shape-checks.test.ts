// Validation that reads model headers: a latent size the shipped model's U-Net cannot take
// (its README: 128x128 px images, 16x16 latents) is a problem before the run, on the size widget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelShapeProblems } from '../../../main/engine/model-shape-checks.ts';
import { NodeRegistry } from '../../../main/engine/registry.ts';
import { createRuntimeServices } from '../../../main/engine/runtime-services.ts';
import { normalizeGraph } from '../../../main/graph/normalize.ts';
import { APP_ROOT } from '../../../main/paths.ts';
import { builtinNodes } from '../../../nodes/index.ts';

const registry = new NodeRegistry(builtinNodes());
const runtime = createRuntimeServices({
  paths: { models: '/nonexistent/m', input: '/nonexistent/i', output: '/nonexistent/o' },
});

function defaultGraph(size: { width: number; height: number }) {
  const raw = JSON.parse(readFileSync(join(APP_ROOT, 'graphs', 'default.json'), 'utf8'));
  Object.assign(raw.nodes.latent.widgets, size);
  const normalized = normalizeGraph(raw);
  if (!normalized.ok) throw new Error('default graph does not load');
  return normalized.doc;
}

describe('model shape checks', () => {
  it('accepts the size the shipped model was exported for', async () => {
    expect(await modelShapeProblems(defaultGraph({ width: 128, height: 128 }), registry, runtime)).toEqual(
      [],
    );
  });

  it('names the model, the size it takes and the size asked for, on the latent node', async () => {
    const problems = await modelShapeProblems(defaultGraph({ width: 512, height: 512 }), registry, runtime);
    expect(problems).toEqual([
      {
        nodeId: 'latent',
        field: 'width',
        code: 'bad-widget-value',
        message:
          'The model "diffgraph-shapes" takes 128x128 px images (16x16 latents); this latent is 512x512 px',
      },
    ]);
    const tall = await modelShapeProblems(defaultGraph({ width: 128, height: 256 }), registry, runtime);
    expect(tall.map((p) => p.field)).toEqual(['height']);
  });

  it('leaves a model it cannot find to the run', async () => {
    const doc = defaultGraph({ width: 512, height: 512 });
    doc.nodes.load.widgets.model = 'no-such-model';
    expect(await modelShapeProblems(doc, registry, runtime)).toEqual([]);
  });
});
