// Writes the tiny test checkpoints that the reference scripts (scripts/reference/*.py) run the original
// PyTorch modules on. Tests regenerate the same files and check their sha256 against the fixtures.
//   npx tsx scripts/reference/make-checkpoints.ts OUT_DIR [part ...]     (default: every part)
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSafetensors } from '../../main/checkpoint/safetensors-write.ts';
import { TINY_CHECKPOINT_PARTS } from '../../test/fixtures/checkpoints/parts.ts';

async function main(): Promise<void> {
  const [outDir, ...wanted] = process.argv.slice(2);
  if (!outDir) {
    console.error(`usage: make-checkpoints.ts OUT_DIR [${Object.keys(TINY_CHECKPOINT_PARTS).join('|')} ...]`);
    process.exit(2);
  }
  const names = wanted.length > 0 ? wanted : Object.keys(TINY_CHECKPOINT_PARTS);
  await mkdir(outDir, { recursive: true });
  for (const name of names) {
    const make = TINY_CHECKPOINT_PARTS[name];
    if (!make) {
      console.error(`unknown part "${name}"; known: ${Object.keys(TINY_CHECKPOINT_PARTS).join(', ')}`);
      process.exit(2);
    }
    const path = join(outDir, `${name}.safetensors`);
    await writeSafetensors(path, make());
    console.log(path);
  }
}

await main();
