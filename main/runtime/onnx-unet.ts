// MODEL from an ONNX U-Net: adapts to the session's declared element types (float32/float16,
// int or float timesteps), batch (dynamic, or fixed: larger batches run in chunks), timestep
// layout ([], [1] or [batch]) and optional inputs (text states, LCM's guidance embedding).
import type ort from 'onnxruntime-node';
import { type ChunkRun, inBatchChunks } from '../../nodes/math/batch.ts';
import { broadcastConditioning, sliceConditioning } from '../../nodes/math/conditioning.ts';
import type { Conditioning, Denoiser, DenoiserConfig, Tensor } from '../../nodes/types.ts';
import { sdxlFeeds } from './sdxl-unet-feeds.ts';
import type { SessionHandle } from './session-pool.ts';
import { sizeMismatch, type UnetSignature, unetSignature } from './slot-signatures.ts';
import { filledTensor, floatTensor, readFloats } from './tensor-io.ts';

/** diffusers' LatentConsistencyModelPipeline default guidance scale. */
export const LCM_DEFAULT_GUIDANCE = 8.5;
const DEFAULT_TOKENS = 77;

/** diffusers' get_guidance_scale_embedding for one w: [sin(w·1000·f), cos(w·1000·f)]. */
export function guidanceEmbedding(w: number, dim: number): Float32Array {
  const half = Math.floor(dim / 2);
  const step = Math.log(10000) / (half - 1);
  const out = new Float32Array(dim);
  for (let i = 0; i < half; i++) {
    const arg = w * 1000 * Math.exp(-step * i);
    out[i] = Math.sin(arg);
    out[half + i] = Math.cos(arg);
  }
  return out;
}

export interface UnetOptions {
  name: string;
  config: DenoiserConfig;
  /** LCM: guidance scale baked into timestep_cond. */
  guidanceScale?: number;
}

export class OnnxDenoiser implements Denoiser {
  readonly kind = 'denoiser' as const;
  readonly name: string;
  readonly config: DenoiserConfig;
  readonly channels: number;
  readonly batch: 'dynamic' | number;
  readonly conditional: boolean;
  readonly contextTokens?: number;

  constructor(
    private readonly handle: SessionHandle,
    private readonly signature: UnetSignature,
    private readonly options: UnetOptions,
  ) {
    this.name = options.name;
    this.config = options.config;
    this.channels = signature.channels;
    this.batch = signature.batch;
    this.conditional = signature.context !== undefined;
    this.contextTokens = signature.context?.tokens ?? undefined;
  }

  /** Load the session (errors and device notices land on the loader node) and read its signature. */
  static async load(handle: SessionHandle, options: UnetOptions): Promise<OnnxDenoiser> {
    const loaded = await handle.get();
    return new OnnxDenoiser(handle, unetSignature(loaded.io, loaded.path), options);
  }

  async predict(
    x: Tensor,
    timestep: number,
    context?: Conditioning,
    signal?: AbortSignal,
  ): Promise<Float32Array> {
    const [batch, channels, height, width] = x.shape;
    if (x.shape.length !== 4 || channels !== this.channels) {
      throw new Error(
        `${this.name}: latent shape [${x.shape}] does not match the U-Net's ${this.channels} channels`,
      );
    }
    const badSize = sizeMismatch(this.signature.size, height, width, 'latents');
    if (badSize) throw new Error(`${this.name}: ${badSize} (pixels are 8x the latent size)`);
    const chunk = this.batch === 'dynamic' ? batch : this.batch;
    if (batch % chunk !== 0)
      throw new Error(`${this.name}: batch ${batch} is not a multiple of the model's fixed batch ${chunk}`);
    const states = this.contextFor(batch, context);
    const run: ChunkRun<Conditioning> = (sample, shape, part) =>
      this.run(sample, shape, timestep, part, signal);
    if (chunk === batch) return run(x.data, [batch, channels, height, width], states);
    return inBatchChunks(x.data, x.shape, chunk, states, run, undefined, sliceConditioning);
  }

  /** Text states with x's batch: broadcast a single row, or zeros for unconditional use. */
  private contextFor(batch: number, context: Conditioning | undefined): Conditioning | undefined {
    const spec = this.signature.context;
    if (!spec) return undefined;
    if (!context) {
      if (spec.hidden === null)
        throw new Error(`${this.name}: the U-Net needs text conditioning (its hidden size is not fixed)`);
      const tokens = spec.tokens ?? DEFAULT_TOKENS;
      return { data: new Float32Array(batch * tokens * spec.hidden), shape: [batch, tokens, spec.hidden] };
    }
    const [cBatch, tokens, hidden] = context.shape;
    if (spec.tokens !== null && tokens !== spec.tokens) {
      throw new Error(
        `${this.name}: conditioning has ${tokens} tokens but this U-Net takes exactly ${spec.tokens} (a fixed-shape export): keep the prompt within ${spec.tokens - 2} tokens and without BREAK`,
      );
    }
    if (spec.hidden !== null && hidden !== spec.hidden) {
      throw new Error(
        `${this.name}: conditioning has hidden size ${hidden} but the U-Net expects ${spec.hidden} (text encoder from another model?)`,
      );
    }
    const states = broadcastConditioning(context, batch);
    if (!states)
      throw new Error(`${this.name}: conditioning batch ${cBatch} does not match latent batch ${batch}`);
    return states;
  }

  private async run(
    sample: Float32Array,
    shape: number[],
    timestep: number,
    states: Conditioning | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Float32Array> {
    const sig = this.signature;
    const batch = shape[0];
    const tShape = sig.timestep.layout === 'scalar' ? [] : sig.timestep.layout === 'one' ? [1] : [batch];
    const feeds: Record<string, ort.Tensor> = {
      sample: floatTensor(sample, shape, sig.sampleType),
      timestep: filledTensor(timestep, tShape, sig.timestep.type),
    };
    if (sig.context && states)
      feeds.encoder_hidden_states = floatTensor(states.data, states.shape, sig.context.type);
    if (sig.timestepCond) {
      const w = (this.options.guidanceScale ?? LCM_DEFAULT_GUIDANCE) - 1;
      const row = guidanceEmbedding(w, sig.timestepCond.dim);
      const data = new Float32Array(batch * row.length);
      for (let b = 0; b < batch; b++) data.set(row, b * row.length);
      feeds.timestep_cond = floatTensor(data, [batch, row.length], sig.timestepCond.type);
    }
    if (sig.sdxl) Object.assign(feeds, sdxlFeeds(this.name, sig.sdxl, shape, states));
    const outputs = await this.handle.run(feeds, signal);
    const result = readFloats(outputs[sig.output]);
    if (result.length !== sample.length) {
      throw new Error(
        `${this.name}: U-Net output ${sig.output} has ${result.length} values, expected ${sample.length} (shape [${shape}])`,
      );
    }
    return result;
  }
}
