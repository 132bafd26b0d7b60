// Collector side of output transfer: fetch a finished job's files (Redis chunks or the shared
// folder) and write them into --out with the same atomic, never-overwriting numbered writes as a
// local run; then drop the farm's copies.
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { dirname, posix, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import type { OutputFileInfo } from '../../engine/events.ts';
import { writeNewNumberedFile } from '../../util/atomic-write.ts';
import { isInside } from '../../util/path-inside.ts';
import type { FarmOutput } from './job-data.ts';

export async function receiveOutput(
  redis: Redis,
  output: FarmOutput,
  outDir: string,
  sharedRoot: string | null,
): Promise<OutputFileInfo> {
  const data = await fetchBytes(redis, output, sharedRoot);
  if (data.length !== output.bytes) {
    throw new Error(`output ${output.name}: expected ${output.bytes} bytes, got ${data.length}`);
  }
  const target = confined(outDir, output.name);
  const { prefix, ext } = splitNumberedName(posix.basename(output.name));
  await mkdir(dirname(target), { recursive: true });
  const path = await writeNewNumberedFile(dirname(target), prefix, ext, data);
  return { kind: output.kind, path, ...(output.meta ? { meta: output.meta } : {}) };
}

export async function discardOutput(
  redis: Redis,
  output: FarmOutput,
  sharedRoot: string | null,
): Promise<void> {
  if (output.source.kind === 'redis') await redis.del(output.source.key);
  else if (sharedRoot) await unlink(confined(sharedRoot, output.source.path)).catch(() => {});
}

async function fetchBytes(redis: Redis, output: FarmOutput, sharedRoot: string | null): Promise<Buffer> {
  const source = output.source;
  if (source.kind === 'shared') {
    if (!sharedRoot)
      throw new Error(`output ${output.name} is in the shared folder: collect with --shared-out`);
    return readFile(confined(sharedRoot, source.path));
  }
  const parts: Buffer[] = [];
  // One chunk per request keeps each reply small however large the file.
  for (let index = 0; index < source.chunks; index += 1) {
    const part = await redis.lindexBuffer(source.key, index);
    if (!part) throw new Error(`output ${output.name}: chunk ${index} is missing (expired from Redis?)`);
    parts.push(part);
  }
  return Buffer.concat(parts);
}

/** `root/relative`, refusing names that would leave `root` (a worker's answer is not trusted). */
function confined(root: string, relativePath: string): string {
  const target = resolve(root, ...relativePath.split('/'));
  if (!isInside(resolve(root), target) || target === resolve(root)) {
    throw new Error(`output path "${relativePath}" leaves its folder`);
  }
  return target;
}

/** `tiny_00003.png` -> prefix `tiny`, ext `.png` (renumbered in --out); other names keep their stem. */
export function splitNumberedName(name: string): { prefix: string; ext: string } {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot) : '';
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const numbered = /^(.*)_\d{5,}$/.exec(stem);
  return { prefix: numbered ? numbered[1] : stem, ext };
}
