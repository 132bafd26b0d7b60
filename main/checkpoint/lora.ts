// LoRA files (kohya `lora_unet_*`/`lora_te_*` and diffusers/PEFT `lora_A`/`lora_B` names, LoCon
// convolutions) read against a checkpoint: each module becomes a patch on one checkpoint weight,
// W' = W + strength · (alpha / rank) · (up @ down)  (Hu et al. 2021, "LoRA", eq. 3; alpha/rank as
// in kohya's sd-scripts). Merging happens in float32, tensor by tensor, when a weight is read.
import { type LoraTarget, loraTargetTable } from './lora-names.ts';
import type { TensorSource } from './tensor-source.ts';

export interface LoraPatch {
  /** The LoRA module name as written in the file. */
  module: string;
  target: LoraTarget;
  /** up: [out, rank], down: [rank, cols] (conv kernels flattened into cols), row-major float32. */
  up: Float32Array;
  down: Float32Array;
  rank: number;
  out: number;
  cols: number;
  /** alpha / rank (1 when the file has no alpha). */
  scale: number;
}

export interface LoraFile {
  name: string;
  patches: LoraPatch[];
  /** Module names (or stray keys) that match no weight of the checkpoint. */
  unmatched: string[];
  /** The warning to show when some modules are unmatched (never dropped silently). */
  warning?: string;
}

type Header = Pick<TensorSource, 'keys' | 'info'>;

interface ModuleKeys {
  down?: string;
  up?: string;
  alpha?: string;
}

const ROLE =
  /^(.*?)\.(lora_down\.weight|lora_up\.weight|lora_A(?:\.default)?\.weight|lora_B(?:\.default)?\.weight|lora\.down\.weight|lora\.up\.weight|down\.weight|up\.weight|alpha)$/;

function groupModules(keys: readonly string[]): { modules: Map<string, ModuleKeys>; stray: string[] } {
  const modules = new Map<string, ModuleKeys>();
  const stray: string[] = [];
  for (const key of keys) {
    const m = ROLE.exec(key);
    if (!m) {
      stray.push(key);
      continue;
    }
    const [, module, role] = m;
    const entry = modules.get(module) ?? {};
    if (role === 'alpha') entry.alpha = key;
    else if (/down|lora_A/.test(role)) entry.down = key;
    else entry.up = key;
    modules.set(module, entry);
  }
  return { modules, stray };
}

/** The table key (`unet:path` / `text:path`) a module name stands for, in either naming scheme. */
function lookupName(module: string): string {
  // SDXL's kohya LoRAs name CLIP-L `lora_te1_` and OpenCLIP-bigG `lora_te2_`.
  const kohya = /^lora_(unet|te|te1|te2)_(.+)$/.exec(module);
  if (kohya) return `${{ unet: 'unet', te: 'text', te1: 'text1', te2: 'text2' }[kohya[1]]}:${kohya[2]}`;
  let path = module.replace(/^base_model\.model\./, '');
  let part = 'unet';
  if (path.startsWith('text_encoder_2.')) {
    part = 'text2';
    path = path.slice('text_encoder_2.'.length);
  } else if (path.startsWith('text_encoder.')) {
    part = 'text';
    path = path.slice('text_encoder.'.length);
  } else if (path.startsWith('unet.')) path = path.slice('unet.'.length);
  else if (path.startsWith('text_model.')) part = 'text';
  // Old diffusers attention-processor LoRAs: `attn1.processor.to_q_lora` is `attn1.to_q`.
  path = path
    .replace(/\.processor\.(to_[qkv])_lora$/, '.$1')
    .replace(/\.processor\.to_out_lora$/, '.to_out.0')
    .replace(/\.lora_linear_layer$/, ''); // old diffusers text-encoder LoRAs wrap the layer
  return `${part}:${path}`;
}

/** Kohya flattens dots to underscores: index the table the same way to find its names. */
function kohyaIndex(table: Map<string, LoraTarget>): Map<string, LoraTarget> {
  const index = new Map(table);
  for (const [name, target] of table) index.set(name.replaceAll('.', '_'), target);
  return index;
}

function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function fitError(lora: string, module: string, detail: string): Error {
  return new Error(
    `${lora}: module "${module}" ${detail}: the LoRA was made for another architecture than this checkpoint`,
  );
}

/** A LoRA module matched to the weight it patches, its shapes checked (no values read). */
interface MatchedModule {
  module: string;
  keys: Required<Pick<ModuleKeys, 'down' | 'up'>> & Pick<ModuleKeys, 'alpha'>;
  target: LoraTarget;
  rank: number;
  out: number;
  cols: number;
}

function matchShapes(
  lora: Header & { name: string },
  model: Header,
  module: string,
  keys: MatchedModule['keys'],
  target: LoraTarget,
): MatchedModule {
  const downShape = lora.info(keys.down).shape;
  const upShape = lora.info(keys.up).shape;
  const rank = downShape[0];
  const out = upShape[0];
  const cols = elements(downShape.slice(1));
  if (upShape[1] !== rank || elements(upShape) !== out * rank) {
    throw new Error(
      `${lora.name}: module "${module}" has up [${upShape}] and down [${downShape}] of different ranks`,
    );
  }
  const targetShape = model.info(target.key).shape;
  const rows = target.rows?.count ?? targetShape[0];
  const targetCols = elements(targetShape.slice(1));
  if (rows !== out || targetCols !== cols) {
    const where = target.rows ? ` rows ${target.rows.start}..${target.rows.start + rows}` : '';
    throw fitError(
      lora.name,
      module,
      `(up [${upShape}] @ down [${downShape}] = ${out}×${cols}) does not fit ${target.key}${where} [${targetShape}]`,
    );
  }
  return { module, keys, target, rank, out, cols };
}

async function readPatch(lora: TensorSource, m: MatchedModule): Promise<LoraPatch> {
  const alpha = m.keys.alpha ? (await lora.read(m.keys.alpha))[0] : m.rank;
  return {
    module: m.module,
    target: m.target,
    up: await lora.read(m.keys.up),
    down: await lora.read(m.keys.down),
    rank: m.rank,
    out: m.out,
    cols: m.cols,
    scale: alpha / m.rank,
  };
}

function warningFor(name: string, unmatched: string[], total: number): string | undefined {
  if (unmatched.length === 0) return undefined;
  const shown = unmatched.slice(0, 8).join(', ');
  const more = unmatched.length > 8 ? ` and ${unmatched.length - 8} more` : '';
  return `${name}: ${unmatched.length} of ${total} LoRA entries match no weight of the checkpoint and are ignored: ${shown}${more}`;
}

export interface LoraMatch {
  matched: MatchedModule[];
  /** Module names (or stray keys) that match no weight of the checkpoint. */
  unmatched: string[];
  /** Modules plus stray keys, for the warning's count. */
  total: number;
}

/**
 * Match a LoRA's modules to the checkpoint's weights from the two headers alone (names and shapes,
 * no values): throws when no module fits or one has the wrong shape.
 */
export function matchLora(lora: Header & { name: string }, model: Header): LoraMatch {
  const index = kohyaIndex(loraTargetTable(model));
  const { modules, stray } = groupModules(lora.keys());
  const matched: MatchedModule[] = [];
  const unmatched = [...stray];
  for (const [module, keys] of modules) {
    const target = index.get(lookupName(module));
    if (!target || !keys.down || !keys.up) {
      unmatched.push(!keys.down || !keys.up ? `${module} (no ${keys.down ? 'up' : 'down'} weight)` : module);
      continue;
    }
    matched.push(
      matchShapes(lora, model, module, { down: keys.down, up: keys.up, alpha: keys.alpha }, target),
    );
  }
  if (matched.length === 0) {
    const sample = [...modules.keys()].slice(0, 3).join(', ') || lora.keys().slice(0, 3).join(', ');
    throw new Error(
      `${lora.name}: none of its ${modules.size} LoRA modules match a weight of this checkpoint (e.g. ${sample}): it is for another architecture or not a LoRA`,
    );
  }
  return { matched, unmatched, total: modules.size + stray.length };
}

/** Read a LoRA against the checkpoint it will patch; throws if it fits none or a wrong shape. */
export async function readLora(lora: TensorSource, model: Header): Promise<LoraFile> {
  const { matched, unmatched, total } = matchLora(lora, model);
  const patches: LoraPatch[] = [];
  for (const m of matched) patches.push(await readPatch(lora, m));
  return { name: lora.name, patches, unmatched, warning: warningFor(lora.name, unmatched, total) };
}

/** W += factor · (up @ down), into the patch's rows of `weight` (float32, row-major). */
export function addLoraDelta(weight: Float32Array, patch: LoraPatch, factor: number): void {
  const { up, down, rank, out, cols } = patch;
  const rowStart = patch.target.rows?.start ?? 0;
  const row = new Float32Array(cols);
  for (let o = 0; o < out; o++) {
    row.fill(0);
    for (let r = 0; r < rank; r++) {
      const u = up[o * rank + r];
      if (u === 0) continue;
      const d = r * cols;
      for (let c = 0; c < cols; c++) row[c] += u * down[d + c];
    }
    const w = (rowStart + o) * cols;
    for (let c = 0; c < cols; c++) weight[w + c] += factor * row[c];
  }
}
