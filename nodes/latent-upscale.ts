// Latent resizing nodes with ComfyUI's LatentUpscale / LatentUpscaleBy size rules (nodes.py); the
// resize itself is nodes/math/latent-resize.ts.
import { defineNode, type NodeDefinition, NodeInputError } from './api.ts';
import { asLatent } from './inputs.ts';
import {
  CROP_MODES,
  type CropMode,
  RESIZE_METHODS,
  type ResizeMethod,
  resizeLatent,
} from './math/latent-resize.ts';
import { roundHalfEven } from './math/numeric.ts';
import type { Latent } from './types.ts';

/** Latent cells per pixel edge in ComfyUI's rule (it divides pixel sizes by 8 whatever the VAE). */
const PIXELS_PER_CELL = 8;
/** The largest side, as Empty Latent allows (8192 pixels): bad input stays cheap. */
const MAX_PIXELS = 8192;
const MAX_CELLS = MAX_PIXELS / PIXELS_PER_CELL;

/**
 * LatentUpscale's target in latent cells: 0 × 0 keeps the latent; one side 0 follows the aspect ratio;
 * each side at least 64 pixels; pixels // 8.
 */
export function upscaleTarget(shape: number[], width: number, height: number): [number, number] | null {
  const [, , h, w] = shape;
  if (width === 0 && height === 0) return null;
  let pxWidth = Math.max(64, width);
  let pxHeight = Math.max(64, height);
  if (width === 0) pxWidth = Math.max(64, roundHalfEven((w * pxHeight) / h));
  else if (height === 0) pxHeight = Math.max(64, roundHalfEven((h * pxWidth) / w));
  return [Math.floor(pxWidth / PIXELS_PER_CELL), Math.floor(pxHeight / PIXELS_PER_CELL)];
}

/** LatentUpscaleBy's target: each side × scale, rounded as Python rounds (half to even). */
export function scaledTarget(shape: number[], scale: number): [number, number] {
  const [, , h, w] = shape;
  const width = roundHalfEven(w * scale);
  const height = roundHalfEven(h * scale);
  if (width < 1 || height < 1)
    throw new NodeInputError('scale_by', `scale ${scale} makes a ${w}×${h} latent smaller than one cell`);
  if (width > MAX_CELLS || height > MAX_CELLS)
    throw new NodeInputError(
      'scale_by',
      `scale ${scale} makes a ${w}×${h} latent ${width}×${height} cells; at most ${MAX_CELLS} (${MAX_PIXELS} pixels) per side`,
    );
  return [width, height];
}

function method(value: unknown): ResizeMethod {
  if (!RESIZE_METHODS.includes(value as ResizeMethod))
    throw new NodeInputError(
      'upscale_method',
      `expected one of ${RESIZE_METHODS.join(', ')}, got '${value}'`,
    );
  return value as ResizeMethod;
}

const methodWidget = {
  name: 'upscale_method',
  kind: 'enum',
  default: 'nearest-exact',
  options: RESIZE_METHODS,
  description:
    'nearest-exact, bilinear, bicubic and area as PyTorch’s interpolate; bislerp = spherical interpolation of channel vectors (ComfyUI)',
} as const;

export const latentUpscaleNodes: NodeDefinition[] = [
  defineNode({
    type: 'UpscaleLatent',
    displayName: 'Upscale Latent',
    category: 'latent',
    description:
      'Resizes a latent to a pixel size (÷ 8 in latent cells; 0 on one side keeps the aspect ratio, 0 on both keeps the latent), optionally centre-cropped to the new aspect ratio first',
    inputs: [{ name: 'latent', type: 'LATENT' }],
    widgets: [
      methodWidget,
      { name: 'width', kind: 'int', default: 512, min: 0, max: MAX_PIXELS, step: 8 },
      { name: 'height', kind: 'int', default: 512, min: 0, max: MAX_PIXELS, step: 8 },
      { name: 'crop', kind: 'enum', default: 'disabled', options: CROP_MODES },
    ],
    outputs: [{ name: 'latent', type: 'LATENT' }],
    run: async (ctx, inputs) => {
      ctx.signal.throwIfAborted();
      const latent = asLatent(inputs.latent);
      const target = upscaleTarget(latent.shape, inputs.width as number, inputs.height as number);
      if (!target) return { latent };
      const crop = inputs.crop as CropMode;
      if (!CROP_MODES.includes(crop))
        throw new NodeInputError('crop', `expected one of ${CROP_MODES.join(', ')}, got '${crop}'`);
      const out: Latent = resizeLatent(latent, target[0], target[1], method(inputs.upscale_method), crop);
      return { latent: out };
    },
  }),
  defineNode({
    type: 'UpscaleLatentBy',
    displayName: 'Upscale Latent By',
    category: 'latent',
    description: 'Resizes a latent by a factor (each side × scale_by, rounded)',
    inputs: [{ name: 'latent', type: 'LATENT' }],
    widgets: [methodWidget, { name: 'scale_by', kind: 'float', default: 1.5, min: 0.01, max: 8, step: 0.01 }],
    outputs: [{ name: 'latent', type: 'LATENT' }],
    run: async (ctx, inputs) => {
      ctx.signal.throwIfAborted();
      const latent = asLatent(inputs.latent);
      const [width, height] = scaledTarget(latent.shape, inputs.scale_by as number);
      return { latent: resizeLatent(latent, width, height, method(inputs.upscale_method), 'disabled') };
    },
  }),
];
