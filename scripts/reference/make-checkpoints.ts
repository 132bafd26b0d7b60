// Writes the tiny checkpoints the reference scripts (scripts/reference/*.py) load, each with a JSON
// sidecar listing what was written. Usage: tsx scripts/reference/make-checkpoints.ts OUT_DIR [PART...]
// (parts: every key of PARTS; all by default). Each part is a generator over its own fixture module.
//   unet: the tiny U-Nets (scripts/reference/unet.py)
//   text: tiny-clip-l, tiny-openclip, tiny-embedding (scripts/reference/text.py, text_prompts.py)
//   vae: tiny-vae, tiny-vae-diffusers (scripts/reference/vae.py)
//   checkpoint: whole tiny SD 1.x / 2.x single-file checkpoints (tiny-sd1, tiny-sd2)
//   sdxl: whole tiny SDXL base and refiner checkpoints (tiny-sdxl, tiny-sdxl-refiner) and a kohya LoRA
//     for the base (tiny-sdxl-lora), an SDXL embedding (tiny-sdxl-embedding); scripts/reference/unet_sdxl.py
//     records their U-Net outputs, sdxl_text.py and sdxl_prompts.py their text encoders'
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSafetensors } from '../../main/checkpoint/safetensors-write.ts';
import { TINY_CHECKPOINT_PARTS } from '../../test/fixtures/checkpoints/parts.ts';
import {
  SDXL_TIME_IDS,
  TINY_SDXL_LORA_STRENGTH,
  TINY_SDXL_POOLED,
  TINY_SDXL_UNETS,
} from '../../test/fixtures/checkpoints/tiny-sdxl.ts';
import {
  TINY_UNET_CHECKPOINTS,
  writeTinyUnetCheckpoints,
} from '../../test/fixtures/checkpoints/tiny-unet.ts';

/** Writes one part's checkpoints into `dir`; resolves to the sidecar's entries. */
type PartWriter = (dir: string) => Promise<unknown[]>;

/** The SDXL checkpoints and their LoRA, with each U-Net's configuration for the reference script. */
async function writeSdxl(dir: string): Promise<unknown[]> {
  await files('tiny-sdxl', 'tiny-sdxl-refiner', 'tiny-sdxl-lora', 'tiny-sdxl-embedding')(dir);
  return (['sdxl', 'sdxl-refiner'] as const).map((variant) => ({
    file: `tiny-${variant}.safetensors`,
    variant,
    config: TINY_SDXL_UNETS[variant],
    timeIds: SDXL_TIME_IDS[variant],
    pooled: TINY_SDXL_POOLED,
    lora:
      variant === 'sdxl' ? { file: 'tiny-sdxl-lora.safetensors', strength: TINY_SDXL_LORA_STRENGTH } : null,
  }));
}

async function writeUnets(dir: string): Promise<unknown[]> {
  await writeTinyUnetCheckpoints(dir);
  return [...TINY_UNET_CHECKPOINTS];
}

/** Writes `${name}.safetensors` for each named file of TINY_CHECKPOINT_PARTS. */
function files(...names: string[]): PartWriter {
  return async (dir) => {
    for (const name of names)
      await writeSafetensors(join(dir, `${name}.safetensors`), TINY_CHECKPOINT_PARTS[name]());
    return names.map((name) => `${name}.safetensors`);
  };
}

const PARTS: Record<string, PartWriter> = {
  unet: writeUnets,
  text: files('tiny-clip-l', 'tiny-openclip', 'tiny-embedding'),
  vae: files('tiny-vae', 'tiny-vae-diffusers'),
  checkpoint: files('tiny-sd1', 'tiny-sd2'),
  sdxl: writeSdxl,
};

async function main(): Promise<void> {
  const [out, ...requested] = process.argv.slice(2);
  if (!out) throw new Error(`usage: make-checkpoints.ts OUT_DIR [${Object.keys(PARTS).join('|')} ...]`);
  const parts = requested.length > 0 ? requested : Object.keys(PARTS);
  await mkdir(out, { recursive: true });
  for (const part of parts) {
    const writer = PARTS[part];
    if (!writer) throw new Error(`unknown part "${part}" (known: ${Object.keys(PARTS).join(', ')})`);
    const entries = await writer(out);
    await writeFile(join(out, `${part}-checkpoints.json`), `${JSON.stringify(entries, null, 2)}\n`);
    console.log(`${part}: ${entries.length} checkpoints in ${out}`);
  }
}

await main();
