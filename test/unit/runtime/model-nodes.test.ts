import { beforeAll, describe, expect, it } from 'vitest';
import { availableDevices } from '../../../main/runtime/devices.ts';
import { NodeInputError } from '../../../nodes/api.ts';
import { loaderNodes } from '../../../nodes/loaders.ts';
import { textNodes } from '../../../nodes/text.ts';
import type {
  Conditioning,
  Denoiser,
  ImageBatch,
  Latent,
  TextEncoderModel,
  VaeModel,
} from '../../../nodes/types.ts';
import { vaeNodes } from '../../../nodes/vae.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import { testContext, testRuntime } from './runtime-services.ts';

const all = [...loaderNodes, ...textNodes, ...vaeNodes];
const node = (type: string) => {
  const def = all.find((n) => n.type === type);
  if (!def) throw new Error(`no ${type}`);
  return def;
};

let f: FixtureModels;
let clip: TextEncoderModel;
let vae: VaeModel;

beforeAll(async () => {
  f = await ensureFixtureModels();
  const ctx = testContext(testRuntime({ models: f.modelsDir }));
  const out = await node('LoadPipeline').run(ctx, { model: 'tiny-sd', device: 'cpu' });
  clip = out.clip as TextEncoderModel;
  vae = out.vae as VaeModel;
});

describe('TextEncode', () => {
  it('encodes the prompt to [1, 77, D]', async () => {
    const ctx = testContext(testRuntime({ models: f.modelsDir }));
    const { conditioning } = (await node('TextEncode').run(ctx, { clip, text: 'a red square' })) as {
      conditioning: Conditioning;
    };
    expect(conditioning.shape).toEqual([1, 77, f.hiddenSize]);
    expect(ctx.warnings).toEqual([]);
  });

  it('encodes a prompt over 75 tokens as 77-token chunks joined along the sequence', async () => {
    const ctx = testContext(testRuntime({ models: f.modelsDir }));
    const text = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
    const { conditioning } = (await node('TextEncode').run(ctx, { clip, text })) as {
      conditioning: Conditioning;
    };
    const chunks = Math.ceil((clip.tokenIds?.(text).length ?? 0) / 75);
    expect(chunks).toBeGreaterThan(1);
    expect(conditioning.shape).toEqual([1, chunks * 77, f.hiddenSize]);
    expect(ctx.warnings).toEqual([]);
  });

  it('refuses an embedding on a text encoder that takes token ids only, saying what can', async () => {
    const ctx = testContext(testRuntime({ models: f.modelsDir }));
    const vectors = new Float32Array(2 * f.hiddenSize).fill(0.5);
    Object.defineProperty(ctx.services, 'embeddings', {
      value: { load: async () => ({ file: 'style.safetensors', tokens: 2, vectors }) },
    });
    const run = node('TextEncode').run(ctx, { clip, text: 'a embedding:style square' });
    await expect(run).rejects.toMatchObject({ input: 'clip' });
    await expect(run).rejects.toThrow(/takes token ids only.*Load Checkpoint.*diffgraph convert/);
  });

  it('rejects a wire that is not a text encoder', async () => {
    const ctx = testContext(testRuntime({ models: f.modelsDir }));
    await expect(node('TextEncode').run(ctx, { clip: vae, text: 'x' })).rejects.toThrow(NodeInputError);
  });
});

describe('VAEDecode / VAEEncode', () => {
  const latent: Latent = {
    data: Float32Array.from({ length: 4 * 4 * 4 }, (_, i) => Math.cos(i) * 2),
    shape: [1, 4, 4, 4],
  };

  it('divides latents by the scaling factor before decoding', async () => {
    const ctx = testContext(testRuntime({ models: f.modelsDir }));
    const { image } = (await node('VAEDecode').run(ctx, { vae, latent })) as { image: ImageBatch };
    const unscaled = latent.data.map((v) => v / f.scalingFactor);
    const direct = await vae.decode?.({ data: unscaled, shape: latent.shape });
    expect(Array.from(image.data)).toEqual(Array.from(direct?.data ?? []));
  });

  it('multiplies encoder output by the scaling factor', async () => {
    const ctx = testContext(testRuntime({ models: f.modelsDir }));
    const image: ImageBatch = {
      data: Float32Array.from({ length: 16 * 16 * 3 }, (_, i) => (i % 11) / 10),
      shape: [1, 16, 16, 3],
    };
    const { latent: out } = (await node('VAEEncode').run(ctx, { vae, image })) as { latent: Latent };
    const direct = await vae.encode?.(image);
    expect(out.shape).toEqual([1, 4, 2, 2]);
    expect(Array.from(out.data)).toEqual(
      Array.from(direct?.data ?? []).map((v) => Math.fround(v * f.scalingFactor)),
    );
  });

  it('centre-crops images to a multiple of 8 with a warning', async () => {
    const ctx = testContext(testRuntime({ models: f.modelsDir }));
    const image: ImageBatch = { data: new Float32Array(1 * 19 * 21 * 3).fill(0.5), shape: [1, 19, 21, 3] };
    const { latent: out } = (await node('VAEEncode').run(ctx, { vae, image })) as { latent: Latent };
    expect(out.shape).toEqual([1, 4, 2, 2]);
    expect(ctx.warnings).toEqual(['image 21x19 cropped to 16x16 (a multiple of 8)']);
  });

  it('rejects latents with the wrong channel count, naming the input', async () => {
    const ctx = testContext(testRuntime({ models: f.modelsDir }));
    const error = await node('VAEDecode')
      .run(ctx, { vae, latent: { data: new Float32Array(3 * 16), shape: [1, 3, 4, 4] } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(NodeInputError);
    expect(error.input).toBe('latent');
  });
});

describe('LoadPipeline device auto', () => {
  it('says on the node why auto runs on the CPU, and nothing when it found a GPU', async () => {
    const ctx = testContext(testRuntime({ models: f.modelsDir, device: 'auto' }));
    await node('LoadPipeline').run(ctx, { model: 'tiny-sd', device: 'auto' });
    const report = await availableDevices();
    if (report.auto === 'cpu') {
      expect(ctx.warnings).toHaveLength(1);
      expect(ctx.warnings[0]).toMatch(
        /^device auto: no usable GPU \(cuda: .+; webgpu: .+\); running on the CPU$/,
      );
    } else {
      expect(ctx.warnings).toEqual([]);
    }
  });

  it('stays quiet when the runtime names a device', async () => {
    const ctx = testContext(testRuntime({ models: f.modelsDir, device: 'cpu' }));
    await node('LoadPipeline').run(ctx, { model: 'tiny-sd', device: 'auto' });
    expect(ctx.warnings).toEqual([]);
  });
});

describe('LoadPipeline overrides', () => {
  it("keeps the pipeline's own prediction type and scaling factor by default", async () => {
    const ctx = testContext(testRuntime({ models: f.modelsDir }));
    const out = await node('LoadPipeline').run(ctx, {
      model: 'tiny-sd',
      device: 'cpu',
      prediction: 'from_config',
      scaling_factor: 0,
    });
    expect((out.model as Denoiser).config.predictionType).toBe('epsilon');
    expect((out.vae as VaeModel).scalingFactor).toBeCloseTo(f.scalingFactor, 6);
  });

  it('lets widgets override the prediction type and the VAE scaling factor', async () => {
    const ctx = testContext(testRuntime({ models: f.modelsDir }));
    const out = await node('LoadPipeline').run(ctx, {
      model: 'tiny-sd',
      device: 'cpu',
      prediction: 'v_prediction',
      scaling_factor: 0.13025,
    });
    expect((out.model as Denoiser).config.predictionType).toBe('v_prediction');
    expect((out.vae as VaeModel).scalingFactor).toBe(0.13025);
  });
});
