// What a checkpoint's U-Net predicts (noise or velocity): the user's choice, else the file's
// metadata, else the heuristics the community relies on. Wrong guesses give grey or burnt images,
// so every answer says where it came from and is always overridable.
import type { Detection } from './detect.ts';
import type { TensorSource } from './tensor-source.ts';

export type Prediction = 'epsilon' | 'v_prediction';

export interface PredictionChoice {
  prediction: Prediction;
  /** Where it came from: "override", "metadata modelspec.prediction_type", "heuristic ...". */
  source: string;
  /**
   * Trained with zero terminal SNR (the `ztsnr` marker key of v-prediction SDXL fine-tunes): the noise
   * schedule must be rescaled so the last step is pure noise (Lin et al. 2023, "Common Diffusion Noise
   * Schedules and Sample Steps are Flawed", Algorithm 1).
   */
  zeroTerminalSnr?: boolean;
}

/** ComfyUI's SD 2.x test (supported_models.SD20.model_type): v-models' last norm1 bias spreads wider. */
export const V_NORM_KEY = 'model.diffusion_model.output_blocks.11.1.transformer_blocks.0.norm1.bias';
const V_NORM_STD = 0.09;

function fromValue(value: string | undefined): Prediction | undefined {
  const v = value?.trim().toLowerCase();
  if (!v) return undefined;
  if (v === 'v' || v === 'v_prediction' || v === 'v-prediction' || v === 'v_pred') return 'v_prediction';
  if (v === 'epsilon' || v === 'eps') return 'epsilon';
  return undefined;
}

/** The prediction the file's own metadata declares (SAI ModelSpec, kohya training fields). */
export function predictionFromMetadata(meta: Readonly<Record<string, string>>): PredictionChoice | undefined {
  const spec = fromValue(meta['modelspec.prediction_type']);
  if (spec) return { prediction: spec, source: 'metadata modelspec.prediction_type' };
  const kohya = meta.ss_v_parameterization?.toLowerCase();
  if (kohya === 'true' || kohya === 'false') {
    return {
      prediction: kohya === 'true' ? 'v_prediction' : 'epsilon',
      source: 'metadata ss_v_parameterization',
    };
  }
  const arch = meta['modelspec.architecture'];
  if (arch && /-v(\/|$)/.test(arch))
    return { prediction: 'v_prediction', source: 'metadata modelspec.architecture' };
  return undefined;
}

function std(values: Float32Array): number {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let sum = 0;
  for (const v of values) sum += (v - mean) ** 2;
  return Math.sqrt(sum / values.length);
}

/**
 * The prediction type for a detected checkpoint. Reads at most one small tensor (SD 2.x only).
 * `override` ('auto' or absent lets the file decide) always wins.
 */
export async function choosePrediction(
  src: TensorSource,
  detection: Detection,
  override?: Prediction | 'auto',
): Promise<PredictionChoice> {
  const choice = await choosePredictionType(src, detection, override);
  return src.has('ztsnr') ? { ...choice, zeroTerminalSnr: true } : choice;
}

async function choosePredictionType(
  src: TensorSource,
  detection: Detection,
  override?: Prediction | 'auto',
): Promise<PredictionChoice> {
  if (override && override !== 'auto') return { prediction: override, source: 'override' };
  const declared = predictionFromMetadata(src.metadata());
  if (declared) return declared;
  if (src.has('v_pred')) return { prediction: 'v_prediction', source: 'heuristic: "v_pred" marker key' };
  if (detection.family !== 'sd2') return { prediction: 'epsilon', source: `default for ${detection.label}` };
  if (detection.inChannels !== 4)
    return { prediction: 'epsilon', source: 'heuristic: SD 2.x inpainting is epsilon' };
  if (!src.has(V_NORM_KEY)) return { prediction: 'epsilon', source: 'default (no U-Net norm to test)' };
  const spread = std(await src.read(V_NORM_KEY));
  return spread > V_NORM_STD
    ? {
        prediction: 'v_prediction',
        source: `heuristic: SD 2.x norm1 bias std ${spread.toFixed(3)} > ${V_NORM_STD}`,
      }
    : {
        prediction: 'epsilon',
        source: `heuristic: SD 2.x norm1 bias std ${spread.toFixed(3)} <= ${V_NORM_STD}`,
      };
}
