// Mapped ComfyUI classes that adjust values on their way: CLIPSetLastLayer (clip skip), ConditioningZeroOut,
// LatentUpscale and LatentUpscaleBy. Widget orders follow ComfyUI's nodes.py INPUT_TYPES.
import { CROP_MODES, RESIZE_METHODS } from '../../../nodes/math/latent-resize.ts';
import type { ClassSpec, Mapping } from './types.ts';
import { num, str, UnmappableError } from './values.ts';

function oneOf(values: Record<string, unknown>, name: string, options: readonly string[]): string {
  const value = str(values, name);
  if (!options.includes(value))
    throw new UnmappableError(
      `${name} "${value}" has no Diffgraph equivalent (Diffgraph has ${options.join(', ')})`,
    );
  return value;
}

function single(
  type: string,
  widgets: Record<string, unknown>,
  input: [string, string],
  output: string,
): Mapping {
  const inputs: Mapping['inputs'] = { [input[0]]: [['', input[1]]] };
  for (const name of Object.keys(widgets)) inputs[name] = [['', name]];
  return { parts: [{ suffix: '', type, widgets }], inputs, outputs: [['', output]] };
}

/** stop_at_clip_layer −1 is the last layer (clip skip 1), −2 the penultimate (clip skip 2), … */
function clipSetLastLayer(values: Record<string, unknown>): Mapping {
  const layer = num(values, 'stop_at_clip_layer');
  if (!Number.isInteger(layer) || layer > -1)
    throw new UnmappableError(`stop_at_clip_layer should be −1 or lower, got ${layer}`);
  const mapping = single('SetClipSkip', { clip_skip: -layer }, ['clip', 'clip'], 'clip');
  mapping.inputs = { clip: [['', 'clip']] }; // the widget names differ, so no widget input is shared
  return mapping;
}

export const TOOL_CLASSES: Record<string, ClassSpec> = {
  CLIPSetLastLayer: {
    widgets: ['stop_at_clip_layer'],
    sockets: ['clip'],
    outputs: ['CLIP'],
    map: clipSetLastLayer,
  },
  ConditioningZeroOut: {
    widgets: [],
    sockets: ['conditioning'],
    outputs: ['CONDITIONING'],
    map: () => single('ZeroConditioning', {}, ['conditioning', 'conditioning'], 'conditioning'),
  },
  LatentUpscale: {
    widgets: ['upscale_method', 'width', 'height', 'crop'],
    sockets: ['samples'],
    outputs: ['LATENT'],
    map: (values) =>
      single(
        'UpscaleLatent',
        {
          upscale_method: oneOf(values, 'upscale_method', RESIZE_METHODS),
          width: num(values, 'width'),
          height: num(values, 'height'),
          crop: oneOf(values, 'crop', CROP_MODES),
        },
        ['samples', 'latent'],
        'latent',
      ),
  },
  LatentUpscaleBy: {
    widgets: ['upscale_method', 'scale_by'],
    sockets: ['samples'],
    outputs: ['LATENT'],
    map: (values) =>
      single(
        'UpscaleLatentBy',
        {
          upscale_method: oneOf(values, 'upscale_method', RESIZE_METHODS),
          scale_by: num(values, 'scale_by'),
        },
        ['samples', 'latent'],
        'latent',
      ),
  },
};
