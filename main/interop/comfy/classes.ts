// Every ComfyUI class Diffgraph knows, by class name. Adding a mapping is one entry here.
import { BASIC_CLASSES } from './classes-basic.ts';
import { SAMPLING_CLASSES } from './classes-sampling.ts';
import { SDXL_CLASSES } from './classes-sdxl.ts';
import { TOOL_CLASSES } from './classes-tools.ts';
import type { ClassSpec } from './types.ts';

export const COMFY_CLASSES: Readonly<Record<string, ClassSpec>> = {
  ...BASIC_CLASSES,
  ...TOOL_CLASSES,
  ...SAMPLING_CLASSES,
  ...SDXL_CLASSES,
};

export function classSpec(classType: string): ClassSpec | undefined {
  return Object.hasOwn(COMFY_CLASSES, classType) ? COMFY_CLASSES[classType] : undefined;
}

/** The titles ComfyUI shows for these classes (an API prompt's `_meta.title` when not renamed). */
export const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  CheckpointLoaderSimple: 'Load Checkpoint',
  CLIPTextEncode: 'CLIP Text Encode (Prompt)',
  CLIPSetLastLayer: 'CLIP Set Last Layer',
  EmptyLatentImage: 'Empty Latent Image',
  KSampler: 'KSampler',
  KSamplerAdvanced: 'KSampler (Advanced)',
  VAEDecode: 'VAE Decode',
  VAEEncode: 'VAE Encode',
  VAELoader: 'Load VAE',
  LoraLoader: 'Load LoRA',
  LoraLoaderModelOnly: 'LoraLoaderModelOnly',
  SaveImage: 'Save Image',
  PreviewImage: 'Preview Image',
  LoadImage: 'Load Image',
  LatentUpscale: 'Upscale Latent',
  LatentUpscaleBy: 'Upscale Latent By',
};

/** A title worth keeping: one the user chose, not the class's own name. */
export function customTitle(classType: string, title: unknown): string | undefined {
  if (typeof title !== 'string' || title === '' || title === classType) return undefined;
  return title === DISPLAY_NAMES[classType] ? undefined : title;
}
