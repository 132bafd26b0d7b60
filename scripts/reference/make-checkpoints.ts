// Writes the tiny checkpoints the reference scripts (scripts/reference/*.py) load, each with a JSON
// sidecar listing what was written. Usage: tsx scripts/reference/make-checkpoints.ts OUT_DIR [PART...]
// (parts: every key of PARTS; all by default). Each part is a generator over its own fixture module.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  TINY_UNET_CHECKPOINTS,
  writeTinyUnetCheckpoints,
} from '../../test/fixtures/checkpoints/tiny-unet.ts';

/** Writes one part's checkpoints into `dir`; resolves to the sidecar's entries. */
type PartWriter = (dir: string) => Promise<unknown[]>;

async function writeUnets(dir: string): Promise<unknown[]> {
  await writeTinyUnetCheckpoints(dir);
  return [...TINY_UNET_CHECKPOINTS];
}

const PARTS: Record<string, PartWriter> = { unet: writeUnets };

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
