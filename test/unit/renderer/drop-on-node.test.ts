// A wire dropped on a node body goes to the first socket that takes it.
import { describe, expect, it } from 'vitest';
import { wireToNode } from '../../../renderer/src/doc/drop-on-node.ts';
import { SCHEMAS, txt2img } from './fixtures.ts';

const schemas = new Map(SCHEMAS.map((s) => [s.type, s]));

describe('wire dropped on a node body', () => {
  it('connects an output to the first free input of its type', () => {
    const doc = txt2img();
    doc.edges = doc.edges.filter((e) => e.to[0] !== 'sampler');
    const wire = wireToNode(
      doc,
      schemas,
      { nodeId: 'pos', handle: 'conditioning', from: 'source' },
      'sampler',
    );
    expect(wire).toEqual({
      source: 'pos',
      sourceHandle: 'conditioning',
      target: 'sampler',
      targetHandle: 'positive',
    });
  });

  it('prefers a free input over a wired one of the same type', () => {
    const doc = txt2img();
    doc.edges = doc.edges.filter((e) => !(e.to[0] === 'sampler' && e.to[1] === 'negative'));
    const wire = wireToNode(
      doc,
      schemas,
      { nodeId: 'neg', handle: 'conditioning', from: 'source' },
      'sampler',
    );
    expect(wire?.targetHandle).toBe('negative');
  });

  it('from an input, picks the first output that fits; null when nothing fits', () => {
    const doc = txt2img();
    const back = wireToNode(doc, schemas, { nodeId: 'decode', handle: 'vae', from: 'target' }, 'pipe');
    expect(back).toEqual({ source: 'pipe', sourceHandle: 'vae', target: 'decode', targetHandle: 'vae' });
    expect(wireToNode(doc, schemas, { nodeId: 'pipe', handle: 'vae', from: 'source' }, 'pos')).toBeNull();
  });
});
