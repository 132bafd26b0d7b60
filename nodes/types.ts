// Values that travel on wires. Every tensor is a flat Float32Array in C order plus its shape.
// These are the contracts between node families: math nodes consume MODEL through `Denoiser`,
// runtime nodes produce it from ONNX sessions.

export interface Tensor {
  data: Float32Array;
  shape: number[];
}

/** LATENT: [batch, channels, height, width] (1/8 of the pixel size for Stable Diffusion). */
export type Latent = Tensor;

/** IMAGE: [batch, height, width, 3], RGB values in 0..1. */
export type ImageBatch = Tensor;

/** CONDITIONING: text encoder hidden states [batch, tokens (77), hidden]. */
export type Conditioning = Tensor;

export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';

/** A denoiser's training noise schedule and parameterisation (diffusers' scheduler_config names). */
export interface DenoiserConfig {
  numTrainTimesteps: number;
  betaSchedule: BetaSchedule;
  betaStart: number;
  betaEnd: number;
  /** diffusers' `steps_offset` (1 for Stable Diffusion). */
  stepsOffset: number;
  predictionType: PredictionType;
  /** diffusers' `set_alpha_to_one` (false for Stable Diffusion). */
  setAlphaToOne: boolean;
}

/** MODEL: what a denoiser offers a sampler. */
export interface Denoiser {
  kind: 'denoiser';
  name: string;
  config: DenoiserConfig;
  /** Latent channels the model expects (4 for Stable Diffusion). */
  channels: number;
  /** 'dynamic', or the one batch size the model accepts. */
  batch: 'dynamic' | number;
  /** True when the model takes text conditioning (encoder_hidden_states). */
  conditional: boolean;
  /** The one conditioning length the model takes (exports fixed at 77 tokens); absent when any. */
  contextTokens?: number;
  /**
   * The raw model output (ε, v or x₀ per `config.predictionType`) for a batch x at one
   * timestep (fractional allowed). `context` has the same batch size as x when given.
   */
  predict(x: Tensor, timestep: number, context?: Conditioning, signal?: AbortSignal): Promise<Float32Array>;
}

export interface TokenizedText {
  /** Exactly `maxLength` ids: BOS, tokens, EOS, padding. */
  ids: Int32Array;
  /** True when the text had more tokens than fit and was cut. */
  truncated: boolean;
}

/** CLIP: a tokenizer plus text encoder. */
export interface TextEncoderModel {
  kind: 'clip';
  name: string;
  maxLength: number;
  hiddenSize: number;
  tokenize(text: string): TokenizedText;
  encode(texts: string[], signal?: AbortSignal): Promise<Conditioning>;
  /**
   * The BPE ids of `text` alone (no start/end token, no padding), for per-word prompt weights; the
   * tokenizer may stop once it has more than `limit` ids.
   */
  tokenIds?(text: string, limit?: number): number[];
  /**
   * Hidden states [rows, maxLength, hiddenSize] of whole id rows (start, tokens, end, padding) at
   * clip skip `clipSkip` (1: last layer + final norm; K: the output K-1 layers before the last +
   * final norm). Encoders that cannot (a bare ONNX file without clip_skip outputs) leave it out.
   */
  encodeIds?(rows: readonly Int32Array[], clipSkip: number, signal?: AbortSignal): Promise<Conditioning>;
  /**
   * encodeIds where a negative id -k stands for row k-1 of `vectors` [n, hiddenSize] (textual-inversion
   * embeddings); an encoder that cannot take vectors throws an error that says so.
   */
  encodeIdsWithVectors?(
    rows: readonly Int32Array[],
    vectors: Float32Array,
    clipSkip: number,
    signal?: AbortSignal,
  ): Promise<Conditioning>;
}

/** VAE: latent <-> pixels. Nodes apply `scalingFactor`; these methods take and give unscaled latents. */
export interface VaeModel {
  kind: 'vae';
  name: string;
  scalingFactor: number;
  latentChannels: number;
  /** Pixels per latent cell along each axis (8 for Stable Diffusion). */
  downscale: number;
  decode?(latents: Latent, signal?: AbortSignal): Promise<ImageBatch>;
  encode?(images: ImageBatch, signal?: AbortSignal): Promise<Latent>;
}

/**
 * SCHEDULE: what NoiseSchedule hands a Sampler. The math family owns its construction
 * (nodes/math/); samplers follow the diffusers class that matches `scheduler`.
 */
export interface Schedule {
  scheduler: string;
  /** Model timesteps, one per step (may be fractional). */
  timesteps: Float64Array;
  /** Noise level σ at each step boundary: length steps + 1, the last is the final level. */
  sigmas: Float64Array;
  /** The model's training ᾱ (alphas_cumprod), float64, length numTrainTimesteps. */
  alphasCumprod: Float64Array;
  denoise: number;
  /** diffusers' init_noise_sigma for this schedule (scales seeded unit noise for txt2img). */
  initNoiseSigma: number;
  /** Steps requested before `denoise` keeps the tail (the Sampler re-plans per sampler class from these). */
  steps: number;
  /** σ bounds the user set for karras/exponential/geometric; undefined = the model's own. */
  sigmaMin?: number;
  sigmaMax?: number;
  /** The training config the schedule was built for. */
  config: DenoiserConfig;
}
