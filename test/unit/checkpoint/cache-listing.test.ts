// `diffgraph info`'s build-cache listing: finished builds with their bytes on disk and source
// checkpoint; builds in progress (dot folders) are not listed; a missing cache is empty.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheRootFor } from '../../../main/checkpoint/build-cache.ts';
import { listCachedBuilds } from '../../../main/checkpoint/cache-listing.ts';
import { describeModels } from '../../../main/cli/commands/info-models.ts';

async function file(path: string, bytes: number): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, Buffer.alloc(bytes));
}

describe('listCachedBuilds', () => {
  it('lists each finished build with its bytes and source checkpoint', async () => {
    const models = await mkdtemp(join(tmpdir(), 'cache-listing-'));
    const root = cacheRootFor(models);
    expect(await listCachedBuilds(root)).toEqual([]);
    const index = JSON.stringify({ _class_name: 'x', _diffgraph_source: 'sd_xl_base_1.0.safetensors' });
    await file(join(root, 'abc', 'unet', 'model.onnx_data'), 3 * 2 ** 20);
    await file(join(root, 'abc', 'unet', 'model.onnx'), 1000);
    await writeFile(join(root, 'abc', 'model_index.json'), index);
    await file(join(root, 'vae-123', 'vae_decoder', 'model.onnx'), 500);
    await file(join(root, '.abc.77.partial', 'unet', 'model.onnx'), 10_000);
    const builds = await listCachedBuilds(root);
    expect(builds).toEqual([
      {
        key: 'abc',
        dir: join(root, 'abc'),
        bytes: 3 * 2 ** 20 + 1000 + Buffer.byteLength(index),
        source: 'sd_xl_base_1.0.safetensors',
      },
      { key: 'vae-123', dir: join(root, 'vae-123'), bytes: 500 },
    ]);
    const text = describeModels({ cacheFolder: root, cached: builds }).join('\n');
    expect(text).toContain(`cached builds: 2 (3.0 MiB) in ${root}`);
    expect(text).toMatch(/3\.0 MiB {2}sd_xl_base_1\.0\.safetensors {2}abc/);
    expect(text).not.toContain('loaded in the server');
    const withServer = describeModels({
      cacheFolder: root,
      cached: [],
      loaded: [{ key: 'k', name: 'xl', slot: 'unet', device: 'cpu', bytes: 5 * 2 ** 30 }],
    }).join('\n');
    expect(withServer).toContain('loaded in the server: 1 (5.0 GiB)');
    expect(withServer).toContain('5.0 GiB  xl unet on cpu');
  });
});
