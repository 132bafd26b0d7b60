import { describe, expect, it } from 'vitest';
import {
  copySelection,
  duplicate,
  parseClip,
  pasteClip,
  serialiseClip,
} from '../../../renderer/src/doc/clipboard.ts';
import { txt2img } from './fixtures.ts';

describe('clipboard', () => {
  it('copies the chosen nodes with only the wires between them', () => {
    const clip = copySelection(txt2img(), ['pos', 'sampler', 'decode']);
    expect(Object.keys(clip.nodes).sort()).toEqual(['decode', 'pos', 'sampler']);
    expect(clip.edges).toEqual([
      { from: ['pos', 'conditioning'], to: ['sampler', 'positive'] },
      { from: ['sampler', 'latent'], to: ['decode', 'latent'] },
    ]);
    expect(clip.format).toBe('diffgraph');
  });

  it('round-trips through text and refuses text that is not a graph', () => {
    const clip = copySelection(txt2img(), ['pos']);
    expect(parseClip(serialiseClip(clip))).toEqual(clip);
    expect(parseClip('hello')).toBeNull();
    expect(parseClip('{"nodes": {}}')).toBeNull();
    expect(parseClip('{"format":"diffgraph","version":1,"nodes":{"a":{"widgets":{}}}}')).toBeNull();
  });

  it('pastes with fresh ids, remapped wires and positions moved to the target point', () => {
    const doc = txt2img();
    const clip = copySelection(doc, ['pos', 'sampler']);
    const { doc: out, nodeIds } = pasteClip(doc, clip, [1000, 500]);
    expect(nodeIds).toEqual(['text_encode', 'sampler_2']);
    expect(out.nodes.text_encode.position).toEqual([1000, 500]);
    expect(out.nodes.sampler_2.position).toEqual([1300, 500]);
    expect(out.nodes.sampler_2.widgets).toEqual(doc.nodes.sampler.widgets);
    expect(out.edges.slice(doc.edges.length)).toEqual([
      { from: ['text_encode', 'conditioning'], to: ['sampler_2', 'positive'] },
    ]);
    expect(Object.keys(out.nodes)).toHaveLength(Object.keys(doc.nodes).length + 2);
    // The original is untouched.
    expect(doc.edges).toHaveLength(txt2img().edges.length);
  });

  it('Ctrl+Shift+V keeps the wires that fed the copied nodes from outside; a plain paste does not', () => {
    const doc = txt2img();
    const clip = parseClip(serialiseClip(copySelection(doc, ['pos', 'sampler'])));
    if (!clip) throw new Error('clip did not round-trip');
    const plain = pasteClip(doc, clip, [1000, 500]).doc;
    expect(plain.edges.slice(doc.edges.length)).toHaveLength(1);
    const linked = pasteClip(doc, clip, [1000, 500], { keepInputLinks: true }).doc;
    expect(linked.edges.slice(doc.edges.length)).toEqual([
      { from: ['text_encode', 'conditioning'], to: ['sampler_2', 'positive'] },
      { from: ['pipe', 'clip'], to: ['text_encode', 'clip'] },
      { from: ['pipe', 'model'], to: ['sampler_2', 'model'] },
      { from: ['neg', 'conditioning'], to: ['sampler_2', 'negative'] },
      { from: ['empty', 'latent'], to: ['sampler_2', 'latent'] },
    ]);
    // Into a document without the feeding nodes, only the inner wire comes along.
    const other = { ...doc, nodes: { decode: doc.nodes.decode }, edges: [] };
    expect(pasteClip(other, clip, [0, 0], { keepInputLinks: true }).doc.edges).toHaveLength(1);
  });

  it('pasted widget values are copies, not shared objects', () => {
    const doc = txt2img();
    doc.nodes.pos.widgets.text = 'cat';
    const clip = copySelection(doc, ['pos']);
    const { doc: out, nodeIds } = pasteClip(doc, clip, [0, 0]);
    out.nodes[nodeIds[0]].widgets.text = 'dog';
    expect(doc.nodes.pos.widgets.text).toBe('cat');
  });

  it('duplicates next to the original and keeps reroute points in place relative to nodes', () => {
    const doc = txt2img();
    doc.edges[3] = { ...doc.edges[3], points: [[450, 50]] };
    const { doc: out, nodeIds } = duplicate(doc, ['pos', 'sampler']);
    const [p2, s2] = nodeIds;
    expect(out.nodes[p2].position).toEqual([340, 40]);
    const wire = out.edges.find((e) => e.to[0] === s2);
    expect(wire?.points).toEqual([[490, 90]]);
  });
});
