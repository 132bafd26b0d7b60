// Standalone VAE files in diffusers' key layout (AutoencoderKL, e.g. `diffusion_pytorch_model.safetensors`
// of a fine-tuned SD VAE) seen as the LDM layout the VAE builder reads. The name table below is the
// inverse of the one diffusers' own single-file converter uses; diffusers stores the mid-block attention
// projections as Linear [C, C] where LDM has 1×1 convs [C, C, 1, 1] (same values, one reshape).
import type { TensorInfo, TensorSource } from './tensor-source.ts';

type Rule = [RegExp, (m: RegExpExecArray, levels: number) => string];

const ATTN_PARTS: Record<string, string> = {
  group_norm: 'norm',
  to_q: 'q',
  query: 'q',
  to_k: 'k',
  key: 'k',
  to_v: 'v',
  value: 'v',
  'to_out.0': 'proj_out',
  proj_attn: 'proj_out',
};

const RESNET_PARTS: Record<string, string> = {
  norm1: 'norm1',
  conv1: 'conv1',
  norm2: 'norm2',
  conv2: 'conv2',
  conv_shortcut: 'nin_shortcut',
};

const ATTN = '(group_norm|to_q|query|to_k|key|to_v|value|to_out\\.0|proj_attn)';
const RESNET = '(norm1|conv1|norm2|conv2|conv_shortcut)';
const PARAM = '(weight|bias)';

/** diffusers name -> LDM name (decoder up_blocks count from the lowest resolution: level = levels-1-k). */
const RULES: Rule[] = [
  [new RegExp(`^(encoder|decoder)\\.(conv_in|conv_out)\\.${PARAM}$`), (m) => `${m[1]}.${m[2]}.${m[3]}`],
  [new RegExp(`^(post_quant_conv|quant_conv)\\.${PARAM}$`), (m) => `${m[1]}.${m[2]}`],
  [new RegExp(`^(encoder|decoder)\\.conv_norm_out\\.${PARAM}$`), (m) => `${m[1]}.norm_out.${m[2]}`],
  [
    new RegExp(`^encoder\\.down_blocks\\.(\\d+)\\.resnets\\.(\\d+)\\.${RESNET}\\.${PARAM}$`),
    (m) => `encoder.down.${m[1]}.block.${m[2]}.${RESNET_PARTS[m[3]]}.${m[4]}`,
  ],
  [
    new RegExp(`^encoder\\.down_blocks\\.(\\d+)\\.attentions\\.(\\d+)\\.${ATTN}\\.${PARAM}$`),
    (m) => `encoder.down.${m[1]}.attn.${m[2]}.${ATTN_PARTS[m[3]]}.${m[4]}`,
  ],
  [
    new RegExp(`^encoder\\.down_blocks\\.(\\d+)\\.downsamplers\\.0\\.conv\\.${PARAM}$`),
    (m) => `encoder.down.${m[1]}.downsample.conv.${m[2]}`,
  ],
  [
    new RegExp(`^decoder\\.up_blocks\\.(\\d+)\\.resnets\\.(\\d+)\\.${RESNET}\\.${PARAM}$`),
    (m, L) => `decoder.up.${L - 1 - Number(m[1])}.block.${m[2]}.${RESNET_PARTS[m[3]]}.${m[4]}`,
  ],
  [
    new RegExp(`^decoder\\.up_blocks\\.(\\d+)\\.attentions\\.(\\d+)\\.${ATTN}\\.${PARAM}$`),
    (m, L) => `decoder.up.${L - 1 - Number(m[1])}.attn.${m[2]}.${ATTN_PARTS[m[3]]}.${m[4]}`,
  ],
  [
    new RegExp(`^decoder\\.up_blocks\\.(\\d+)\\.upsamplers\\.0\\.conv\\.${PARAM}$`),
    (m, L) => `decoder.up.${L - 1 - Number(m[1])}.upsample.conv.${m[2]}`,
  ],
  [
    new RegExp(`^(encoder|decoder)\\.mid_block\\.resnets\\.([01])\\.${RESNET}\\.${PARAM}$`),
    (m) => `${m[1]}.mid.block_${Number(m[2]) + 1}.${RESNET_PARTS[m[3]]}.${m[4]}`,
  ],
  [
    new RegExp(`^(encoder|decoder)\\.mid_block\\.attentions\\.0\\.${ATTN}\\.${PARAM}$`),
    (m) => `${m[1]}.mid.attn_1.${ATTN_PARTS[m[2]]}.${m[3]}`,
  ],
];

/** The LDM name of a diffusers VAE key, or null when the table has no rule for it. */
export function ldmVaeKey(diffusersKey: string, decoderLevels: number): string | null {
  for (const [pattern, rename] of RULES) {
    const m = pattern.exec(diffusersKey);
    if (m) return rename(m, decoderLevels);
  }
  return null;
}

export function isDiffusersVae(src: TensorSource): boolean {
  return src.has('decoder.mid_block.resnets.0.conv1.weight');
}

/** A diffusers-layout VAE read through LDM names (no prefix), for readVaeStructure and the VAE builder. */
export class DiffusersVaeSource implements TensorSource {
  readonly name: string;
  private readonly toDiffusers = new Map<string, string>();

  constructor(private readonly inner: TensorSource) {
    this.name = inner.name;
    const levels = new Set(inner.keys().flatMap((k) => /^decoder\.up_blocks\.(\d+)\./.exec(k)?.[1] ?? []))
      .size;
    for (const key of inner.keys()) {
      const ldm = ldmVaeKey(key, levels);
      if (ldm === null)
        throw new Error(`${inner.name}: "${key}" is not a diffusers AutoencoderKL key this importer knows`);
      this.toDiffusers.set(ldm, key);
    }
  }

  keys(): readonly string[] {
    return [...this.toDiffusers.keys()];
  }

  has(key: string): boolean {
    return this.toDiffusers.has(key);
  }

  private source(key: string): string {
    const found = this.toDiffusers.get(key);
    if (!found) throw new Error(`${this.name}: no diffusers tensor for the VAE's "${key}"`);
    return found;
  }

  info(key: string): TensorInfo {
    const info = this.inner.info(this.source(key));
    const isAttnProjection = /\.attn(_1|\.\d+)\.(q|k|v|proj_out)\.weight$/.test(key);
    return isAttnProjection && info.shape.length === 2 ? { ...info, shape: [...info.shape, 1, 1] } : info;
  }

  read(key: string): Promise<Float32Array> {
    return this.inner.read(this.source(key));
  }

  metadata(): Readonly<Record<string, string>> {
    return this.inner.metadata();
  }
}
