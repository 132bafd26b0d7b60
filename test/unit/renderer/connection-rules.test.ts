import { describe, expect, it } from 'vitest';
import { connect } from '../../../renderer/src/doc/commands.ts';
import { checkConnection } from '../../../renderer/src/doc/connection-rules.ts';
import { SCHEMA_MAP, txt2img } from './fixtures.ts';

describe('connection rules', () => {
  it('accepts an output into an input of the same socket type', () => {
    const doc = txt2img();
    const wire = { source: 'pos', sourceHandle: 'conditioning', target: 'sampler', targetHandle: 'negative' };
    expect(checkConnection(doc, SCHEMA_MAP, wire)).toEqual({ ok: true });
  });

  it('refuses a type mismatch and says which input takes what', () => {
    const doc = txt2img();
    const wire = { source: 'empty', sourceHandle: 'latent', target: 'sampler', targetHandle: 'positive' };
    expect(checkConnection(doc, SCHEMA_MAP, wire)).toEqual({
      ok: false,
      reason: 'Sampler.positive takes CONDITIONING, this output is LATENT',
    });
  });

  it('names nodes by their title when they have one', () => {
    const doc = txt2img();
    doc.nodes.sampler.title = 'Main sampler';
    const check = checkConnection(doc, SCHEMA_MAP, {
      source: 'pipe',
      sourceHandle: 'vae',
      target: 'sampler',
      targetHandle: 'model',
    });
    expect(check).toEqual({ ok: false, reason: 'Main sampler.model takes MODEL, this output is VAE' });
  });

  it('refuses a wire that would close a loop', () => {
    const doc = txt2img();
    const looped = checkConnection(doc, SCHEMA_MAP, {
      source: 'sampler',
      sourceHandle: 'latent',
      target: 'sampler',
      targetHandle: 'latent',
    });
    expect(looped.ok).toBe(false);
    const chain = connect(doc, { from: ['decode', 'image'], to: ['save', 'image'] });
    const cycle = checkConnection(
      {
        ...chain,
        nodes: { ...chain.nodes, s2: { type: 'Sampler', widgets: {}, position: [0, 0] } },
        edges: [...chain.edges, { from: ['sampler', 'latent'], to: ['s2', 'latent'] }],
      },
      SCHEMA_MAP,
      { source: 's2', sourceHandle: 'latent', target: 'sampler', targetHandle: 'latent' },
    );
    expect(cycle).toEqual({
      ok: false,
      reason: 'That would make a loop: Sampler (sampler) already feeds Sampler (s2)',
    });
  });

  it('lets a primitive feed a widget of the matching kind', () => {
    const doc = txt2img();
    doc.nodes.n = { type: 'Int', widgets: { value: 3 }, position: [0, 0] };
    expect(
      checkConnection(doc, SCHEMA_MAP, {
        source: 'n',
        sourceHandle: 'int',
        target: 'sampler',
        targetHandle: 'steps',
      }),
    ).toEqual({ ok: true });
    expect(
      checkConnection(doc, SCHEMA_MAP, {
        source: 'n',
        sourceHandle: 'int',
        target: 'sampler',
        targetHandle: 'cfg',
      }),
    ).toEqual({
      ok: false,
      reason: 'Sampler.cfg takes FLOAT, this output is INT',
    });
  });

  it('refuses wires to unknown node types with their type named', () => {
    const doc = txt2img();
    doc.nodes.x = { type: 'FancyUpscale', widgets: {}, position: [0, 0] };
    const check = checkConnection(doc, SCHEMA_MAP, {
      source: 'decode',
      sourceHandle: 'image',
      target: 'x',
      targetHandle: 'image',
    });
    expect(check).toEqual({ ok: false, reason: 'Node x has an unknown type (FancyUpscale)' });
  });
});
