import { describe, expect, it } from 'vitest';
import { acceptsSocket, fuzzyScore, searchNodes } from '../../../renderer/src/doc/fuzzy.ts';
import { layoutNodes } from '../../../renderer/src/doc/layout.ts';
import { SCHEMAS, schema, txt2img } from './fixtures.ts';

describe('fuzzy node search', () => {
  it('matches letters in order and rejects out-of-order ones', () => {
    expect(fuzzyScore('vdec', 'VAE Decode')).not.toBeNull();
    expect(fuzzyScore('cedv', 'VAE Decode')).toBeNull();
  });

  it('ranks word-start and prefix matches above scattered ones', () => {
    expect(fuzzyScore('de', 'VAE Decode')).toBeGreaterThan(
      fuzzyScore('de', 'Encode') ?? Number.POSITIVE_INFINITY,
    );
    expect(searchNodes(SCHEMAS, 'samp')[0].type).toBe('Sampler');
    expect(searchNodes(SCHEMAS, 'save')[0].type).toBe('SaveImage');
    expect(searchNodes(SCHEMAS, 'te')[0].type).toBe('TextEncode');
  });

  it('searches category and description too', () => {
    expect(searchNodes(SCHEMAS, 'loaders').map((s) => s.type)).toContain('LoadPipeline');
    expect(searchNodes(SCHEMAS, 'pixels').map((s) => s.type)).toContain('VAEDecode');
  });

  it('filters to nodes with a socket that fits a dragged wire', () => {
    const takesLatent = searchNodes(SCHEMAS, '', { type: 'LATENT', needs: 'input' }).map((s) => s.type);
    expect(takesLatent.sort()).toEqual(['Sampler', 'VAEDecode']);
    const givesClip = searchNodes(SCHEMAS, '', { type: 'CLIP', needs: 'output' }).map((s) => s.type);
    expect(givesClip).toEqual(['LoadPipeline']);
    // An INT wire can feed an int widget (it is turned into an input when connected).
    expect(acceptsSocket(schema('EmptyLatent'), { type: 'INT', needs: 'input' })).toBe('width');
  });
});

/** A laid-out position, failing the test when the node was not placed. */
function at(positions: Map<string, [number, number]>, id: string): [number, number] {
  const p = positions.get(id);
  if (!p) throw new Error(`${id} was not laid out`);
  return p;
}

describe('auto-layout', () => {
  it('puts each node right of everything that feeds it, keeping the top-left corner', () => {
    const doc = txt2img();
    const ids = Object.keys(doc.nodes);
    const pos = layoutNodes(doc, ids, { gapX: 50, gapY: 20 });
    for (const e of doc.edges) expect(at(pos, e.from[0])[0]).toBeLessThan(at(pos, e.to[0])[0]);
    expect(Math.min(...[...pos.values()].map((p) => p[0]))).toBe(0);
    expect(Math.min(...[...pos.values()].map((p) => p[1]))).toBe(0);
    // pos, neg and empty share a column (all fed only by the pipeline or nothing else selected).
    expect(at(pos, 'pos')[0]).toBe(at(pos, 'neg')[0]);
    expect(at(pos, 'neg')[1] - at(pos, 'pos')[1]).toBe(120 + 20);
  });

  it('lays out only the selection and uses measured sizes', () => {
    const doc = txt2img();
    const sizes = new Map([['sampler', { width: 400, height: 300 }]]);
    const pos = layoutNodes(doc, ['sampler', 'decode'], { sizes, gapX: 10 });
    expect([...pos.keys()].sort()).toEqual(['decode', 'sampler']);
    expect(at(pos, 'decode')[0] - at(pos, 'sampler')[0]).toBe(410);
  });
});
