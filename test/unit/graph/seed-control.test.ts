import { describe, expect, it } from 'vitest';
import { applySeedControl, nextSeed } from '../../../main/graph/seed-control.ts';
import { SEED_MAX } from '../../../main/graph/widget-values.ts';
import { makeTestNodes, pipelineGraph } from '../engine/test-nodes.ts';

const { registry } = makeTestNodes();

describe('applySeedControl', () => {
  it("uses the widget's default control (increment for the test sampler)", () => {
    const doc = pipelineGraph({ seed: 41 });
    const next = applySeedControl(doc, registry);
    expect(next.nodes.sample.widgets.seed).toBe(42);
    expect(doc.nodes.sample.widgets.seed).toBe(41);
    expect(next.nodes.load).toBe(doc.nodes.load);
  });

  it("lets the node's seedControl override the widget default", () => {
    const doc = pipelineGraph({ seed: 41 });
    const at = (control: 'fixed' | 'decrement' | 'randomize', rng?: () => number) => {
      doc.nodes.sample.seedControl = { seed: control };
      return applySeedControl(doc, registry, rng).nodes.sample.widgets.seed;
    };
    expect(at('fixed')).toBe(41);
    expect(at('decrement')).toBe(40);
    expect(at('randomize', () => 0.5)).toBe(2 ** 31);
  });

  it('leaves seeds fed by a wire and unknown node types alone', () => {
    const doc = pipelineGraph({ seed: 5 });
    doc.nodes.mystery = { type: 'Unknown', widgets: { seed: 1 } };
    doc.edges.push({ from: ['x', 'int'], to: ['sample', 'seed'] });
    const next = applySeedControl(doc, registry);
    expect(next.nodes.sample.widgets.seed).toBe(5);
    expect(next.nodes.mystery).toEqual({ type: 'Unknown', widgets: { seed: 1 } });
  });

  it('wraps around at the ends of the seed range', () => {
    expect(nextSeed(SEED_MAX, 'increment')).toBe(0);
    expect(nextSeed(0, 'decrement')).toBe(SEED_MAX);
  });
});
