// Mapped ComfyUI classes: loaders, text, latents, images. Widget orders follow each class's
// INPUT_TYPES in ComfyUI's nodes.py (required first, then optional), which is `widgets_values`' order.
import type { ClassSpec, Mapping } from './types.ts';
import { num, str } from './values.ts';

/**
 * Which Diffgraph loader a checkpoint name becomes. A single-file checkpoint goes to LoadCheckpoint;
 * any other name is taken as a diffusers ONNX pipeline folder.
 */
export const CHECKPOINT_LOADERS = {
  file: { type: 'LoadCheckpoint', widget: 'checkpoint', extensions: /\.(safetensors|ckpt|pt|pth|bin|sft)$/i },
  folder: { type: 'LoadPipeline', widget: 'model' },
} as const;

/** The LoRA loader: inputs model, clip; widgets lora, strength_model, strength_clip → model, clip. */
export const LORA_LOADER = { type: 'LoadLoRA', widget: 'lora' } as const;

const one = (type: string, widgets: Record<string, unknown> = {}) => [{ suffix: '', type, widgets }];

function checkpointLoader(values: Record<string, unknown>): Mapping {
  const name = str(values, 'ckpt_name');
  const loader = CHECKPOINT_LOADERS.file.extensions.test(name)
    ? CHECKPOINT_LOADERS.file
    : CHECKPOINT_LOADERS.folder;
  return {
    parts: one(loader.type, { [loader.widget]: name }),
    inputs: {},
    outputs: [
      ['', 'model'],
      ['', 'clip'],
      ['', 'vae'],
    ],
  };
}

function loraLoader(values: Record<string, unknown>, withClip: boolean): Mapping {
  const widgets: Record<string, unknown> = {
    [LORA_LOADER.widget]: str(values, 'lora_name'),
    strength_model: num(values, 'strength_model'),
  };
  if (withClip) widgets.strength_clip = num(values, 'strength_clip');
  return {
    parts: one(LORA_LOADER.type, widgets),
    inputs: withClip ? { model: [['', 'model']], clip: [['', 'clip']] } : { model: [['', 'model']] },
    outputs: withClip
      ? [
          ['', 'model'],
          ['', 'clip'],
        ]
      : [['', 'model']],
  };
}

export const BASIC_CLASSES: Record<string, ClassSpec> = {
  CheckpointLoaderSimple: {
    widgets: ['ckpt_name'],
    sockets: [],
    outputs: ['MODEL', 'CLIP', 'VAE'],
    map: checkpointLoader,
  },
  LoraLoader: {
    widgets: ['lora_name', 'strength_model', 'strength_clip'],
    sockets: ['model', 'clip'],
    outputs: ['MODEL', 'CLIP'],
    map: (values) => loraLoader(values, true),
  },
  LoraLoaderModelOnly: {
    widgets: ['lora_name', 'strength_model'],
    sockets: ['model'],
    outputs: ['MODEL'],
    map: (values) => loraLoader(values, false),
  },
  VAELoader: {
    widgets: ['vae_name'],
    sockets: [],
    outputs: ['VAE'],
    map: (values) => {
      const name = str(values, 'vae_name');
      if (!/\.onnx$/i.test(name))
        return `Diffgraph's LoadVAE reads ONNX VAE files; "${name}" needs a safetensors VAE loader`;
      return { parts: one('LoadVAE', { file: name }), inputs: {}, outputs: [['', 'vae']] };
    },
  },
  CLIPTextEncode: {
    widgets: ['text'],
    sockets: ['clip'],
    outputs: ['CONDITIONING'],
    map: (values) => ({
      parts: one('TextEncode', { text: str(values, 'text') }),
      inputs: { clip: [['', 'clip']], text: [['', 'text']] },
      outputs: [['', 'conditioning']],
    }),
  },

  EmptyLatentImage: {
    widgets: ['width', 'height', 'batch_size'],
    sockets: [],
    outputs: ['LATENT'],
    map: (values) => ({
      parts: one('EmptyLatent', {
        width: num(values, 'width'),
        height: num(values, 'height'),
        batch: num(values, 'batch_size'),
        channels: 4,
      }),
      inputs: { width: [['', 'width']], height: [['', 'height']], batch_size: [['', 'batch']] },
      outputs: [['', 'latent']],
    }),
  },

  VAEDecode: {
    widgets: [],
    sockets: ['samples', 'vae'],
    outputs: ['IMAGE'],
    map: () => ({
      parts: one('VAEDecode'),
      inputs: { samples: [['', 'latent']], vae: [['', 'vae']] },
      outputs: [['', 'image']],
    }),
  },
  VAEEncode: {
    widgets: [],
    sockets: ['pixels', 'vae'],
    outputs: ['LATENT'],
    map: () => ({
      parts: one('VAEEncode'),
      inputs: { pixels: [['', 'image']], vae: [['', 'vae']] },
      outputs: [['', 'latent']],
    }),
  },
  SaveImage: {
    widgets: ['filename_prefix'],
    sockets: ['images'],
    outputs: [],
    map: (values) => ({
      parts: one('SaveImage', { prefix: str(values, 'filename_prefix') }),
      inputs: { images: [['', 'image']] },
      outputs: [],
    }),
  },
  PreviewImage: {
    widgets: [],
    sockets: ['images'],
    outputs: [],
    map: () => ({ parts: one('PreviewImage'), inputs: { images: [['', 'image']] }, outputs: [] }),
  },
  LoadImage: {
    // The second slot is the frontend's upload button, saved as "image".
    widgets: ['image', 'upload'],
    sockets: [],
    outputs: ['IMAGE', 'MASK'],
    map: (values) => ({
      parts: one('LoadImage', { image: str(values, 'image') }),
      inputs: {},
      outputs: [['', 'image'], null],
    }),
  },
};
