// The diffusers ↔ LDM U-Net name correspondences below are the published ones (diffusers'
// convert_original_stable_diffusion_to_diffusers.py / ComfyUI's unet_to_diffusers), written out by
// hand for SD 1.5's layout: 4 levels, 2 residual blocks each, attention on the first three.
import { describe, expect, it } from 'vitest';
import { loraTargetTable } from '../../../main/checkpoint/lora-names.ts';

const U = 'model.diffusion_model.';

/** The LDM weight names of an SD 1.x/2.x U-Net (a representative subset of each module kind). */
function sdUnetWeightKeys(): string[] {
  const res = ['in_layers.0', 'in_layers.2', 'emb_layers.1', 'out_layers.0', 'out_layers.3'];
  const attn = [
    'proj_in',
    'proj_out',
    'norm',
    'transformer_blocks.0.attn1.to_q',
    'transformer_blocks.0.attn2.to_k',
    'transformer_blocks.0.attn1.to_out.0',
    'transformer_blocks.0.ff.net.0.proj',
  ];
  const keys = ['time_embed.0', 'time_embed.2', 'input_blocks.0.0', 'out.0', 'out.2'];
  const attentionLevels = [0, 1, 2];
  for (let level = 0; level < 4; level++) {
    for (let j = 0; j < 2; j++) {
      const n = 1 + level * 3 + j;
      keys.push(...res.map((r) => `input_blocks.${n}.0.${r}`));
      if (level > 0 && j === 0) keys.push(`input_blocks.${n}.0.skip_connection`);
      if (attentionLevels.includes(level)) keys.push(...attn.map((a) => `input_blocks.${n}.1.${a}`));
    }
    if (level < 3) keys.push(`input_blocks.${3 + level * 3}.0.op`);
  }
  keys.push(
    ...res.map((r) => `middle_block.0.${r}`),
    ...attn.map((a) => `middle_block.1.${a}`),
    ...res.map((r) => `middle_block.2.${r}`),
  );
  for (let n = 0; n < 12; n++) {
    const outLevel = Math.floor(n / 3);
    keys.push(...res.map((r) => `output_blocks.${n}.0.${r}`), `output_blocks.${n}.0.skip_connection`);
    const hasAttention = outLevel > 0;
    if (hasAttention) keys.push(...attn.map((a) => `output_blocks.${n}.1.${a}`));
    if (n % 3 === 2 && n < 11) keys.push(`output_blocks.${n}.${hasAttention ? 2 : 1}.conv`);
  }
  return keys.map((k) => `${U}${k}.weight`);
}

function header(keys: string[], shapes: Record<string, number[]> = {}) {
  return { keys: () => keys, info: (k: string) => ({ shape: shapes[k] ?? [4, 4] }) };
}

describe('loraTargetTable: U-Net (diffusers names → LDM keys)', () => {
  const table = loraTargetTable(header(sdUnetWeightKeys()));
  const expected: [string, string][] = [
    ['conv_in', 'input_blocks.0.0'],
    ['time_embedding.linear_1', 'time_embed.0'],
    ['time_embedding.linear_2', 'time_embed.2'],
    ['down_blocks.0.resnets.0.conv1', 'input_blocks.1.0.in_layers.2'],
    ['down_blocks.0.attentions.1.proj_in', 'input_blocks.2.1.proj_in'],
    ['down_blocks.0.downsamplers.0.conv', 'input_blocks.3.0.op'],
    [
      'down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k',
      'input_blocks.4.1.transformer_blocks.0.attn2.to_k',
    ],
    ['down_blocks.1.resnets.0.conv_shortcut', 'input_blocks.4.0.skip_connection'],
    ['down_blocks.2.downsamplers.0.conv', 'input_blocks.9.0.op'],
    ['down_blocks.3.resnets.1.time_emb_proj', 'input_blocks.11.0.emb_layers.1'],
    ['mid_block.resnets.0.norm1', 'middle_block.0.in_layers.0'],
    [
      'mid_block.attentions.0.transformer_blocks.0.ff.net.0.proj',
      'middle_block.1.transformer_blocks.0.ff.net.0.proj',
    ],
    ['mid_block.resnets.1.conv2', 'middle_block.2.out_layers.3'],
    ['up_blocks.0.resnets.2.norm2', 'output_blocks.2.0.out_layers.0'],
    ['up_blocks.0.upsamplers.0.conv', 'output_blocks.2.1.conv'],
    ['up_blocks.1.attentions.0.proj_out', 'output_blocks.3.1.proj_out'],
    ['up_blocks.1.upsamplers.0.conv', 'output_blocks.5.2.conv'],
    ['up_blocks.2.upsamplers.0.conv', 'output_blocks.8.2.conv'],
    [
      'up_blocks.3.attentions.2.transformer_blocks.0.attn1.to_out.0',
      'output_blocks.11.1.transformer_blocks.0.attn1.to_out.0',
    ],
    ['conv_norm_out', 'out.0'],
    ['conv_out', 'out.2'],
  ];
  for (const [diffusers, ldm] of expected) {
    it(`${diffusers} → ${ldm}`, () => {
      expect(table.get(`unet:${diffusers}`)).toEqual({ key: `${U}${ldm}.weight`, part: 'unet' });
    });
  }
  it('reaches every U-Net weight by its diffusers name and by its LDM path, no name shared', () => {
    const unet = [...table.values()].filter((t) => t.part === 'unet');
    const weights = sdUnetWeightKeys();
    expect(new Set(unet.map((t) => t.key))).toEqual(new Set(weights));
    // Two names per weight: the diffusers name (SD 1.x/2.x LoRAs) and the LDM path (kohya's SDXL LoRAs).
    expect(unet.length).toBe(2 * weights.length);
    for (const key of weights) {
      expect(table.get(`unet:${key.slice(U.length, -'.weight'.length)}`)).toEqual({ key, part: 'unet' });
    }
  });
});

describe('loraTargetTable: text encoders', () => {
  it('SD 1.x CLIP-L keeps HF names (with or without text_model.)', () => {
    const withLevel = 'cond_stage_model.transformer.text_model.encoder.layers.3.self_attn.q_proj.weight';
    const without = 'cond_stage_model.transformer.encoder.layers.3.mlp.fc1.weight';
    const table = loraTargetTable(header([withLevel, without]));
    expect(table.get('text:text_model.encoder.layers.3.self_attn.q_proj')).toEqual({
      key: withLevel,
      part: 'text',
    });
    expect(table.get('text:text_model.encoder.layers.3.mlp.fc1')).toEqual({ key: without, part: 'text' });
  });
  it('SD 2.x OpenCLIP: q/k/v are row blocks of the packed in_proj weight', () => {
    const packed = 'cond_stage_model.model.transformer.resblocks.5.attn.in_proj_weight';
    const table = loraTargetTable(header([packed], { [packed]: [3 * 16, 16] }));
    expect(table.get('text:text_model.encoder.layers.5.self_attn.k_proj')).toEqual({
      key: packed,
      part: 'text',
      rows: { start: 16, count: 16 },
    });
    expect(table.get('text:text_model.encoder.layers.5.mlp.fc2')?.key).toBe(
      'cond_stage_model.model.transformer.resblocks.5.mlp.c_proj.weight',
    );
    expect(table.get('text:text_model.encoder.layers.5.self_attn.out_proj')?.key).toBe(
      'cond_stage_model.model.transformer.resblocks.5.attn.out_proj.weight',
    );
  });
});

describe('loraTargetTable: residual blocks per level', () => {
  it('read from the upsamplers when the file has no downsampler keys', () => {
    const keys = sdUnetWeightKeys().filter((k) => !k.endsWith('.op.weight'));
    expect(loraTargetTable(header(keys)).get('unet:up_blocks.2.attentions.1.proj_in')?.key).toBe(
      `${U}output_blocks.7.1.proj_in.weight`,
    );
  });
  it('one residual block per level (a 1-block U-Net) maps accordingly', () => {
    const keys = [
      `${U}input_blocks.1.1.proj_in.weight`,
      `${U}input_blocks.2.0.op.weight`,
      `${U}input_blocks.3.1.proj_in.weight`,
    ];
    const table = loraTargetTable(header(keys));
    expect(table.get('unet:down_blocks.1.attentions.0.proj_in')?.key).toBe(
      `${U}input_blocks.3.1.proj_in.weight`,
    );
    expect(table.get('unet:down_blocks.0.downsamplers.0.conv')?.key).toBe(`${U}input_blocks.2.0.op.weight`);
  });
});
