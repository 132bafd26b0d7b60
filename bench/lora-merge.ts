// LoRA apply time at SD 1.5 shapes: an attention-and-feed-forward LoRA (rank 32, kohya names, the
// modules kohya's sd-scripts trains by default) read against an SD 1.5-shaped set of U-Net
// transformer weights, then every patched weight re-merged in float32. Also the cost of a strength
// change (only the touched keys). Run: npx tsx bench/lora-merge.ts
import { readLora } from '../main/checkpoint/lora.ts';
import { changedKeys, LoraPatchedSource } from '../main/checkpoint/lora-source.ts';
import { MemoryTensorSource } from '../main/checkpoint/memory-source.ts';
import type { TensorToWrite } from '../main/checkpoint/safetensors-write.ts';

const RANK = 32;
const CONTEXT = 768;
const U = 'model.diffusion_model.';

/** SD 1.5's SpatialTransformers: [LDM block, diffusers module, channels]. */
function transformers(): [string, string, number][] {
  const out: [string, string, number][] = [];
  [320, 640, 1280].forEach((c, level) => {
    for (let j = 0; j < 2; j++)
      out.push([`input_blocks.${1 + level * 3 + j}.1`, `down_blocks.${level}.attentions.${j}`, c]);
  });
  out.push(['middle_block.1', 'mid_block.attentions.0', 1280]);
  [1280, 640, 320].forEach((c, i) => {
    for (let j = 0; j < 3; j++)
      out.push([`output_blocks.${3 * (i + 1) + j}.1`, `up_blocks.${i + 1}.attentions.${j}`, c]);
  });
  return out;
}

function modules(c: number): [string, number[]][] {
  const t = 'transformer_blocks.0.';
  return [
    ['proj_in', [c, c, 1, 1]],
    ['proj_out', [c, c, 1, 1]],
    ...['attn1.to_q', 'attn1.to_k', 'attn1.to_v', 'attn1.to_out.0', 'attn2.to_q', 'attn2.to_out.0'].map(
      (m) => [t + m, [c, c]] as [string, number[]],
    ),
    [`${t}attn2.to_k`, [c, CONTEXT]],
    [`${t}attn2.to_v`, [c, CONTEXT]],
    [`${t}ff.net.0.proj`, [8 * c, c]],
    [`${t}ff.net.2`, [c, 4 * c]],
  ];
}

const filled = (n: number, v: number) => new Float32Array(n).fill(v);
const base: TensorToWrite[] = [];
const lora: TensorToWrite[] = [];
for (const [ldm, diffusers, c] of transformers()) {
  for (const [name, shape] of modules(c)) {
    base.push({
      name: `${U}${ldm}.${name}.weight`,
      shape,
      dtype: 'F16',
      values: filled(
        shape.reduce((a, b) => a * b),
        0.01,
      ),
    });
    const kohya = `lora_unet_${`${diffusers}.${name}`.replaceAll('.', '_')}`;
    const cols = shape.slice(1).reduce((a, b) => a * b, 1);
    lora.push({
      name: `${kohya}.lora_down.weight`,
      shape: [RANK, ...shape.slice(1)],
      dtype: 'F16',
      values: filled(RANK * cols, 0.02),
    });
    lora.push({
      name: `${kohya}.lora_up.weight`,
      shape: [shape[0], RANK, ...shape.slice(2).map(() => 1)],
      dtype: 'F16',
      values: filled(shape[0] * RANK, 0.03),
    });
    lora.push({ name: `${kohya}.alpha`, shape: [], dtype: 'F16', values: Float32Array.of(16) });
  }
}

const model = new MemoryTensorSource('sd15-transformers', base);
let start = performance.now();
const file = await readLora(new MemoryTensorSource('bench-lora', lora), model);
const readMs = performance.now() - start;
const applied = [{ lora: file, strengthModel: 0.8, strengthClip: 1 }];
const merged = new LoraPatchedSource(model, applied);
const params = base.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
start = performance.now();
for (const key of merged.patchedKeys()) await merged.read(key);
const mergeMs = performance.now() - start;
const touched = changedKeys(applied, [{ ...applied[0], strengthModel: 0.5 }]);
console.log(
  `LoRA modules: ${file.patches.length} (rank ${RANK}); patched weights: ${(params / 1e6).toFixed(1)} M parameters`,
);
console.log(
  `read + map LoRA: ${readMs.toFixed(0)} ms; merge every patched weight (float32): ${mergeMs.toFixed(0)} ms`,
);
console.log(`a strength change re-merges ${touched.length} of ${model.keys().length} weights`);
