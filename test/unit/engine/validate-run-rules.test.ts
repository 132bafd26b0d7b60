// Regression: `validate` passed width 12 and a wired scaling factor of 0 that
// `run` rejects. Both now apply one set of widget rules.
import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../../main/engine/compile/validate.ts';
import { Engine } from '../../../main/engine/execute/engine.ts';
import { defaultRegistry } from '../../../main/engine/registry.ts';
import { parseWidgetValue } from '../../../main/graph/widget-values.ts';
import { emptyLatent } from '../../../nodes/latent.ts';
import { silentLogger, testRuntime } from './test-nodes.ts';

const registry = defaultRegistry();

function vaeGraph(latentWidgets: Record<string, unknown>, wiredScaling?: number) {
  const doc = {
    format: 'diffgraph',
    version: 1,
    nodes: {
      vae: { type: 'LoadVAE', widgets: { file: 'vae.onnx' } },
      latent: { type: 'EmptyLatent', widgets: latentWidgets },
      decode: { type: 'VAEDecode', widgets: {} },
      save: { type: 'SaveImage', widgets: {} },
    } as Record<string, { type: string; widgets: Record<string, unknown> }>,
    edges: [
      { from: ['vae', 'vae'], to: ['decode', 'vae'] },
      { from: ['latent', 'latent'], to: ['decode', 'latent'] },
      { from: ['decode', 'image'], to: ['save', 'image'] },
    ],
  };
  if (wiredScaling !== undefined) {
    doc.nodes.scale = { type: 'Float', widgets: { value: wiredScaling } };
    doc.edges.push({ from: ['scale', 'float'], to: ['vae', 'scaling_factor'] });
  }
  return doc;
}

describe('one set of widget rules for validate and run', () => {
  it('a width off the 8-pixel grid fails validation, as EmptyLatent fails at run time', () => {
    const problems = validateGraph(vaeGraph({ width: 12 }), registry);
    expect(problems).toEqual([
      expect.objectContaining({
        nodeId: 'latent',
        field: 'width',
        message: 'Widget "width": expected a multiple of 8, got 12',
      }),
    ]);
    expect(() => emptyLatent(12, 8, 1, 4)).toThrow(/multiple of 8/);
    expect(() => parseWidgetValue({ name: 'width', kind: 'int', default: 8, min: 8, step: 8 }, '12')).toThrow(
      'expected a multiple of 8, got 12',
    );
    expect(validateGraph(vaeGraph({ width: 16 }), registry)).toEqual([]);
  });

  it('a primitive wired into a widget is held to that widget’s range', async () => {
    const problems = validateGraph(vaeGraph({}, 0), registry);
    expect(problems).toEqual([
      expect.objectContaining({
        nodeId: 'vae',
        field: 'scaling_factor',
        code: 'bad-widget-value',
        message: expect.stringMatching(
          /wired to node "scale", whose value fails: 0 is below the minimum 0.0001/,
        ),
      }),
    ]);
    // The engine refuses the same graph before running anything.
    const engine = new Engine({ registry, runtime: testRuntime(), logger: silentLogger });
    const result = await engine.run(vaeGraph({}, 0));
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/0 is below the minimum 0.0001/);
    expect(validateGraph(vaeGraph({}, 0.18215), registry)).toEqual([]);
  });
});
