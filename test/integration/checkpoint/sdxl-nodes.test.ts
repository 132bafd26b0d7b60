// SDXL end to end on sdxl-unet's tiny SDXL checkpoints: `diffgraph convert` writes optimum's SDXL layout
// (text_encoder + text_encoder_2, tokenizer + tokenizer_2), LoadPipeline loads it and gives the image
// LoadCheckpoint gives for the same seed; the pipeline's CLIP computes sgm's conditioning; the
// refiner pass is an ordinary second Sampler with denoise < 1.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertCheckpoint } from '../../../main/checkpoint/convert.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { createRuntimeServices } from '../../../main/engine/runtime-services.ts';
import { loadGraphFile } from '../../../main/graph/load.ts';
import { SeededRandom } from '../../../main/onnx/random.ts';
import { BUNDLED_GRAPHS_DIR } from '../../../main/paths.ts';
import { loadPipelineDir } from '../../../main/runtime/loaders.ts';
import { setHashCacheFile } from '../../../main/runtime/model-hash.ts';
import { textNodes } from '../../../nodes/text.ts';
import { sdxlTextNodes } from '../../../nodes/text-sdxl.ts';
import type { Conditioning, TextEncoderModel } from '../../../nodes/types.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { expectClose, keepTokens, reference, referenceMeta } from '../../unit/checkpoint/reference.ts';
import { fakeContext } from '../../unit/fake-services.ts';
import { SLOW_TEST_MS } from '../cli/harness.ts';
import { runGraph, type TestGraph, tempFolders, testEngine, txt2imgGraph } from '../runtime/graphs.ts';

let models: string;

beforeAll(async () => {
  setHashCacheFile(null);
  models = mkdtempSync(join(tmpdir(), 'dg-sdxl-nodes-'));
  mkdirSync(join(models, 'checkpoints'));
  for (const name of ['tiny-sdxl', 'tiny-sdxl-refiner']) {
    await writeSafetensors(join(models, 'checkpoints', `${name}.safetensors`), TINY_CHECKPOINT_PARTS[name]());
  }
  for (const name of ['tiny-sdxl', 'tiny-sdxl-refiner']) {
    await convertCheckpoint({
      checkpoint: join(models, 'checkpoints', `${name}.safetensors`),
      out: join(models, `${name}-onnx`),
      dtype: 'float32',
    });
  }
});

const PROMPT = 'a photo of a cat';
/** sgm's conditioning of this checkpoint's encoders read with 64-wide heads (scripts/reference/sdxl_text.py). */
const DIR = 'text/sdxl-base-checkpoint';

/** Row 0 of a fixture (the first prompt, PROMPT's ids). */
function firstRow(name: string) {
  const all = reference(DIR, name);
  const rowSize = all.data.length / all.shape[0];
  return { data: all.data.subarray(0, rowSize), shape: [1, ...all.shape.slice(1)] };
}

let clipPromise: Promise<TextEncoderModel> | undefined;
function pipelineClip(): Promise<TextEncoderModel> {
  const root = mkdtempSync(join(tmpdir(), 'dg-sdxl-io-'));
  const runtime = createRuntimeServices({
    paths: { models, input: join(root, 'input'), output: join(root, 'output') },
    device: 'cpu',
  });
  clipPromise ??= loadPipelineDir(
    { runtime, warn() {} },
    join(models, 'tiny-sdxl-onnx'),
    'tiny-sdxl',
    'cpu',
  ).then((p) => p.clip);
  return clipPromise;
}

const NODES = [...textNodes, ...sdxlTextNodes];
async function encode(type: string, inputs: Record<string, unknown>): Promise<Conditioning> {
  const node = NODES.find((n) => n.type === type);
  const out = await node?.run(fakeContext().ctx, inputs);
  return (out as { conditioning: Conditioning }).conditioning;
}

function checkpointGraph(checkpoint: string, prefix: string): TestGraph {
  const graph = txt2imgGraph({ steps: 2, size: 64, prefix, seed: 7, negative: '' });
  graph.nodes.load = {
    type: 'LoadCheckpoint',
    widgets: { checkpoint, device: 'cpu', dtype: 'float32', prediction: 'auto' },
    position: [0, 0],
  };
  return graph;
}

async function pixels(graph: TestGraph): Promise<Buffer> {
  const { result, events } = await runGraph(testEngine(tempFolders(models)), graph);
  const errors = events.filter((e) => e.type === 'node-error');
  expect(result.error, JSON.stringify(errors)).toBeUndefined();
  // No LoRA module left unmatched, no prompt cut, nothing re-planned.
  expect(events.filter((e) => e.type === 'node-warning')).toEqual([]);
  return sharp(result.outputs[0].path).raw().toBuffer();
}

describe('SDXL pipeline folder (convert → LoadPipeline)', () => {
  it('has optimum’s SDXL layout', () => {
    const dir = join(models, 'tiny-sdxl-onnx');
    for (const sub of ['text_encoder', 'text_encoder_2', 'tokenizer', 'tokenizer_2', 'unet', 'vae_decoder'])
      expect(existsSync(join(dir, sub)), sub).toBe(true);
    const vae = JSON.parse(readFileSync(join(dir, 'vae_decoder', 'config.json'), 'utf8'));
    expect(vae).toMatchObject({ scaling_factor: 0.13025, force_upcast: true });
    const pad = JSON.parse(readFileSync(join(dir, 'tokenizer_2', 'tokenizer_config.json'), 'utf8'));
    expect(pad.pad_token).toBe('!');
    const refiner = join(models, 'tiny-sdxl-refiner-onnx');
    expect(existsSync(join(refiner, 'text_encoder'))).toBe(false);
    expect(existsSync(join(refiner, 'text_encoder_2', 'model.onnx'))).toBe(true);
  });

  it('its CLIP gives sgm’s conditioning through TextEncode: both penultimate states side by side, pooled projection', async () => {
    const clip = await pipelineClip();
    expect(clip.sdxl).toBeDefined();
    const cond = await encode('TextEncode', { clip, text: PROMPT, clip_skip: 1 });
    expect(cond.shape).toEqual([1, 77, 128]);
    const kept = referenceMeta(DIR).kept_tokens as number[];
    expectClose(keepTokens(cond.data, 1, 77, 128, kept), firstRow('crossattn'), 'float32', 'crossattn');
    expectClose(cond.pooled?.data as Float32Array, firstRow('text_embeds'), 'float32', 'pooled');
    expect(cond.sizes).toEqual([
      { originalWidth: 0, originalHeight: 0, cropTop: 0, cropLeft: 0, targetWidth: 0, targetHeight: 0 },
    ]);
  });
});

describe('TextEncodeSDXL', () => {
  it('equals TextEncode for the same prompt in both encoders, and sends text_l and text_g to their own encoder', async () => {
    const clip = await pipelineClip();
    const plain = await encode('TextEncode', { clip, text: PROMPT, width: 1024, height: 768 });
    const widgets = { clip, text_l: PROMPT, text_g: PROMPT, clip_skip: 2 };
    const sizes = { width: 1024, height: 768, crop_w: 0, crop_h: 0, target_width: 1024, target_height: 768 };
    const same = await encode('TextEncodeSDXL', { ...widgets, ...sizes, aesthetic_score: 0 });
    expect(same.data).toEqual(plain.data);
    expect(same.pooled?.data).toEqual(plain.pooled?.data);
    expect(same.sizes).toEqual(plain.sizes);
    const otherL = await encode('TextEncodeSDXL', { ...widgets, text_l: 'a red circle', crop_h: 16 });
    const half = (c: Conditioning, part: 0 | 1) =>
      Float32Array.from(
        { length: 77 * 64 },
        (_, i) => c.data[Math.floor(i / 64) * 128 + part * 64 + (i % 64)],
      );
    expect(half(otherL, 0)).not.toEqual(half(plain, 0));
    expect(half(otherL, 1)).toEqual(half(plain, 1));
    expect(otherL.pooled?.data).toEqual(plain.pooled?.data);
    expect(otherL.sizes?.[0].cropTop).toBe(16);
  });

  it('applies prompt weights to each encoder and refuses a CLIP that is not SDXL’s', async () => {
    const clip = await pipelineClip();
    const plain = await encode('TextEncodeSDXL', { clip, text_l: PROMPT, text_g: PROMPT });
    const weighted = await encode('TextEncodeSDXL', {
      clip,
      text_l: PROMPT,
      text_g: '(a photo:1.3) of a cat',
    });
    expect(weighted.data).not.toEqual(plain.data);
    const notSdxl = { kind: 'clip', name: 'sd1' };
    await expect(encode('TextEncodeSDXL', { clip: notSdxl, text_g: 'x' })).rejects.toThrow(
      /SDXL checkpoint or pipeline/,
    );
  });
});

describe('LoadCheckpoint with SDXL', () => {
  it(
    'gives the image the converted pipeline gives through LoadPipeline (base)',
    async () => {
      const viaCheckpoint = await pixels(checkpointGraph('tiny-sdxl.safetensors', 'ckpt'));
      const viaPipeline = await pixels(
        txt2imgGraph({ model: 'tiny-sdxl-onnx', steps: 2, size: 64, prefix: 'pipe', seed: 7, negative: '' }),
      );
      expect(viaCheckpoint.equals(viaPipeline)).toBe(true);
    },
    SLOW_TEST_MS,
  );
});

describe('LoadLoRA with SDXL', () => {
  it(
    'merges a U-Net LoRA and lora_te1_/lora_te2_ text-encoder LoRAs as convert --lora does',
    async () => {
      mkdirSync(join(models, 'loras'), { recursive: true });
      await writeSafetensors(
        join(models, 'loras', 'unet.safetensors'),
        TINY_CHECKPOINT_PARTS['tiny-sdxl-lora'](),
      );
      const rng = new SeededRandom(5);
      const module = (name: string, out: number, cols: number) => [
        {
          name: `${name}.lora_down.weight`,
          shape: [2, cols],
          dtype: 'F32' as const,
          values: rng.normals(2 * cols, 1),
        },
        {
          name: `${name}.lora_up.weight`,
          shape: [out, 2],
          dtype: 'F32' as const,
          values: rng.normals(out * 2, 1),
        },
      ];
      await writeSafetensors(join(models, 'loras', 'te.safetensors'), [
        ...module('lora_te1_text_model_encoder_layers_0_self_attn_q_proj', 64, 64),
        ...module('lora_te2_text_model_encoder_layers_1_mlp_fc1', 256, 64),
      ]);
      const graph = checkpointGraph('tiny-sdxl.safetensors', 'lora');
      graph.nodes.lora0 = {
        type: 'LoadLoRA',
        widgets: { lora: 'unet.safetensors', strength_model: 0.8, strength_clip: 1 },
        position: [0, 100],
      };
      graph.nodes.lora1 = {
        type: 'LoadLoRA',
        widgets: { lora: 'te.safetensors', strength_model: 1, strength_clip: 0.5 },
        position: [0, 200],
      };
      graph.edges.push(
        { from: ['load', 'model'], to: ['lora0', 'model'] },
        { from: ['load', 'clip'], to: ['lora0', 'clip'] },
        { from: ['lora0', 'model'], to: ['lora1', 'model'] },
        { from: ['lora0', 'clip'], to: ['lora1', 'clip'] },
      );
      for (const e of graph.edges)
        if (e.from[0] === 'load' && e.from[1] !== 'vae' && !e.to[0].startsWith('lora')) e.from[0] = 'lora1';
      const withLoras = await pixels(graph);
      expect(withLoras.equals(await pixels(checkpointGraph('tiny-sdxl.safetensors', 'plain')))).toBe(false);
      await convertCheckpoint({
        checkpoint: join(models, 'checkpoints', 'tiny-sdxl.safetensors'),
        out: join(models, 'tiny-sdxl-loras-onnx'),
        dtype: 'float32',
        loras: [
          { path: join(models, 'loras', 'unet.safetensors'), strength: 0.8, strengthClip: 1 },
          { path: join(models, 'loras', 'te.safetensors'), strength: 1, strengthClip: 0.5 },
        ],
      });
      const viaConvert = await pixels(
        txt2imgGraph({
          model: 'tiny-sdxl-loras-onnx',
          steps: 2,
          size: 64,
          prefix: 'conv',
          seed: 7,
          negative: '',
        }),
      );
      expect(withLoras.equals(viaConvert)).toBe(true);
    },
    SLOW_TEST_MS,
  );
});

describe('graphs/sdxl-base-refiner.json', () => {
  it(
    'runs with the tiny SDXL base and refiner under the released names (64 px, 4 steps)',
    async () => {
      const { doc, problems } = await loadGraphFile(join(BUNDLED_GRAPHS_DIR, 'sdxl-base-refiner.json'));
      expect(problems).toEqual([]);
      const names = { 'tiny-sdxl': 'sd_xl_base_1.0', 'tiny-sdxl-refiner': 'sd_xl_refiner_1.0' };
      for (const [tiny, released] of Object.entries(names)) {
        copyFileSync(
          join(models, 'checkpoints', `${tiny}.safetensors`),
          join(models, 'checkpoints', `${released}.safetensors`),
        );
      }
      const nodes = doc.nodes as Record<string, { widgets: Record<string, unknown> }>;
      Object.assign(nodes.latent.widgets, { width: 64, height: 64 });
      for (const id of ['base', 'refiner'])
        Object.assign(nodes[id].widgets, { device: 'cpu', dtype: 'float32' });
      for (const id of ['schedule', 'refiner_schedule']) nodes[id].widgets.steps = 4;
      const { result, events } = await runGraph(testEngine(tempFolders(models)), doc as unknown as TestGraph);
      expect(result.error, JSON.stringify(events.filter((e) => e.type === 'node-error'))).toBeUndefined();
      expect(events.filter((e) => e.type === 'node-warning')).toEqual([]);
      const meta = await sharp(result.outputs[0].path).metadata();
      expect([meta.width, meta.height]).toEqual([64, 64]);
    },
    SLOW_TEST_MS,
  );
});
