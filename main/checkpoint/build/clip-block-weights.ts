// Where each CLIP layout keeps one transformer block's weights. transformers' layout has separate
// q/k/v projections; open_clip (nn.MultiheadAttention) packs them in `in_proj_weight` [3W, W] and
// `in_proj_bias` [3W], rows ordered q, k, v.
import type { ClipTextStructure } from '../clip-structure.ts';
import { type CheckpointWeights, transpose2d } from './weights.ts';

export interface ClipBlockWeights {
  norm1: string;
  norm2: string;
  out: string;
  fc1: string;
  fc2: string;
  /** The q, k and v projections of `h` [B, T, W]. */
  qkv(w: CheckpointWeights, h: string): Promise<[string, string, string]>;
}

function hfBlock(s: ClipTextStructure, i: number): ClipBlockWeights {
  const p = `${s.prefix}encoder.layers.${i}.`;
  return {
    norm1: `${p}layer_norm1`,
    norm2: `${p}layer_norm2`,
    out: `${p}self_attn.out_proj`,
    fc1: `${p}mlp.fc1`,
    fc2: `${p}mlp.fc2`,
    qkv: async (w, h) => {
      const project = (name: string) => w.linear(h, `${p}self_attn.${name}`, s.width, s.width);
      return [await project('q_proj'), await project('k_proj'), await project('v_proj')];
    },
  };
}

async function packedQkv(w: CheckpointWeights, h: string, p: string, width: number) {
  const weight = await w.values(`${p}attn.in_proj_weight`, [3 * width, width]);
  const bias = await w.values(`${p}attn.in_proj_bias`, [3 * width]);
  const rows = width * width;
  const out: string[] = [];
  for (const [j, name] of ['q', 'k', 'v'].entries()) {
    const part = weight.subarray(j * rows, (j + 1) * rows);
    const t = transpose2d(part, width, width);
    const y = w.g.node('MatMul', [
      h,
      w.store(`${p}attn.${name}_proj.weight`, t, [width, width], undefined, [`${p}attn.in_proj_weight`]),
    ]);
    const biasPart = bias.slice(j * width, (j + 1) * width);
    const b = w.store(`${p}attn.${name}_proj.bias`, biasPart, [width], undefined, [`${p}attn.in_proj_bias`]);
    out.push(w.g.node('Add', [y, b]));
  }
  return out as [string, string, string];
}

function openClipBlock(s: ClipTextStructure, i: number): ClipBlockWeights {
  const p = `${s.prefix}transformer.resblocks.${i}.`;
  return {
    norm1: `${p}ln_1`,
    norm2: `${p}ln_2`,
    out: `${p}attn.out_proj`,
    fc1: `${p}mlp.c_fc`,
    fc2: `${p}mlp.c_proj`,
    qkv: (w, h) => packedQkv(w, h, p, s.width),
  };
}

export function clipBlockWeights(s: ClipTextStructure, i: number): ClipBlockWeights {
  return s.layout === 'hf' ? hfBlock(s, i) : openClipBlock(s, i);
}
