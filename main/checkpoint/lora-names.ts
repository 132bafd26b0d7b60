// Which checkpoint weight a LoRA module name targets. LoRA trainers name U-Net modules the
// diffusers way (`down_blocks.1.attentions.0.proj_in`) and text-encoder modules the HF CLIP way
// (`text_model.encoder.layers.3.self_attn.q_proj`), while single-file checkpoints use the original
// LDM names (`input_blocks.4.1.proj_in`, OpenCLIP's packed `attn.in_proj_weight`). We walk the
// checkpoint's own keys and derive each one's diffusers/HF name, so the table fits its structure
// (levels and residual blocks per level are read from the keys, not assumed).

/** A weight a LoRA module patches: the whole tensor, or a block of its rows (packed q/k/v). */
export interface LoraTarget {
  key: string;
  part: 'unet' | 'text';
  rows?: { start: number; count: number };
}

type Header = { keys(): readonly string[]; info(key: string): { shape: readonly number[] } };

const UNET = 'model.diffusion_model.';

const RESNET: Record<string, string> = {
  'in_layers.0': 'norm1',
  'in_layers.2': 'conv1',
  'emb_layers.1': 'time_emb_proj',
  'out_layers.0': 'norm2',
  'out_layers.3': 'conv2',
  skip_connection: 'conv_shortcut',
};

function resnetInner(rest: string): string {
  for (const [ldm, diffusers] of Object.entries(RESNET)) {
    if (rest === ldm || rest.startsWith(`${ldm}.`)) return diffusers + rest.slice(ldm.length);
  }
  return rest;
}

interface UnetLayout {
  /** Residual blocks per level (2 for SD 1.x/2.x). */
  perLevel: number;
}

/**
 * Residual blocks per level, from the first downsampler (`input_blocks.{perLevel+1}.0.op`) or the
 * first upsampler (`output_blocks.{perLevel}.N.conv`); 2, as in every SD 1.x/2.x model, when the
 * file has neither (a U-Net fragment).
 */
function unetLayout(keys: readonly string[]): UnetLayout {
  let firstOp = Number.POSITIVE_INFINITY;
  let firstUp = Number.POSITIVE_INFINITY;
  for (const k of keys) {
    const op = /^model\.diffusion_model\.input_blocks\.(\d+)\.0\.op\./.exec(k);
    if (op) firstOp = Math.min(firstOp, Number(op[1]));
    const up = /^model\.diffusion_model\.output_blocks\.(\d+)\.\d+\.conv\./.exec(k);
    if (up) firstUp = Math.min(firstUp, Number(up[1]));
  }
  if (Number.isFinite(firstOp)) return { perLevel: firstOp - 1 };
  if (Number.isFinite(firstUp)) return { perLevel: firstUp };
  return { perLevel: 2 };
}

/** The diffusers module path for an LDM U-Net module path (without the prefix), if any. */
export function ldmToDiffusersUnet(path: string, layout: UnetLayout): string | undefined {
  const fixed: Record<string, string> = {
    'time_embed.0': 'time_embedding.linear_1',
    'time_embed.2': 'time_embedding.linear_2',
    'input_blocks.0.0': 'conv_in',
    'out.0': 'conv_norm_out',
    'out.2': 'conv_out',
  };
  if (fixed[path]) return fixed[path];
  const step = layout.perLevel + 1;
  const input = /^input_blocks\.(\d+)\.(\d+)(?:\.(.+))?$/.exec(path);
  if (input) {
    const n = Number(input[1]) - 1;
    const [level, j] = [Math.floor(n / step), n % step];
    if (j === layout.perLevel)
      return input[3] === 'op' ? `down_blocks.${level}.downsamplers.0.conv` : undefined;
    return block(`down_blocks.${level}`, j, input[2], input[3]);
  }
  const output = /^output_blocks\.(\d+)\.(\d+)(?:\.(.+))?$/.exec(path);
  if (output) {
    const n = Number(output[1]);
    const [level, j] = [Math.floor(n / step), n % step];
    if (output[3] === 'conv') return `up_blocks.${level}.upsamplers.0.conv`;
    return block(`up_blocks.${level}`, j, output[2], output[3]);
  }
  const middle = /^middle_block\.(\d+)(?:\.(.+))?$/.exec(path);
  if (middle) {
    const i = Number(middle[1]);
    if (i === 1) return `mid_block.attentions.0${middle[2] ? `.${middle[2]}` : ''}`;
    return `mid_block.resnets.${i / 2}${middle[2] ? `.${resnetInner(middle[2])}` : ''}`;
  }
  return undefined;
}

function block(prefix: string, j: number, sub: string, rest: string | undefined): string | undefined {
  if (sub === '0') return `${prefix}.resnets.${j}${rest ? `.${resnetInner(rest)}` : ''}`;
  if (sub === '1') return `${prefix}.attentions.${j}${rest ? `.${rest}` : ''}`;
  return undefined;
}

function addUnet(keys: readonly string[], table: Map<string, LoraTarget>): void {
  const layout = unetLayout(keys);
  for (const key of keys) {
    if (!key.startsWith(UNET) || !key.endsWith('.weight')) continue;
    const ldm = key.slice(UNET.length, -'.weight'.length);
    // SDXL LoRAs (kohya sd-scripts) name U-Net modules by their LDM paths; SD 1.x/2.x ones the diffusers way.
    table.set(`unet:${ldm}`, { key, part: 'unet' });
    const diffusers = ldmToDiffusersUnet(ldm, layout);
    if (diffusers) table.set(`unet:${diffusers}`, { key, part: 'unet' });
  }
}

/**
 * Where each text encoder sits in a checkpoint and under which table prefix its modules are listed:
 * SD 1.x/2.x and SDXL's CLIP-L (kohya `lora_te_`, diffusers `text_encoder.`) under `text:` (SDXL's also
 * under `text1:` for kohya's `lora_te1_`),
 * SDXL's OpenCLIP-bigG (kohya `lora_te2_`, diffusers `text_encoder_2.`) under `text2:`.
 */
const CLIP_L_PREFIXES = [
  { prefix: 'cond_stage_model.transformer.', tables: ['text'] },
  // kohya's `lora_te1_` (`text1:`) only fits SDXL, so an SDXL LoRA never lands on SD 1.x's CLIP-L.
  { prefix: 'conditioner.embedders.0.transformer.', tables: ['text', 'text1'] },
];
const OPEN_CLIP = [
  { prefix: 'cond_stage_model.model.', table: 'text' },
  { prefix: 'conditioner.embedders.1.model.', table: 'text2' },
  // The SDXL refiner's only encoder is bigG, at embedders.0 (its LoRAs name it te2 / text_encoder_2).
  { prefix: 'conditioner.embedders.0.model.', table: 'text2' },
];

/** SD 1.x and SDXL's CLIP-L: the checkpoint holds HF CLIP already (with or without the `text_model.` level). */
function addClipL(keys: readonly string[], table: Map<string, LoraTarget>): void {
  for (const { prefix, tables } of CLIP_L_PREFIXES) {
    for (const key of keys) {
      if (!key.startsWith(prefix) || !key.endsWith('.weight')) continue;
      let hf = key.slice(prefix.length, -'.weight'.length);
      if (!hf.startsWith('text_model.')) hf = `text_model.${hf}`;
      for (const name of tables) table.set(`${name}:${hf}`, { key, part: 'text' });
    }
  }
}

/** SD 2.x and SDXL's bigG: OpenCLIP's resblocks, with q/k/v packed into one in_proj weight. */
function addOpenClip(src: Header, keys: readonly string[], table: Map<string, LoraTarget>): void {
  for (const { prefix, table: name } of OPEN_CLIP) addOpenClipAt(src, keys, table, prefix, name);
}

function addOpenClipAt(
  src: Header,
  keys: readonly string[],
  table: Map<string, LoraTarget>,
  prefix: string,
  name: string,
): void {
  const blocks = `${prefix}transformer.resblocks.`;
  for (const key of keys) {
    if (!key.startsWith(blocks) || !key.endsWith('.attn.in_proj_weight')) continue;
    const m = /^(\d+)\.attn\.in_proj_weight$/.exec(key.slice(blocks.length));
    if (!m) continue;
    const layer = `${name}:text_model.encoder.layers.${m[1]}`;
    const base = `${blocks}${m[1]}`;
    const width = src.info(key).shape[0] / 3;
    ['q', 'k', 'v'].forEach((qkv, i) => {
      table.set(`${layer}.self_attn.${qkv}_proj`, {
        key,
        part: 'text',
        rows: { start: i * width, count: width },
      });
    });
    table.set(`${layer}.self_attn.out_proj`, { key: `${base}.attn.out_proj.weight`, part: 'text' });
    table.set(`${layer}.mlp.fc1`, { key: `${base}.mlp.c_fc.weight`, part: 'text' });
    table.set(`${layer}.mlp.fc2`, { key: `${base}.mlp.c_proj.weight`, part: 'text' });
  }
}

/**
 * `unet:<diffusers module path>`, `text:<HF CLIP module path>` (and SDXL's `text2:` for bigG) → the checkpoint weight, for
 * every module of this checkpoint.
 */
export function loraTargetTable(model: Header): Map<string, LoraTarget> {
  const keys = model.keys();
  const table = new Map<string, LoraTarget>();
  addUnet(keys, table);
  addClipL(keys, table);
  addOpenClip(model, keys, table);
  return table;
}
