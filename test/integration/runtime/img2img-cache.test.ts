// LoadImage's content cache key: re-running img2img on an unchanged input image reuses the loaded
// image and its VAE encoding; a changed file is loaded and encoded again.
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../main/engine/events.ts';
import { encodePng } from '../../../main/runtime/image-io.ts';
import type { ImageBatch } from '../../../nodes/types.ts';
import { ensureFixtureModels } from '../../fixtures/models.ts';
import { img2imgGraph, runGraph, type TestFolders, tempFolders, testEngine } from './graphs.ts';

let folders: TestFolders;

beforeAll(async () => {
  folders = tempFolders((await ensureFixtureModels()).modelsDir);
});

function flat(value: number): ImageBatch {
  return { data: new Float32Array(32 * 32 * 3).fill(value), shape: [1, 32, 32, 3] };
}

function ran(events: EngineEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'node-started' ? [e.nodeId] : []));
}

describe('LoadImage cache key', () => {
  it('reuses an unchanged image file and reloads a changed one', async () => {
    const file = join(folders.input, 'key.png');
    writeFileSync(file, await encodePng(flat(0.2), 0));
    const engine = testEngine(folders);
    const graph = () => img2imgGraph('key.png', 0.5, { steps: 2, size: 32 });
    const first = await runGraph(engine, graph());
    expect(first.result.error).toBeUndefined();
    expect(ran(first.events)).toEqual(expect.arrayContaining(['image', 'encode']));

    const again = await runGraph(engine, graph());
    expect(again.result.error).toBeUndefined();
    expect(ran(again.events)).not.toContain('image');
    expect(ran(again.events)).not.toContain('encode');
    expect(again.events).toContainEqual(expect.objectContaining({ type: 'node-cached', nodeId: 'image' }));

    // Same size, same mtime, other pixels: only the content hash tells them apart.
    const { mtime } = statSync(file);
    writeFileSync(file, await encodePng(flat(0.6), 0));
    utimesSync(file, mtime, mtime);
    const changed = await runGraph(engine, graph());
    expect(changed.result.error).toBeUndefined();
    expect(ran(changed.events)).toEqual(expect.arrayContaining(['image', 'encode']));
  });
});
