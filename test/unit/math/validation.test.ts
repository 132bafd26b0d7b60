// Bad widget values are rejected by graph validation, before anything runs, with a message naming the
// node and widget: steps 0, denoise 0, an unknown sampler (and friends).
import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../../main/engine/compile/validate.ts';
import { NodeRegistry } from '../../../main/engine/registry.ts';
import { defineNode } from '../../../nodes/api.ts';
import { latentNodes } from '../../../nodes/latent.ts';
import { samplingNodes } from '../../../nodes/sampling.ts';
import { buildSchedule, scheduleNodes } from '../../../nodes/schedule.ts';
import { nonlinearDenoiser } from './helpers.ts';

// A stand-in MODEL source so the graph is complete apart from the widget values under test.
const testModel = defineNode({
  type: 'TestModel',
  displayName: 'Test model',
  category: 'test',
  description: 'A mock denoiser',
  inputs: [],
  widgets: [],
  outputs: [{ name: 'model', type: 'MODEL' }],
  run: async () => ({ model: nonlinearDenoiser() }),
});
const registry = new NodeRegistry([testModel, ...scheduleNodes, ...samplingNodes, ...latentNodes]);

function graph(schedule: Record<string, unknown>, sampler: Record<string, unknown>) {
  return {
    format: 'diffgraph',
    version: 1,
    nodes: {
      model: { type: 'TestModel', widgets: {}, position: [0, 0] },
      schedule: {
        type: 'NoiseSchedule',
        widgets: { scheduler: 'karras', steps: 20, denoise: 1, sigma_min: 0, sigma_max: 0, ...schedule },
        position: [0, 0],
      },
      empty: {
        type: 'EmptyLatent',
        widgets: { width: 512, height: 512, batch: 1, channels: 4 },
        position: [0, 0],
      },
      sampler: {
        type: 'Sampler',
        widgets: {
          sampler: 'euler',
          cfg: 1,
          seed: 0,
          eta: 0,
          add_noise: true,
          langevin_steps: 10,
          step_size: 0.5,
          ...sampler,
        },
        position: [0, 0],
      },
      save: { type: 'SaveLatent', widgets: { prefix: 'latent' }, position: [0, 0] },
    },
    edges: [
      { from: ['model', 'model'], to: ['schedule', 'model'] },
      { from: ['model', 'model'], to: ['sampler', 'model'] },
      { from: ['schedule', 'schedule'], to: ['sampler', 'schedule'] },
      { from: ['empty', 'latent'], to: ['sampler', 'latent'] },
      { from: ['sampler', 'latent'], to: ['save', 'latent'] },
    ],
  };
}

describe('validation of sampling widgets', () => {
  it('accepts a good graph', () => {
    expect(validateGraph(graph({}, {}), registry)).toEqual([]);
  });

  it.each([
    ['steps 0', { steps: 0 }, {}, 'schedule', 'steps', /below the minimum 1/],
    ['denoise 0', { denoise: 0 }, {}, 'schedule', 'denoise', /below the minimum 0\.01/],
    ['denoise above 1', { denoise: 1.5 }, {}, 'schedule', 'denoise', /above the maximum 1/],
    ['an unknown scheduler', { scheduler: 'cosine' }, {}, 'schedule', 'scheduler', /expected one of leading/],
    [
      'an unknown sampler',
      {},
      { sampler: 'dpm_fast' },
      'sampler',
      'sampler',
      /expected one of euler, .*annealed_langevin/,
    ],
    ['a negative cfg', {}, { cfg: -1 }, 'sampler', 'cfg', /below the minimum 0/],
    ['eta above 1', {}, { eta: 2 }, 'sampler', 'eta', /above the maximum 1/],
    ['a fractional seed', {}, { seed: 1.5 }, 'sampler', 'seed', /whole-number seed/],
  ])(
    'rejects %s, naming node and widget',
    (_label, scheduleWidgets, samplerWidgets, nodeId, field, message) => {
      const problems = validateGraph(graph(scheduleWidgets, samplerWidgets), registry);
      expect(problems).toEqual([
        expect.objectContaining({
          nodeId,
          field,
          code: 'bad-widget-value',
          message: expect.stringMatching(message),
        }),
      ]);
    },
  );

  it('also refuses values that pass the ranges but make no schedule, when the node runs', () => {
    const model = nonlinearDenoiser();
    expect(() => buildSchedule(model, { scheduler: 'leading', steps: 4, denoise: 0.2 })).toThrow(
      /keeps no step/,
    );
    expect(() => buildSchedule(model, { scheduler: 'leading', steps: 1001, denoise: 1 })).toThrow(
      /at most 1000 steps/,
    );
    expect(() =>
      buildSchedule(model, { scheduler: 'karras', steps: 10, denoise: 1, sigmaMin: 5, sigmaMax: 1 }),
    ).toThrow(/sigma_min/);
  });
});
