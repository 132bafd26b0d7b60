// `diffgraph convert` end to end: a whole tiny checkpoint becomes a diffusers-ONNX pipeline folder that
// LoadPipeline runs, whose VAE reproduces the original implementation's outputs, and bad input exits 2
// with nothing written.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTextEncoder } from '../../../main/checkpoint/build/text-encoder.ts';
import { readClipStructure } from '../../../main/checkpoint/clip-structure.ts';
import { convertCheckpoint } from '../../../main/checkpoint/convert.ts';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { SeededRandom } from '../../../main/onnx/random.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { tinyPromptIds } from '../../fixtures/checkpoints/tiny-clip.ts';
import { expectClose, maxAbs, maxAbsDiff, reference, runModel } from '../../unit/checkpoint/reference.ts';
import { storedZip } from '../../unit/checkpoint/stored-zip.ts';
import { runCli, SLOW_TEST_MS } from '../cli/harness.ts';
import { runGraph, tempFolders, testEngine, txt2imgGraph } from '../runtime/graphs.ts';

let root: string;
const checkpoints: Record<string, string> = {};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'dg-convert-'));
  for (const name of ['tiny-sd1', 'tiny-sd2', 'tiny-vae-diffusers']) {
    checkpoints[name] = join(root, `${name}.safetensors`);
    await writeSafetensors(checkpoints[name], TINY_CHECKPOINT_PARTS[name]());
  }
});

async function run(model: string, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(model);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function latentFeed(): Record<string, ort.Tensor> {
  const latent = reference('vae', 'latent');
  return { latent_sample: new ort.Tensor('float32', latent.data, latent.shape) };
}

describe('convert', () => {
  it(
    'writes an SD 1.x pipeline folder that LoadPipeline runs',
    async () => {
      const models = join(root, 'models-sd1');
      const out = join(models, 'tiny-converted');
      const result = await convertCheckpoint({ checkpoint: checkpoints['tiny-sd1'], out });
      expect(result).toMatchObject({ family: 'sd1', dtype: 'float32' });
      expect(result.prediction.prediction).toBe('epsilon');
      for (const sub of ['unet', 'text_encoder', 'vae_decoder', 'vae_encoder']) {
        expect(existsSync(join(out, sub, 'model.onnx')), sub).toBe(true);
        expect(existsSync(join(out, sub, 'model.onnx_data')), sub).toBe(true);
      }
      expect(readdirSync(join(out, 'tokenizer')).sort()).toEqual(
        ['README.md', 'merges.txt', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.json'].sort(),
      );
      const scheduler = JSON.parse(readFileSync(join(out, 'scheduler', 'scheduler_config.json'), 'utf8'));
      expect(scheduler.prediction_type).toBe('epsilon');
      // The checkpoint's VAE is the reference fixture's VAE (same generator and seed).
      const decoded = await run(join(out, 'vae_decoder', 'model.onnx'), latentFeed());
      expectClose(decoded.sample.data as Float32Array, reference('vae', 'decoded'), 'float32', 'decoded');

      const folders = tempFolders(models);
      const { result: ran } = await runGraph(
        testEngine(folders),
        txt2imgGraph({ model: 'tiny-converted', steps: 2, size: 64, prefix: 'converted' }),
      );
      expect(ran.error).toBeUndefined();
      expect(ran.outputs).toHaveLength(1);
    },
    SLOW_TEST_MS,
  );

  it(
    'writes SD 2.x with v-prediction, "!" padding and the penultimate layer as last_hidden_state',
    async () => {
      const models = join(root, 'models-sd2');
      const out = join(models, 'sd2-v');
      const result = await convertCheckpoint({
        checkpoint: checkpoints['tiny-sd2'],
        out,
        prediction: 'v_prediction',
        dtype: 'float16',
        vae: checkpoints['tiny-vae-diffusers'],
      });
      expect(result.prediction).toEqual({ prediction: 'v_prediction', source: 'override' });
      const scheduler = JSON.parse(readFileSync(join(out, 'scheduler', 'scheduler_config.json'), 'utf8'));
      expect(scheduler.prediction_type).toBe('v_prediction');
      const tokenizer = JSON.parse(readFileSync(join(out, 'tokenizer', 'tokenizer_config.json'), 'utf8'));
      expect(tokenizer.pad_token).toBe('!');
      const ids = new Int32Array(77).fill(0);
      ids.set([49406, 320, 1125, 49407]);
      const text = await run(join(out, 'text_encoder', 'model.onnx'), {
        input_ids: new ort.Tensor('int32', ids, [1, 77]),
      });
      // 3 layers in the checkpoint, the last one dropped: embeddings + 2 layer outputs.
      expect(Object.keys(text).filter((k) => k.startsWith('hidden_states.'))).toHaveLength(3);
      // The diffusers-layout VAE file replaced the checkpoint's: same values as the reference VAE.
      const decoded = await run(join(out, 'vae_decoder', 'model.onnx'), latentFeed());
      expectClose(decoded.sample.data as Float32Array, reference('vae', 'decoded'), 'float32', 'decoded');
      const { result: ran } = await runGraph(
        testEngine(tempFolders(models)),
        txt2imgGraph({ model: 'sd2-v', steps: 2, size: 64, prefix: 'sd2' }),
      );
      expect(ran.error).toBeUndefined();
      expect(ran.outputs).toHaveLength(1);
    },
    SLOW_TEST_MS,
  );
});

describe('convert with a LoRA', () => {
  const Q = 'cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight';
  const RANK = 2;
  const ALPHA = 1;
  const STRENGTH = 0.8;

  it(
    'merges W + strength·(alpha/rank)·(up @ down) into the text encoder and warns about unmatched keys',
    async () => {
      const rng = new SeededRandom(99);
      const up = rng.normals(64 * RANK, 0.5);
      const down = rng.normals(RANK * 64, 0.5);
      const module = 'lora_te_text_model_encoder_layers_0_self_attn_q_proj';
      const lora = join(root, 'te.safetensors');
      await writeSafetensors(lora, [
        { name: `${module}.lora_down.weight`, shape: [RANK, 64], dtype: 'F32', values: down },
        { name: `${module}.lora_up.weight`, shape: [64, RANK], dtype: 'F32', values: up },
        { name: `${module}.alpha`, shape: [], dtype: 'F32', values: Float32Array.of(ALPHA) },
        {
          name: 'lora_te_text_model_encoder_layers_9_mlp_fc1.lora_down.weight',
          shape: [RANK, 64],
          dtype: 'F32',
          values: down,
        },
        {
          name: 'lora_te_text_model_encoder_layers_9_mlp_fc1.lora_up.weight',
          shape: [256, RANK],
          dtype: 'F32',
          values: new Float32Array(256 * RANK),
        },
      ]);
      const out = join(root, 'sd1-lora');
      const result = await convertCheckpoint({
        checkpoint: checkpoints['tiny-sd1'],
        out,
        loras: [{ path: lora, strength: STRENGTH }],
      });
      expect(result.warnings.join('\n')).toMatch(/1 of 2 LoRA entries match no weight.*layers_9_mlp_fc1/);

      // The same checkpoint with the merge done here in float64 (the formula), built directly.
      const tensors = TINY_CHECKPOINT_PARTS['tiny-sd1']();
      const q = tensors.find((t) => t.name === Q);
      if (!q) throw new Error('no q_proj');
      const w = Float64Array.from(q.values as Float32Array);
      for (let o = 0; o < 64; o++)
        for (let c = 0; c < 64; c++) {
          let sum = 0;
          for (let r = 0; r < RANK; r++) sum += up[o * RANK + r] * down[r * 64 + c];
          w[o * 64 + c] += STRENGTH * (ALPHA / RANK) * sum;
        }
      q.values = Float32Array.from(w);
      const merged = new MemoryTensorSource('merged', tensors);
      const expected = await runModel(
        await buildTextEncoder(merged, readClipStructure(merged), { dtype: 'float32' }),
        { input_ids: new ort.Tensor('int32', tinyPromptIds('hf'), [2, 77]) },
      );
      const converted = await run(join(out, 'text_encoder', 'model.onnx'), {
        input_ids: new ort.Tensor('int32', tinyPromptIds('hf'), [2, 77]),
      });
      const a = converted.last_hidden_state.data as Float32Array;
      const b = expected.last_hidden_state.data as Float32Array;
      expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-4 * Math.max(1, maxAbs(b)));
      const plain = join(root, 'sd1-plain');
      await convertCheckpoint({ checkpoint: checkpoints['tiny-sd1'], out: plain });
      const without = await run(join(plain, 'text_encoder', 'model.onnx'), {
        input_ids: new ort.Tensor('int32', tinyPromptIds('hf'), [2, 77]),
      });
      expect(maxAbsDiff(without.last_hidden_state.data as Float32Array, b)).toBeGreaterThan(1e-2);
    },
    SLOW_TEST_MS,
  );
});

describe('convert failing half-way', () => {
  it(
    'leaves no folder and no partial files when a network fails to build',
    async () => {
      const tensors = TINY_CHECKPOINT_PARTS['tiny-sd1']();
      const last = tensors.find((t) => t.name === 'model.diffusion_model.out.2.weight');
      if (!last) throw new Error('no out.2.weight');
      last.shape = [4, 16, 3, 3];
      last.values = new Float32Array(4 * 16 * 9);
      const checkpoint = join(root, 'broken-unet.safetensors');
      await writeSafetensors(checkpoint, tensors);
      const out = join(root, 'broken-out');
      await expect(convertCheckpoint({ checkpoint, out })).rejects.toThrow(/out\.2\.weight/);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(root).filter((f) => f.includes('.partial'))).toEqual([]);
    },
    SLOW_TEST_MS,
  );
});

describe('convert bad input (CLI, exit 2, nothing written)', () => {
  async function expectRefused(args: string[], message: RegExp) {
    const out = join(root, `refused-${Math.random().toString(36).slice(2)}`);
    const result = await runCli(['convert', ...args, '--out', out]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('.partial'))).toEqual([]);
  }

  it(
    'refuses a missing file',
    async () => {
      await expectRefused([join(root, 'nope.safetensors')], /checkpoint .*nope\.safetensors does not exist/);
    },
    SLOW_TEST_MS,
  );

  it(
    'refuses a truncated file, naming it',
    async () => {
      const path = join(root, 'truncated.safetensors');
      await writeFile(path, readFileSync(checkpoints['tiny-vae-diffusers']).subarray(0, 5000));
      await expectRefused([path], /truncated\.safetensors/);
    },
    SLOW_TEST_MS,
  );

  it(
    'refuses a torch checkpoint whose pickle names a global, running nothing',
    async () => {
      const marker = join(root, 'pwned');
      // Pickle protocol 2: GLOBAL os\nsystem\n, a string argument, TUPLE1, REDUCE, STOP.
      const command = new TextEncoder().encode(`touch ${marker}`);
      const length = new Uint8Array(new Uint32Array([command.length]).buffer);
      const global = new TextEncoder().encode('cos\nsystem\nX');
      const pickle = new Uint8Array([0x80, 0x02, ...global, ...length, ...command, 0x85, 0x52, 0x2e]);
      const path = join(root, 'hostile.ckpt');
      await writeFile(path, storedZip({ 'archive/data.pkl': pickle }));
      await expectRefused([path], /hostile\.ckpt: refused to load: the pickle names the global "os\.system"/);
      expect(existsSync(marker)).toBe(false);
    },
    SLOW_TEST_MS,
  );

  it(
    'refuses a VAE file given as the checkpoint',
    async () => {
      await expectRefused([checkpoints['tiny-vae-diffusers']], /tiny-vae-diffusers\.safetensors: .*VAE/i);
    },
    SLOW_TEST_MS,
  );

  it(
    'refuses a bad --lora strength and a non-empty --out',
    async () => {
      await expectRefused(
        [checkpoints['tiny-sd1'], '--lora', 'x.safetensors:strong'],
        /expected FILE or FILE:STRENGTH/,
      );
      const full = join(root, 'full');
      await mkdir(full);
      await writeFile(join(full, 'keep.txt'), 'mine');
      const result = await runCli(['convert', checkpoints['tiny-sd1'], '--out', full]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/already exists and is not empty/);
      expect(readdirSync(full)).toEqual(['keep.txt']);
    },
    SLOW_TEST_MS,
  );
});
