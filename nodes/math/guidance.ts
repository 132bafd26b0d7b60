// Calls the denoiser for a whole latent batch with classifier-free guidance: one call of batch 2B
// ([negative; positive], as diffusers concatenates) when the model takes a dynamic batch, separate
// calls otherwise; cfg = 1 or an unconditional model makes no unconditional call. Buffers are made
// once and reused every step.
import { NodeInputError } from '../api.ts';
import type { Conditioning, Denoiser } from '../types.ts';
import { inBatchChunks } from './batch.ts';
import {
  broadcastConditioning,
  concatConditioning,
  sliceConditioning,
  withDefaultAesthetic,
} from './conditioning.ts';
import { combineGuidance } from './prediction.ts';
import { commonSequenceLength, tileSequence } from './sequence-tiling.ts';

export interface GuidanceOptions {
  denoiser: Denoiser;
  /** Latent shape [B, C, H, W]. */
  shape: readonly number[];
  cfg: number;
  positive?: Conditioning;
  negative?: Conditioning;
  signal?: AbortSignal;
}

/** Conditioning broadcast to `batch` items (a single prompt repeats), with its side's aesthetic score. */
function expandConditioning(cond: Conditioning, batch: number, input: 'positive' | 'negative'): Conditioning {
  const expanded = broadcastConditioning(withDefaultAesthetic(cond, input), batch);
  if (!expanded)
    throw new NodeInputError(
      input,
      `conditioning has batch ${cond.shape[0]} but the latent has batch ${batch}; expected 1 or ${batch}`,
    );
  return expanded;
}

/** dst ← x·scale (float32 products). A synchronous loop V8 optimizes quickly. */
function scaleInto(dst: Float32Array, x: Float32Array, scale: number): Float32Array {
  for (let i = 0; i < x.length; i++) dst[i] = x[i] * scale;
  return dst;
}

/** Both halves of the joint [uncond; cond] input ← x·scale: one scaling loop, then a memcpy. */
function fillJoint(joint: Float32Array, x: Float32Array, scale: number): void {
  const size = x.length;
  if (scale === 1) joint.set(x);
  else scaleInto(joint, x, scale);
  joint.copyWithin(size, 0, size);
}

/**
 * The model output before guidance: ε̂ = uncond + cfg·(cond − uncond) (float32 cfg, rounded to
 * float32 per element as `combineGuidance` stores it) when `guided`, else just `cond`, with
 * `uncond` all zeros and cfg 1 so that the same formula gives `cond` back (to the sign of a zero).
 * Samplers fuse this combine into their update pass; the buffers are valid until the next call.
 */
export interface GuidanceParts {
  uncond: Float32Array;
  cond: Float32Array;
  cfg: number;
  guided: boolean;
}

/** The guided output of `parts` as one buffer (`dst` when a combine is needed). */
export function guidedOutput(parts: GuidanceParts, dst: Float32Array): Float32Array {
  return parts.guided ? combineGuidance(parts.uncond, parts.cond, parts.cfg, dst) : parts.cond;
}

export class GuidedModel {
  /** Model calls made and their batch sizes (for tests and logs). */
  readonly calls: number[] = [];
  private readonly batch: number;
  private readonly size: number;
  private readonly mode: 'plain' | 'joint' | 'separate';
  private readonly cond?: Conditioning;
  private readonly uncond?: Conditioning;
  private readonly joint?: Conditioning;
  private readonly jointInput?: Float32Array;
  private readonly out: Float32Array;
  /** Where fixed-batch chunks are gathered, and the unconditional result in separate mode. */
  private readonly gathered: Float32Array;
  private readonly uncondOut: Float32Array;
  /** The unguided parts' `uncond` (made on first use). */
  private zeros?: Float32Array;
  /** The scaled model input outside joint mode (made on first use). */
  private scaled?: Float32Array;

  constructor(private readonly options: GuidanceOptions) {
    const { denoiser, shape, cfg } = options;
    this.batch = shape[0];
    this.size = shape.reduce((a, b) => a * b, 1);
    this.out = new Float32Array(this.size);
    this.gathered = new Float32Array(this.size);
    this.uncondOut = new Float32Array(this.size);
    if (!denoiser.conditional) {
      this.mode = 'plain';
      return;
    }
    if (!options.positive)
      throw new NodeInputError(
        'positive',
        `model '${denoiser.name}' is conditional: wire positive conditioning`,
      );
    this.cond = expandConditioning(options.positive, this.batch, 'positive');
    if (cfg === 1) {
      this.mode = 'plain';
      return;
    }
    if (!options.negative) {
      throw new NodeInputError(
        'negative',
        `cfg ${cfg} needs negative conditioning (e.g. TextEncode of an empty prompt), or set cfg to 1`,
      );
    }
    this.uncond = expandConditioning(options.negative, this.batch, 'negative');
    // Prompts of different lengths share one call when tiling them to a common length is cheap.
    const tokens = commonSequenceLength(this.uncond.shape[1], this.cond.shape[1]);
    if (denoiser.batch === 'dynamic' && tokens !== null) {
      this.mode = 'joint';
      this.joint = concatConditioning(tileSequence(this.uncond, tokens), tileSequence(this.cond, tokens));
      this.jointInput = new Float32Array(2 * this.size);
    } else {
      this.mode = 'separate';
    }
  }

  /**
   * Raw model output (guided) for model input x·scale (products rounded to float32) at
   * `timestep`; the returned buffer is reused.
   */
  async predict(x: Float32Array, timestep: number, scale = 1): Promise<Float32Array> {
    const parts = await this.predictParts(x, timestep, scale);
    return guidedOutput(parts, this.out);
  }

  /** Like `predict`, but leaves the guidance combine to the caller (see GuidanceParts). */
  async predictParts(x: Float32Array, timestep: number, scale = 1): Promise<GuidanceParts> {
    const shape = this.options.shape as number[];
    const cfg = Math.fround(this.options.cfg);
    if (this.mode === 'joint' && this.jointInput && this.joint) {
      fillJoint(this.jointInput, x, scale);
      const both = await this.call(
        this.jointInput,
        [2 * this.batch, ...shape.slice(1)],
        timestep,
        this.joint,
      );
      return { uncond: both.subarray(0, this.size), cond: both.subarray(this.size), cfg, guided: true };
    }
    if (scale !== 1) {
      this.scaled ??= new Float32Array(this.size);
      x = scaleInto(this.scaled, x, scale);
    }
    if (this.mode === 'plain') {
      this.out.set(await this.call(x, shape, timestep, this.cond));
      this.zeros ??= new Float32Array(this.size);
      return { uncond: this.zeros, cond: this.out, cfg: 1, guided: false };
    }
    this.uncondOut.set(await this.call(x, shape, timestep, this.uncond));
    const cond = await this.call(x, shape, timestep, this.cond);
    return { uncond: this.uncondOut, cond, cfg, guided: true };
  }

  /** One logical call, split into chunks when the model only takes a fixed batch size. */
  private async call(
    x: Float32Array,
    shape: number[],
    timestep: number,
    context?: Conditioning,
  ): Promise<Float32Array> {
    const { denoiser, signal } = this.options;
    const total = shape[0];
    const fixed = denoiser.batch === 'dynamic' ? total : denoiser.batch;
    if (total % fixed !== 0) {
      throw new NodeInputError(
        'latent',
        `model '${denoiser.name}' takes batches of ${fixed}; latent batch ${total} is not a multiple`,
      );
    }
    if (fixed === total)
      return this.checked(await this.invoke(x, shape, timestep, context, signal), x.length);
    const run = async (chunk: Float32Array, chunkShape: number[], ctx: Conditioning | undefined) =>
      this.checked(await this.invoke(chunk, chunkShape, timestep, ctx, signal), chunk.length);
    return inBatchChunks(x, shape, fixed, context, run, this.gathered, sliceConditioning);
  }

  private invoke(
    x: Float32Array,
    shape: number[],
    timestep: number,
    context: Conditioning | undefined,
    signal?: AbortSignal,
  ) {
    this.calls.push(shape[0]);
    return this.options.denoiser.predict({ data: x, shape }, timestep, context, signal);
  }

  private checked(out: Float32Array, expected: number): Float32Array {
    if (out.length !== expected) {
      throw new Error(
        `model '${this.options.denoiser.name}' returned ${out.length} values, expected ${expected}`,
      );
    }
    return out;
  }
}
