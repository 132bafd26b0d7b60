// features.json: how images are prepared for a feature-extractor ONNX model that sits beside it
// (an Inception-v3 pool3 export, a CLIP image tower, the default model's stand-in extractor).
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const RESIZE_FILTERS = ['nearest', 'bilinear', 'bicubic', 'lanczos3'] as const;

export const featureConfigSchema = z
  .object({
    /** Model input size [height, width]. */
    size: z.tuple([z.number().int().min(1).max(4096), z.number().int().min(1).max(4096)]),
    /** Pixel value range the model expects before mean/std: [0, 1] or [-1, 1]. */
    range: z.union([z.tuple([z.literal(0), z.literal(1)]), z.tuple([z.literal(-1), z.literal(1)])]),
    mean: z.tuple([z.number(), z.number(), z.number()]).optional(),
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).optional(),
    /** The filter used when an image has another size. */
    resize: z.enum(RESIZE_FILTERS).default('bilinear'),
    /** A name shown with the scores (e.g. "inception-v3 pool3"). */
    name: z.string().optional(),
  })
  .strict();

export type FeatureConfig = z.infer<typeof featureConfigSchema>;

/** Read `features.json` beside `modelPath`; errors name the file and the field. */
export async function readFeatureConfig(modelPath: string): Promise<FeatureConfig> {
  const path = join(dirname(modelPath), 'features.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`${path}: missing; a feature model needs a features.json beside it (size, range)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = featureConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return parsed.data;
}
