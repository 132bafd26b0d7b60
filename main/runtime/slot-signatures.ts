// What each model slot (U-Net, text encoder, VAE decoder/encoder) expects of an ONNX model's
// inputs and outputs, read from the declared names, element types and shapes. The wrappers
// adapt to what they find; anything that does not fit is an error listing expected vs found.
import { EXTRA_TOKENS_INPUT } from './extra-tokens.ts';
import { describeValue, type FloatType, isFloatType, type OnnxValueInfo } from './onnx-header.ts';

export type Slot = 'unet' | 'text_encoder' | 'vae_decoder' | 'vae_encoder';

export interface ModelIO {
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

export const SLOT_LABEL: Record<Slot, string> = {
  unet: 'U-Net',
  text_encoder: 'text encoder',
  vae_decoder: 'VAE decoder',
  vae_encoder: 'VAE encoder',
};

const EXPECTED: Record<Slot, string> = {
  unet:
    'sample float32|float16 [batch,C,h,w]; timestep int64|int32|float32|float16 [] or [1] or [batch]; ' +
    'optional encoder_hidden_states float [batch,77,D], timestep_cond float [batch,N] (LCM), ' +
    'text_embeds float [batch,P] with time_ids float [batch,6|5] (SDXL)',
  text_encoder:
    'input_ids int32|int64 [batch,77] (optional attention_mask); output last_hidden_state float [batch,77,D]',
  vae_decoder: 'latent_sample float32|float16 [batch,C,h,w]; output sample [batch,3,H,W]',
  vae_encoder:
    'sample float32|float16 [batch,3,H,W]; output latent_sample [batch,C,h,w] or latent_parameters [batch,2C,h,w]',
};

export class SlotMismatchError extends Error {
  constructor(source: string, slot: Slot, io: ModelIO, problem: string) {
    const found = io.inputs.map(describeValue).join(', ') || 'none';
    const outs = io.outputs.map(describeValue).join(', ') || 'none';
    super(
      `${source} does not fit the ${SLOT_LABEL[slot]} slot (${problem}). ` +
        `Expected: ${EXPECTED[slot]}. Found inputs: ${found}; outputs: ${outs}`,
    );
    this.name = 'SlotMismatchError';
  }
}

/** A fixed dimension, or null for a symbolic/dynamic one. */
export function fixedDim(value: number | string | undefined): number | null {
  return typeof value === 'number' && value > 0 ? value : null;
}

function find(values: readonly OnnxValueInfo[], name: string): OnnxValueInfo | undefined {
  return values.find((v) => v.name === name);
}

/** Guess which slot a model fills from its input names (single-file models). */
export function classifySlot(io: ModelIO): Slot | null {
  const names = new Set(io.inputs.map((i) => i.name));
  if (names.has('sample') && names.has('timestep')) return 'unet';
  if (names.has('input_ids')) return 'text_encoder';
  if (names.has('latent_sample')) return 'vae_decoder';
  if (names.has('sample') && io.inputs.length === 1) return 'vae_encoder';
  return null;
}

export type TimestepLayout = 'scalar' | 'one' | 'batch';

export interface UnetSignature {
  sampleType: FloatType;
  channels: number;
  batch: 'dynamic' | number;
  /** Fixed latent [height, width] of exports made for one size; null where dynamic. */
  size: [number | null, number | null];
  timestep: { type: OnnxValueInfo['type']; layout: TimestepLayout };
  /** Present when the model takes text conditioning. */
  context?: { type: FloatType; tokens: number | null; hidden: number | null };
  /** LCM's guidance-scale embedding input. */
  timestepCond?: { type: FloatType; dim: number };
  /** SDXL: the pooled text embedding and the size-conditioning ids (6 base, 5 refiner). */
  sdxl?: { pooledType: FloatType; pooled: number | null; idsType: FloatType; ids: number };
  output: string;
}

const TIMESTEP_TYPES = new Set(['int64', 'int32', 'float32', 'float16']);
const UNET_INPUTS = new Set([
  'sample',
  'timestep',
  'encoder_hidden_states',
  'timestep_cond',
  'text_embeds',
  'time_ids',
]);

/** SDXL's text_embeds [batch, P] and time_ids [batch, 6|5], which come as a pair. */
function sdxlInputs(io: ModelIO, fail: (problem: string) => Error): UnetSignature['sdxl'] {
  const pooled = find(io.inputs, 'text_embeds');
  const ids = find(io.inputs, 'time_ids');
  if (!pooled && !ids) return undefined;
  if (!pooled || !ids) throw fail('text_embeds and time_ids (SDXL) come together');
  if (!isFloatType(pooled.type) || pooled.shape.length !== 2)
    throw fail('text_embeds must be float [batch,P]');
  const count = fixedDim(ids.shape[1]) ?? 6;
  if (!isFloatType(ids.type) || ids.shape.length !== 2 || (count !== 6 && count !== 5))
    throw fail('time_ids must be float [batch,6] (base) or [batch,5] (refiner)');
  return { pooledType: pooled.type, pooled: fixedDim(pooled.shape[1]), idsType: ids.type, ids: count };
}

export function unetSignature(io: ModelIO, source: string): UnetSignature {
  const fail = (problem: string) => new SlotMismatchError(source, 'unet', io, problem);
  const sample = find(io.inputs, 'sample');
  const timestep = find(io.inputs, 'timestep');
  if (!sample || !timestep) throw fail('no sample/timestep inputs');
  if (!isFloatType(sample.type) || sample.shape.length !== 4) throw fail('sample must be a float 4-D tensor');
  if (!TIMESTEP_TYPES.has(timestep.type) || timestep.shape.length > 1)
    throw fail('unsupported timestep type or shape');
  const extra = io.inputs.filter((i) => !UNET_INPUTS.has(i.name));
  if (extra.length > 0) throw fail(`unsupported inputs ${extra.map((i) => i.name).join(', ')}`);
  if (io.outputs.length === 0) throw fail('no outputs');
  const batch = fixedDim(sample.shape[0]) ?? 'dynamic';
  const tDim = timestep.shape.length === 0 ? null : fixedDim(timestep.shape[0]);
  const layout: TimestepLayout =
    timestep.shape.length === 0 ? 'scalar' : tDim === 1 && batch !== 1 ? 'one' : 'batch';
  const signature: UnetSignature = {
    sampleType: sample.type,
    channels: fixedDim(sample.shape[1]) ?? 4,
    batch,
    size: [fixedDim(sample.shape[2]), fixedDim(sample.shape[3])],
    timestep: { type: timestep.type, layout },
    output: find(io.outputs, 'out_sample')?.name ?? io.outputs[0].name,
  };
  const context = find(io.inputs, 'encoder_hidden_states');
  if (context) {
    if (!isFloatType(context.type) || context.shape.length !== 3)
      throw fail('encoder_hidden_states must be float [batch,77,D]');
    signature.context = {
      type: context.type,
      tokens: fixedDim(context.shape[1]),
      hidden: fixedDim(context.shape[2]),
    };
  }
  const cond = find(io.inputs, 'timestep_cond');
  if (cond) {
    const dim = fixedDim(cond.shape[1]);
    if (!isFloatType(cond.type) || cond.shape.length !== 2 || dim === null)
      throw fail('timestep_cond must be float [batch,N]');
    signature.timestepCond = { type: cond.type, dim };
  }
  const sdxl = sdxlInputs(io, fail);
  if (sdxl) {
    if (!signature.context) throw fail('an SDXL U-Net (text_embeds) needs encoder_hidden_states');
    signature.sdxl = sdxl;
  }
  return signature;
}

export interface TextEncoderSignature {
  idsType: OnnxValueInfo['type'];
  maskType?: OnnxValueInfo['type'];
  /** Diffgraph's extra_tokens graph: vectors [n, D] that negative ids select (textual inversion). */
  extraTokens?: string;
  batch: 'dynamic' | number;
  tokens: number;
  hidden: number | null;
  output: string;
}

export function textEncoderSignature(io: ModelIO, source: string): TextEncoderSignature {
  const fail = (problem: string) => new SlotMismatchError(source, 'text_encoder', io, problem);
  const ids = find(io.inputs, 'input_ids');
  if (!ids) throw fail('no input_ids input');
  if ((ids.type !== 'int32' && ids.type !== 'int64') || ids.shape.length !== 2)
    throw fail('input_ids must be int32/int64 [batch,77]');
  const mask = find(io.inputs, 'attention_mask');
  const vectors = find(io.inputs, EXTRA_TOKENS_INPUT);
  if (vectors && (vectors.type !== 'float32' || vectors.shape.length !== 2))
    throw fail(`${EXTRA_TOKENS_INPUT} must be float32 [n,D]`);
  const extra = io.inputs.filter((i) => i !== ids && i !== mask && i !== vectors);
  if (extra.length > 0) throw fail(`unsupported inputs ${extra.map((i) => i.name).join(', ')}`);
  const output = find(io.outputs, 'last_hidden_state') ?? io.outputs[0];
  if (!output || !isFloatType(output.type) || output.shape.length !== 3)
    throw fail('no float [batch,77,D] output');
  return {
    idsType: ids.type,
    maskType: mask?.type,
    extraTokens: vectors?.name,
    batch: fixedDim(ids.shape[0]) ?? 'dynamic',
    tokens: fixedDim(ids.shape[1]) ?? 77,
    hidden: fixedDim(output.shape[2]),
    output: output.name,
  };
}

export interface VaeSignature {
  inputName: string;
  inputType: FloatType;
  batch: 'dynamic' | number;
  /** Fixed input [height, width] (latent cells or pixels); null where dynamic. */
  size: [number | null, number | null];
  /** Latent channels (decoder input; encoder output, halved for latent_parameters). */
  latentChannels: number | null;
  output: string;
  /** Encoder only: the output holds mean and log-variance; the first half is the mean. */
  parameters: boolean;
}

export function vaeSignature(io: ModelIO, source: string, slot: 'vae_decoder' | 'vae_encoder'): VaeSignature {
  const fail = (problem: string) => new SlotMismatchError(source, slot, io, problem);
  const inputName = slot === 'vae_decoder' ? 'latent_sample' : 'sample';
  const input = find(io.inputs, inputName);
  if (!input || io.inputs.length !== 1) throw fail(`expected exactly one input named ${inputName}`);
  if (!isFloatType(input.type) || input.shape.length !== 4)
    throw fail(`${inputName} must be a float 4-D tensor`);
  const output =
    (slot === 'vae_decoder'
      ? find(io.outputs, 'sample')
      : (find(io.outputs, 'latent_sample') ?? find(io.outputs, 'latent_parameters'))) ?? io.outputs[0];
  if (output?.shape.length !== 4) throw fail('no 4-D output');
  const parameters = output.name === 'latent_parameters';
  const outChannels = fixedDim(output.shape[1]);
  const latentChannels =
    slot === 'vae_decoder'
      ? fixedDim(input.shape[1])
      : outChannels && (parameters ? outChannels / 2 : outChannels);
  return {
    inputName,
    inputType: input.type,
    batch: fixedDim(input.shape[0]) ?? 'dynamic',
    size: [fixedDim(input.shape[2]), fixedDim(input.shape[3])],
    latentChannels,
    output: output.name,
    parameters,
  };
}

/** An error message when [height, width] does not match a model's fixed size, else null. */
export function sizeMismatch(
  size: readonly [number | null, number | null],
  height: number,
  width: number,
  what: string,
): string | null {
  const [h, w] = size;
  if ((h === null || h === height) && (w === null || w === width)) return null;
  return `the model takes ${what} of ${w ?? 'any'}x${h ?? 'any'} (width x height), got ${width}x${height}`;
}
