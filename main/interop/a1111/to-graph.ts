// A1111/Forge generation parameters → the equivalent ComfyUI API prompt → a Diffgraph graph.
// Going through ComfyUI's classes keeps one mapping (and its reporting) for both sources.
import { importApiPrompt } from '../comfy/api-format.ts';
import { a1111SamplerNames } from './names.ts';
import { type A1111Parameters, parseA1111Parameters } from './parameters.ts';

/** A1111's default comma_padding_backtrack. */
const A1111_COMMA_BACKTRACK = 20;

type Prompt = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

function numberSetting(settings: Record<string, string>, key: string, fallback: number): number {
  const value = settings[key];
  const parsed = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(parsed) ? parsed : fallback;
}

function size(settings: Record<string, string>): [number, number] {
  const match = /^(\d+)\s*x\s*(\d+)$/.exec(settings.Size ?? '');
  return match ? [Number(match[1]), Number(match[2])] : [512, 512];
}

/** The ComfyUI prompt A1111's txt2img parameters describe; `notes` lists what does not carry over. */
export function a1111ToPrompt(params: A1111Parameters): { prompt: Prompt; notes: string[] } {
  const { settings } = params;
  const names = a1111SamplerNames(settings.Sampler ?? 'Euler', settings['Schedule type']);
  const notes = [...names.notes];
  const model = settings.Model ?? 'diffgraph-shapes';
  if (!settings.Model) notes.push('no "Model" setting: diffgraph-shapes was used');
  if (settings['Denoising strength'])
    notes.push(
      `Denoising strength ${settings['Denoising strength']} was not carried over (img2img and hires fix are not rebuilt)`,
    );
  const prompt: Prompt = {
    checkpoint: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: model } },
  };
  let modelFrom: [string, number] = ['checkpoint', 0];
  let clipFrom: [string, number] = ['checkpoint', 1];
  params.loras.forEach((lora, index) => {
    const id = `lora${index + 1}`;
    prompt[id] = {
      class_type: 'LoraLoader',
      inputs: {
        lora_name: lora.name,
        strength_model: lora.weight,
        strength_clip: lora.weight,
        model: modelFrom,
        clip: clipFrom,
      },
    };
    modelFrom = [id, 0];
    clipFrom = [id, 1];
  });
  const clipSkip = numberSetting(settings, 'Clip skip', 1);
  if (Number.isInteger(clipSkip) && clipSkip > 1) {
    prompt.clipSkip = {
      class_type: 'CLIPSetLastLayer',
      inputs: { stop_at_clip_layer: -clipSkip, clip: clipFrom },
    };
    clipFrom = ['clipSkip', 0];
  }
  const [width, height] = size(settings);
  prompt.positive = { class_type: 'CLIPTextEncode', inputs: { text: params.prompt, clip: clipFrom } };
  prompt.negative = { class_type: 'CLIPTextEncode', inputs: { text: params.negative, clip: clipFrom } };
  prompt.latent = { class_type: 'EmptyLatentImage', inputs: { width, height, batch_size: 1 } };
  prompt.sampler = {
    class_type: 'KSampler',
    inputs: {
      seed: numberSetting(settings, 'Seed', 0),
      steps: numberSetting(settings, 'Steps', 20),
      cfg: numberSetting(settings, 'CFG scale', 7),
      sampler_name: names.sampler,
      scheduler: names.scheduler,
      denoise: 1,
      model: modelFrom,
      positive: ['positive', 0],
      negative: ['negative', 0],
      latent_image: ['latent', 0],
    },
  };
  prompt.decode = { class_type: 'VAEDecode', inputs: { samples: ['sampler', 0], vae: ['checkpoint', 2] } };
  prompt.save = { class_type: 'SaveImage', inputs: { filename_prefix: 'diffgraph', images: ['decode', 0] } };
  return { prompt, notes };
}

export function importA1111Parameters(text: string) {
  const params = parseA1111Parameters(text);
  const { prompt, notes } = a1111ToPrompt(params);
  const { doc, report } = importApiPrompt(prompt);
  // A1111 splits long prompts at a comma within its comma_padding_backtrack setting (default 20,
  // not written in the parameters); ComfyUI-imported graphs keep the widget's default, 0.
  for (const node of Object.values(doc.nodes))
    if (node.type === 'TextEncode')
      node.widgets = { ...node.widgets, comma_backtrack: A1111_COMMA_BACKTRACK };
  report.source = 'a1111';
  report.warnings.push(...notes);
  const hash = params.settings['Model hash'];
  if (hash) report.modelHashes = { checkpoint: hash.toLowerCase() };
  return { doc, report };
}
