// Single-file checkpoints and LoRAs, as ComfyUI users know them (CheckpointLoaderSimple, LoraLoader).
// A MODEL / CLIP made here remembers its recipe (checkpoint, build options, LoRA chain); LoadLoRA
// extends the recipe and asks for the build of the longer chain. Builds are cached by content
// hash + options + LoRA set (main/checkpoint/build-cache.ts), so a chain loads once; a LoRA set is
// built over the LoRA-free build by re-merging only the tensors it touches, so a changed strength is cheap.
import {
  type CheckpointRecipe,
  DEVICE_NAMES,
  defineNode,
  type NodeContext,
  type NodeDefinition,
  NodeInputError,
  type WidgetSpec,
} from './api.ts';
import type { Denoiser, TextEncoderModel } from './types.ts';
import { onWidgets } from './widget-errors.ts';

const CATEGORY = 'loaders';
const WEIGHT_FILES = ['.safetensors', '.ckpt', '.pt', '.pth'];

/** Recipes of the MODEL / CLIP values built here (by identity: values pass between nodes as objects). */
const recipes = new WeakMap<object, CheckpointRecipe>();

/** The recipe a checkpoint-built MODEL or CLIP was made from; undefined for ONNX-pipeline models. */
export function recipeOf(value: unknown): CheckpointRecipe | undefined {
  return value && typeof value === 'object' ? recipes.get(value) : undefined;
}

const modelFile = (name: string, description: string): WidgetSpec => ({
  name,
  kind: 'file',
  default: '',
  folder: 'models',
  extensions: WEIGHT_FILES,
  description,
});

const strength = (name: string, description: string): WidgetSpec => ({
  name,
  kind: 'float',
  default: 1,
  min: -20,
  max: 20,
  step: 0.01,
  description,
});

const WIDGET_FIELDS = {
  checkpoint: 'checkpoint',
  lora: 'lora',
  device: 'device',
  file: 'checkpoint',
} as const;

async function build(ctx: NodeContext, recipe: CheckpointRecipe) {
  const loaded = await ctx.services.checkpoints.load(recipe, (done, total) => ctx.progress(done, total));
  recipes.set(loaded.model, recipe);
  recipes.set(loaded.clip, recipe);
  return loaded;
}

function requireRecipe(input: 'model' | 'clip', value: unknown): CheckpointRecipe {
  const recipe = recipeOf(value);
  if (recipe) return recipe;
  throw new NodeInputError(
    input,
    `expected a ${input === 'model' ? 'MODEL' : 'CLIP'} from Load Checkpoint (a LoRA patches a checkpoint's weights; ONNX pipelines cannot take one)`,
  );
}

export const checkpointNodes: NodeDefinition[] = [
  defineNode({
    type: 'LoadCheckpoint',
    displayName: 'Load Checkpoint',
    category: CATEGORY,
    description:
      'A single-file SD 1.x / 2.x / SDXL (base or refiner) checkpoint (.safetensors, or a torch .ckpt read without running code), built to ONNX on first use and cached',
    inputs: [],
    widgets: [
      modelFile('checkpoint', 'Checkpoint file: a name in checkpoints/ (or models/Stable-diffusion/)'),
      {
        name: 'prediction',
        kind: 'enum',
        default: 'auto',
        options: ['auto', 'epsilon', 'v_prediction'],
        description: "auto: the file's metadata, else the known heuristics (SD 2.x 768: v_prediction)",
      },
      {
        name: 'device',
        kind: 'enum',
        default: 'auto',
        options: DEVICE_NAMES,
        description: 'auto: the best available GPU (CUDA, else WebGPU), falling back to the CPU',
      },
      {
        name: 'dtype',
        kind: 'enum',
        default: 'auto',
        options: ['auto', 'float32', 'float16'],
        description:
          'Weights of the built U-Net and text encoder: auto = float32 on the CPU, float16 on GPUs',
      },
    ],
    outputs: [
      { name: 'model', type: 'MODEL' },
      { name: 'clip', type: 'CLIP' },
      { name: 'vae', type: 'VAE' },
    ],
    run: (ctx, inputs) =>
      onWidgets(WIDGET_FIELDS, () =>
        build(ctx, {
          checkpoint: String(inputs.checkpoint ?? ''),
          prediction: inputs.prediction as CheckpointRecipe['prediction'],
          dtype: inputs.dtype as CheckpointRecipe['dtype'],
          device: inputs.device as CheckpointRecipe['device'],
          loras: [],
        }),
      ),
  }),
  defineNode({
    type: 'LoadLoRA',
    displayName: 'Load LoRA',
    category: CATEGORY,
    description:
      'Merge a LoRA (kohya or diffusers/PEFT names, LoCon convolutions) into a checkpoint MODEL and CLIP: W + strength·(alpha/rank)·(up @ down). Chain several to stack them',
    inputs: [
      { name: 'model', type: 'MODEL' },
      { name: 'clip', type: 'CLIP' },
    ],
    widgets: [
      modelFile('lora', 'LoRA file: a name in loras/ (or models/Lora/)'),
      strength('strength_model', 'Strength on the U-Net (0: leave it unchanged)'),
      strength('strength_clip', 'Strength on the text encoder (0: leave it unchanged)'),
    ],
    outputs: [
      { name: 'model', type: 'MODEL' },
      { name: 'clip', type: 'CLIP' },
    ],
    run: async (ctx, inputs) => {
      const modelRecipe = requireRecipe('model', inputs.model as Denoiser);
      const clipRecipe = requireRecipe('clip', inputs.clip as TextEncoderModel);
      // Both strengths 0: nothing to merge (as ComfyUI's LoraLoader), so no build either.
      if (Number(inputs.strength_model) === 0 && Number(inputs.strength_clip) === 0)
        return { model: inputs.model, clip: inputs.clip };
      const use = {
        lora: String(inputs.lora ?? ''),
        strengthModel: Number(inputs.strength_model),
        strengthClip: Number(inputs.strength_clip),
      };
      const extend = (recipe: CheckpointRecipe) => ({ ...recipe, loras: [...recipe.loras, use] });
      return onWidgets(WIDGET_FIELDS, async () => {
        const forModel = await build(ctx, extend(modelRecipe));
        // The usual chain carries one recipe on both wires: one build serves both outputs.
        const forClip = sameRecipe(modelRecipe, clipRecipe) ? forModel : await build(ctx, extend(clipRecipe));
        return { model: forModel.model, clip: forClip.clip };
      });
    },
  }),
];

function sameRecipe(a: CheckpointRecipe, b: CheckpointRecipe): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
