// The U-Net built from a checkpoint's tensors computes what the original LDM UNetModel computes: its
// outputs equal the reference outputs recorded by scripts/reference/unet.py (sgm's UNetModel run in
// PyTorch on the same tiny checkpoints), for a fractional timestep shared by the batch and integer
// timesteps per sample, for checkpoints stored in float32, float16 and bfloat16.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildUnet } from '../../../main/checkpoint/build/unet.ts';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { readUnetStructure } from '../../../main/checkpoint/unet-structure.ts';
import { onnx } from '../../../main/onnx/proto.ts';
import {
  TINY_UNET_CHECKPOINTS,
  tinyUnetTensors,
  writeTinyUnetCheckpoints,
} from '../../fixtures/checkpoints/tiny-unet.ts';
import {
  buildTinyUnet,
  referenceErrors,
  runTinyUnet,
  tinyUnetCheckpoint,
  UNET_REFERENCE_DIR,
} from '../../fixtures/checkpoints/unet-reference.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-build-'));
  await writeTinyUnetCheckpoints(dir);
});

async function expectMatches(file: string, options: Parameters<typeof buildTinyUnet>[2], tolerance: number) {
  const c = tinyUnetCheckpoint(file);
  const errors = await referenceErrors(c, await runTinyUnet(await buildTinyUnet(c, dir, options), c));
  for (const [run, error] of Object.entries(errors)) expect(error, `${file} ${run}`).toBeLessThan(tolerance);
}

describe('buildUnet against the original UNetModel', () => {
  it('regenerates the checkpoints the fixtures were recorded from, byte for byte', async () => {
    const manifest = JSON.parse(await readFile(join(UNET_REFERENCE_DIR, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.checkpoints).sort()).toEqual(TINY_UNET_CHECKPOINTS.map((c) => c.file).sort());
    for (const c of TINY_UNET_CHECKPOINTS) {
      const hash = createHash('sha256')
        .update(await readFile(join(dir, c.file)))
        .digest('hex');
      expect(hash, c.file).toBe(manifest.checkpoints[c.file]);
    }
  });

  it.each(TINY_UNET_CHECKPOINTS.map((c) => c.file))(
    'float32 build of %s equals the reference',
    async (file) => {
      await expectMatches(file, { dtype: 'float32' }, 1e-4);
    },
  );

  it.each(['unet-sd1-F16.safetensors', 'unet-sd2-F16.safetensors'])(
    'float16 build of %s is within 2e-2 of the reference',
    async (file) => {
      await expectMatches(file, { dtype: 'float16' }, 2e-2);
    },
  );

  it('the unfused attention form (for WebGPU) equals the reference too', async () => {
    await expectMatches('unet-sd2-F32.safetensors', { dtype: 'float32', attention: 'unfused' }, 1e-4);
    await expectMatches('unet-sd1-F16.safetensors', { dtype: 'float16', attention: 'unfused' }, 2e-2);
  });

  it('keeps the weights out of the model file; float16 builds cast around attention for SD 2.x only', async () => {
    /** For each MultiHeadAttention node: is its query produced by a Cast to float32? */
    const attentionInputsCast = async (file: string) => {
      const bytes = await readFile(await buildTinyUnet(tinyUnetCheckpoint(file), dir, { dtype: 'float16' }));
      expect(bytes.length).toBeLessThan(100_000);
      const nodes = onnx.ModelProto.decode(bytes).graph?.node ?? [];
      const producer = new Map(nodes.flatMap((n) => (n.output ?? []).map((o) => [o, n] as const)));
      const mha = nodes.filter((n) => n.opType === 'MultiHeadAttention' && n.domain === 'com.microsoft');
      expect(mha.length).toBe(8); // 4 SpatialTransformers (input, middle, 2 output blocks) × (self, cross)
      return mha.map((n) => {
        const q = producer.get(n.input?.[0] ?? '');
        return q?.opType === 'Cast' && Number(q.attribute?.[0]?.i) === 1;
      });
    };
    expect(new Set(await attentionInputsCast('unet-sd2-F16.safetensors'))).toEqual(new Set([true]));
    expect(new Set(await attentionInputsCast('unet-sd1-F16.safetensors'))).toEqual(new Set([false]));
  });

  it('names the checkpoint key that is missing or has an unexpected shape', async () => {
    const c = tinyUnetCheckpoint('unet-sd1-F32.safetensors');
    const tensors = tinyUnetTensors(c.variant, c.dtype);
    const structure = readUnetStructure(new MemoryTensorSource(c.file, tensors), { heads: c.config.heads });
    const key = 'model.diffusion_model.output_blocks.1.0.skip_connection.weight';
    const without = new MemoryTensorSource(
      c.file,
      tensors.filter((t) => t.name !== key),
    );
    await expect(buildUnet(without, structure, { dtype: 'float32' })).rejects.toThrow(
      `unet-sd1-F32.safetensors: key "${key}" is missing (expected shape [64,96,1,1])`,
    );
    const ffKey = 'model.diffusion_model.middle_block.1.transformer_blocks.0.ff.net.2.weight';
    const bent = tensors.map((t) =>
      t.name === ffKey ? { ...t, shape: [64, 128], values: new Float32Array(64 * 128) } : t,
    );
    await expect(
      buildUnet(new MemoryTensorSource(c.file, bent), structure, { dtype: 'float32' }),
    ).rejects.toThrow(`key "${ffKey}" has shape [64,128], expected [64,256]`);
  });
});
