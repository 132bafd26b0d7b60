// Latent nodes: EmptyLatent, AddNoise (the forward process q(x_t | x₀)), SaveLatent / LoadLatent (.npy).
import { defineNode, type NodeContext, type NodeDefinition, NodeInputError } from './api.ts';
import { decodeNpy, encodeNpy } from './formats/npy.ts';
import { asDenoiser, asLatent } from './inputs.ts';
import { inChunks } from './math/interruptible.ts';
import { BatchNoise } from './math/noise.ts';
import { f32 } from './math/numeric.ts';
import { trainingTables } from './math/schedules.ts';
import type { Latent } from './types.ts';
import { onInput } from './widget-errors.ts';

export function emptyLatent(width: number, height: number, batch: number, channels: number): Latent {
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 8 || value % 8 !== 0)
      throw new NodeInputError(name, `expected a multiple of 8 pixels, got ${value}`);
  }
  const shape = [batch, channels, height / 8, width / 8];
  return { data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape };
}

/**
 * q(x_t | x₀) = N(√ᾱ_t·x₀, (1−ᾱ_t)·I) with seeded noise (item b from seed + b). Big latents are
 * worked in chunks that let `signal` cancel in between.
 */
export async function addNoise(
  latent: Latent,
  alphaBar: number,
  seed: number,
  signal?: AbortSignal,
): Promise<Latent> {
  const data = await new BatchNoise(seed, latent.shape[0]).fillInterruptibly(
    new Float32Array(latent.data.length),
    signal,
  );
  const a = f32(Math.sqrt(alphaBar));
  const s = f32(Math.sqrt(f32(1 - alphaBar)));
  const x0 = latent.data;
  const mix = (start: number, end: number) => {
    for (let i = start; i < end; i++) data[i] = f32(a * x0[i]) + f32(s * data[i]);
  };
  await inChunks(data.length, mix, signal);
  return { data, shape: [...latent.shape] };
}

/** A relative name in the input folder, or an absolute path (inside the input or output folder
 * unless the runtime allows absolute paths anywhere, as the CLI does). */
function latentPath(ctx: NodeContext, file: string): string {
  if (!file) throw new NodeInputError('file', 'choose a .npy file');
  return onInput('file', () => ctx.services.files.inputPath(file, 'latent file', ['input', 'output']));
}

export const latentNodes: NodeDefinition[] = [
  defineNode({
    type: 'EmptyLatent',
    displayName: 'Empty Latent',
    category: 'latent',
    description: 'A batch of zero latents for an image of the given pixel size (latents are 1/8 of it)',
    inputs: [],
    widgets: [
      { name: 'width', kind: 'int', default: 512, min: 8, max: 8192, step: 8 },
      { name: 'height', kind: 'int', default: 512, min: 8, max: 8192, step: 8 },
      { name: 'batch', kind: 'int', default: 1, min: 1, max: 64 },
      { name: 'channels', kind: 'int', default: 4, min: 1, max: 64 },
    ],
    outputs: [{ name: 'latent', type: 'LATENT' }],
    run: async (ctx, inputs) => {
      // One zero-filled allocation (no loop to interrupt): a cancel that came first stops it.
      ctx.signal.throwIfAborted();
      const { width, height, batch, channels } = inputs as Record<string, number>;
      return { latent: emptyLatent(width, height, batch, channels) };
    },
  }),
  defineNode({
    type: 'AddNoise',
    displayName: 'Add Noise',
    category: 'latent',
    description:
      'The forward diffusion process q(x_t | x₀) = N(√ᾱ_t·x₀, (1−ᾱ_t)·I) at one training timestep: watch a latent dissolve',
    inputs: [
      { name: 'latent', type: 'LATENT' },
      { name: 'model', type: 'MODEL' },
    ],
    widgets: [
      { name: 'timestep', kind: 'int', default: 500, min: 0, max: 999 },
      { name: 'seed', kind: 'seed', default: 0, control: 'fixed' },
    ],
    outputs: [{ name: 'latent', type: 'LATENT' }],
    run: async (ctx, inputs) => {
      const model = asDenoiser(inputs.model);
      const t = inputs.timestep as number;
      const table = trainingTables(model.config).alphasCumprod;
      if (!Number.isInteger(t) || t < 0 || t >= table.length) {
        throw new NodeInputError('timestep', `expected a training timestep 0..${table.length - 1}, got ${t}`);
      }
      const latent = await addNoise(asLatent(inputs.latent), table[t], inputs.seed as number, ctx.signal);
      return { latent };
    },
  }),
  defineNode({
    type: 'SaveLatent',
    displayName: 'Save Latent',
    category: 'latent',
    description:
      'Writes <prefix>_00001.npy … in the output folder: NumPy float32, C order, [batch, channels, height, width]',
    inputs: [{ name: 'latent', type: 'LATENT' }],
    widgets: [{ name: 'prefix', kind: 'string', default: 'latent' }],
    outputs: [],
    output: true,
    run: async (ctx, inputs) => {
      const prefix = inputs.prefix as string;
      if (!/^[\w.-]+$/.test(prefix) || prefix.startsWith('.')) {
        throw new NodeInputError(
          'prefix',
          `'${prefix}' is not a plain file name prefix (letters, digits, _ . - only)`,
        );
      }
      const latent = asLatent(inputs.latent);
      const path = await ctx.services.files.writeNumbered(prefix, '.npy', encodeNpy(latent));
      ctx.output({ kind: 'latent', path, meta: { shape: latent.shape } });
      return {};
    },
  }),
  defineNode({
    type: 'LoadLatent',
    displayName: 'Load Latent',
    category: 'latent',
    description:
      'Reads a NumPy .npy latent [batch, channels, height, width] (a [channels, height, width] array becomes a batch of 1)',
    inputs: [],
    widgets: [{ name: 'file', kind: 'file', default: '', folder: 'input', extensions: ['.npy'] }],
    outputs: [{ name: 'latent', type: 'LATENT' }],
    cacheKey: (ctx, inputs) => ctx.services.files.fingerprint(latentPath(ctx, inputs.file as string)),
    run: async (ctx, inputs) => {
      const file = inputs.file as string;
      const path = latentPath(ctx, file);
      let bytes: Uint8Array;
      try {
        bytes = await ctx.services.files.read(path);
      } catch (error) {
        throw new NodeInputError(
          'file',
          `cannot read '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
      let tensor: Latent;
      try {
        tensor = decodeNpy(bytes);
      } catch (error) {
        throw new NodeInputError('file', `'${file}': ${(error as Error).message}`);
      }
      if (tensor.shape.length === 3) tensor = { data: tensor.data, shape: [1, ...tensor.shape] };
      if (tensor.shape.length !== 4) {
        throw new NodeInputError(
          'file',
          `'${file}' has shape (${tensor.shape.join(', ')}); expected [batch, channels, height, width]`,
        );
      }
      return { latent: tensor };
    },
  }),
];
