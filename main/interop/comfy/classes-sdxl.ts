// ComfyUI's SDXL text encoders (comfy_extras/nodes_clip_sdxl.py) as TextEncodeSDXL. Widget orders follow
// their INPUT_TYPES. CLIPTextEncodeSDXL's crop_w/crop_h are the crop's left and top; the refiner's
// width/height are the original size, its prompt goes to OpenCLIP-bigG (its only encoder).
import type { ClassSpec, Mapping } from './types.ts';
import { num, str } from './values.ts';

const OUTPUT: Mapping['outputs'] = [['', 'conditioning']];

export const SDXL_CLASSES: Record<string, ClassSpec> = {
  CLIPTextEncodeSDXL: {
    widgets: ['width', 'height', 'crop_w', 'crop_h', 'target_width', 'target_height', 'text_g', 'text_l'],
    sockets: ['clip'],
    outputs: ['CONDITIONING'],
    map: (values) => ({
      parts: [
        {
          suffix: '',
          type: 'TextEncodeSDXL',
          widgets: {
            text_g: str(values, 'text_g'),
            text_l: str(values, 'text_l'),
            width: num(values, 'width'),
            height: num(values, 'height'),
            crop_w: num(values, 'crop_w'),
            crop_h: num(values, 'crop_h'),
            target_width: num(values, 'target_width'),
            target_height: num(values, 'target_height'),
          },
        },
      ],
      inputs: { clip: [['', 'clip']], text_g: [['', 'text_g']], text_l: [['', 'text_l']] },
      outputs: OUTPUT,
    }),
  },
  CLIPTextEncodeSDXLRefiner: {
    widgets: ['ascore', 'width', 'height', 'text'],
    sockets: ['clip'],
    outputs: ['CONDITIONING'],
    map: (values) => ({
      parts: [
        {
          suffix: '',
          type: 'TextEncodeSDXL',
          widgets: {
            text_g: str(values, 'text'),
            aesthetic_score: num(values, 'ascore'),
            width: num(values, 'width'),
            height: num(values, 'height'),
          },
        },
      ],
      inputs: { clip: [['', 'clip']], text: [['', 'text_g']] },
      outputs: OUTPUT,
    }),
  },
};
