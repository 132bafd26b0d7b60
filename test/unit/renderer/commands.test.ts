import { describe, expect, it } from 'vitest';
import {
  addNode,
  applySeedControls,
  connect,
  moveNodes,
  newNodeId,
  nextSeed,
  removeNodes,
  setFlag,
  setWidget,
  toggleWidgetInput,
} from '../../../renderer/src/doc/commands.ts';
import { asGraphDoc, emptyDoc } from '../../../renderer/src/doc/types.ts';
import { SCHEMA_MAP, schema, txt2img } from './fixtures.ts';

describe('document commands', () => {
  it('adds a node with its schema defaults under a readable unused id', () => {
    const { doc, id } = addNode(txt2img(), schema('Sampler'), [10.4, 20.6]);
    expect(id).toBe('sampler_2');
    expect(doc.nodes[id]).toEqual({
      type: 'Sampler',
      widgets: { seed: 0, steps: 20, cfg: 7 },
      position: [10, 21],
    });
    expect(newNodeId(emptyDoc(), 'VAEDecode')).toBe('vae_decode');
    expect(newNodeId(emptyDoc(), 'LoadPipeline')).toBe('load_pipeline');
  });

  it('a new wire into an occupied input replaces the old one', () => {
    const doc = txt2img();
    const next = connect(doc, { from: ['neg', 'conditioning'], to: ['sampler', 'positive'] });
    const into = next.edges.filter((e) => e.to[0] === 'sampler' && e.to[1] === 'positive');
    expect(into).toEqual([{ from: ['neg', 'conditioning'], to: ['sampler', 'positive'] }]);
    expect(next.edges).toHaveLength(doc.edges.length);
  });

  it('removing nodes removes their wires and leaves the input document alone', () => {
    const doc = txt2img();
    const next = removeNodes(doc, ['sampler']);
    expect(next.nodes.sampler).toBeUndefined();
    expect(next.edges.some((e) => e.from[0] === 'sampler' || e.to[0] === 'sampler')).toBe(false);
    expect(next.edges).toHaveLength(doc.edges.length - 5);
    expect(doc.nodes.sampler).toBeDefined();
  });

  it('turning a widget into an input and back drops the wire that fed it', () => {
    let doc = txt2img();
    doc.nodes.n = { type: 'Int', widgets: { value: 30 }, position: [0, 0] };
    doc = toggleWidgetInput(doc, 'sampler', 'steps');
    expect(doc.nodes.sampler.widgetInputs).toEqual(['steps']);
    doc = connect(doc, { from: ['n', 'int'], to: ['sampler', 'steps'] });
    doc = toggleWidgetInput(doc, 'sampler', 'steps');
    expect(doc.nodes.sampler.widgetInputs).toBeUndefined();
    expect(doc.edges.some((e) => e.to[1] === 'steps')).toBe(false);
  });

  it('flags toggle together from the first node and clear to absent (not false)', () => {
    let doc = setFlag(txt2img(), ['pos', 'neg'], 'bypass');
    expect([doc.nodes.pos.bypass, doc.nodes.neg.bypass]).toEqual([true, true]);
    doc = setFlag(doc, ['pos', 'neg'], 'bypass');
    expect('bypass' in doc.nodes.pos).toBe(false);
  });

  it('moves round positions and keeps unknown fields of nodes', () => {
    const doc = txt2img();
    doc.nodes.pos.pluginData = { keep: true };
    const next = moveNodes(setWidget(doc, 'pos', 'text', 'x'), new Map([['pos', [1.6, 2.2]]]));
    expect(next.nodes.pos.position).toEqual([2, 2]);
    expect(next.nodes.pos.pluginData).toEqual({ keep: true });
    expect(next.nodes.pos.widgets.text).toBe('x');
  });
});

describe('seed after-run controls', () => {
  it('steps seeds as their control says, with wrap-around at the ends', () => {
    expect(nextSeed(5, 'fixed', Math.random)).toBe(5);
    expect(nextSeed(5, 'increment', Math.random)).toBe(6);
    expect(nextSeed(5, 'decrement', Math.random)).toBe(4);
    expect(nextSeed(0, 'decrement', Math.random)).toBe(2 ** 32 - 1);
    expect(nextSeed(2 ** 32 - 1, 'increment', Math.random)).toBe(0);
    expect(nextSeed(5, 'randomize', () => 0.5)).toBe(2 ** 31);
  });

  it('uses the node override before the schema default, and skips wired seeds', () => {
    let doc = txt2img();
    // Fixture schema default for Sampler.seed is randomize.
    expect(applySeedControls(doc, SCHEMA_MAP, () => 0.25).nodes.sampler.widgets.seed).toBe(2 ** 30);
    doc.nodes.sampler.seedControl = { seed: 'increment' };
    expect(applySeedControls(doc, SCHEMA_MAP).nodes.sampler.widgets.seed).toBe(6);
    doc = toggleWidgetInput(doc, 'sampler', 'seed');
    expect(applySeedControls(doc, SCHEMA_MAP)).toBe(doc);
  });
});

describe('reading documents', () => {
  it('fills missing positions, widgets and group/note ids, and keeps unknown fields', () => {
    const doc = asGraphDoc({
      format: 'diffgraph',
      version: 1,
      nodes: { a: { type: 'X' } },
      groups: [{ title: 'G', bounds: [0, 0, 10, 10] }],
      notes: [{ text: 'hi', position: [1, 2] }],
      extra: 42,
    });
    expect(doc?.nodes.a).toEqual({ type: 'X', widgets: {}, position: [0, 0] });
    expect(doc?.edges).toEqual([]);
    expect(doc?.groups?.[0]).toMatchObject({ id: 'group1', color: '#3f5f8a', title: 'G' });
    expect(doc?.notes?.[0].id).toBe('note1');
    expect(doc?.extra).toBe(42);
    expect(asGraphDoc({ format: 'other', nodes: {} })).toBeNull();
  });
});
