// Node schemas shaped like the built-in catalogue, written out so renderer logic tests do not
// depend on node implementations (the renderer only ever sees schemas).
import type { NodeSchema } from '../../../nodes/api.ts';
import type { GraphDoc } from '../../../renderer/src/doc/types.ts';

export const SCHEMAS: NodeSchema[] = [
  {
    type: 'LoadPipeline',
    displayName: 'Load Pipeline',
    category: 'loaders',
    description: 'Loads a diffusion pipeline folder',
    inputs: [],
    widgets: [{ name: 'model', kind: 'model', default: 'diffgraph-shapes', modelKind: 'pipeline' }],
    outputs: [
      { name: 'model', type: 'MODEL' },
      { name: 'clip', type: 'CLIP' },
      { name: 'vae', type: 'VAE' },
    ],
  },
  {
    type: 'TextEncode',
    displayName: 'Text Encode',
    category: 'conditioning',
    description: 'Encodes a prompt',
    inputs: [{ name: 'clip', type: 'CLIP' }],
    widgets: [{ name: 'text', kind: 'string', default: '', multiline: true }],
    outputs: [{ name: 'conditioning', type: 'CONDITIONING' }],
  },
  {
    type: 'EmptyLatent',
    displayName: 'Empty Latent',
    category: 'latent',
    description: 'A blank latent batch',
    inputs: [],
    widgets: [
      { name: 'width', kind: 'int', default: 64, min: 8, max: 2048, step: 8 },
      { name: 'height', kind: 'int', default: 64, min: 8, max: 2048, step: 8 },
    ],
    outputs: [{ name: 'latent', type: 'LATENT' }],
  },
  {
    type: 'Sampler',
    displayName: 'Sampler',
    category: 'sampling',
    description: 'Denoises a latent',
    inputs: [
      { name: 'model', type: 'MODEL' },
      { name: 'positive', type: 'CONDITIONING' },
      { name: 'negative', type: 'CONDITIONING' },
      { name: 'latent', type: 'LATENT' },
    ],
    widgets: [
      { name: 'seed', kind: 'seed', default: 0, control: 'randomize' },
      { name: 'steps', kind: 'int', default: 20, min: 1, max: 1000 },
      { name: 'cfg', kind: 'float', default: 7, min: 0, max: 30, step: 0.5 },
    ],
    outputs: [{ name: 'latent', type: 'LATENT' }],
  },
  {
    type: 'VAEDecode',
    displayName: 'VAE Decode',
    category: 'latent',
    description: 'Latents to pixels',
    inputs: [
      { name: 'vae', type: 'VAE' },
      { name: 'latent', type: 'LATENT' },
    ],
    widgets: [],
    outputs: [{ name: 'image', type: 'IMAGE' }],
  },
  {
    type: 'SaveImage',
    displayName: 'Save Image',
    category: 'image',
    description: 'Writes PNG files with the graph embedded',
    inputs: [{ name: 'image', type: 'IMAGE' }],
    widgets: [{ name: 'filename_prefix', kind: 'string', default: 'diffgraph' }],
    outputs: [],
    output: true,
  },
  {
    type: 'Int',
    displayName: 'Integer',
    category: 'primitives',
    description: 'A whole number',
    inputs: [],
    widgets: [{ name: 'value', kind: 'int', default: 0 }],
    outputs: [{ name: 'int', type: 'INT' }],
  },
];

export const SCHEMA_MAP = new Map(SCHEMAS.map((s) => [s.type, s]));

export function schema(type: string): NodeSchema {
  const s = SCHEMA_MAP.get(type);
  if (!s) throw new Error(`no fixture schema ${type}`);
  return s;
}

/** A complete txt2img graph in the document format. */
export function txt2img(): GraphDoc {
  return {
    format: 'diffgraph',
    version: 1,
    nodes: {
      pipe: { type: 'LoadPipeline', widgets: { model: 'diffgraph-shapes' }, position: [0, 0] },
      pos: { type: 'TextEncode', widgets: { text: 'a red circle' }, position: [300, 0] },
      neg: { type: 'TextEncode', widgets: { text: '' }, position: [300, 200] },
      empty: { type: 'EmptyLatent', widgets: { width: 64, height: 64 }, position: [300, 400] },
      sampler: { type: 'Sampler', widgets: { seed: 5, steps: 20, cfg: 7 }, position: [600, 0] },
      decode: { type: 'VAEDecode', widgets: {}, position: [900, 0] },
      save: { type: 'SaveImage', widgets: { filename_prefix: 'out' }, position: [1200, 0] },
    },
    edges: [
      { from: ['pipe', 'clip'], to: ['pos', 'clip'] },
      { from: ['pipe', 'clip'], to: ['neg', 'clip'] },
      { from: ['pipe', 'model'], to: ['sampler', 'model'] },
      { from: ['pos', 'conditioning'], to: ['sampler', 'positive'] },
      { from: ['neg', 'conditioning'], to: ['sampler', 'negative'] },
      { from: ['empty', 'latent'], to: ['sampler', 'latent'] },
      { from: ['sampler', 'latent'], to: ['decode', 'latent'] },
      { from: ['pipe', 'vae'], to: ['decode', 'vae'] },
      { from: ['decode', 'image'], to: ['save', 'image'] },
    ],
  };
}
